"""Frames the JSON-RPC messages of an -lit-test style LSP test as a real
client does: each message (the blocks between '// -----' lines, comment lines
dropped) is sent with its 'Content-Length' header, so the server reads the
base protocol instead of the -lit-test shortcut."""

import sys

with open(sys.argv[1], encoding="utf-8") as f:
    blocks = f.read().split("// -----\n")

out = sys.stdout.buffer
for block in blocks:
    body = "\n".join(
        line for line in block.splitlines() if not line.startswith("//")
    ).strip()
    if not body:
        continue
    data = body.encode("utf-8")
    out.write(b"Content-Length: %d\r\n\r\n" % len(data))
    out.write(data)
out.flush()
