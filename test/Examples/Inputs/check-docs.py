"""Checks the Markdown of README.md and docs/: every code fence that opens a
block names its language (a missing or stray fence turns the rest of a page
inside out), and every ```sh block that runs a built tool or a script
(build/bin/..., scripts/...) runs exactly as written, as one script, and
exits 0. Blocks that install, build or run the long checks (apt-get,
scripts/bootstrap.sh, sanitize.sh, fuzz.sh, .ci/run, ctest) are CI's own
steps, and moe-wse-sweep's --fit (a minute of grid search, ten under the
sanitizers) is run by test/Validation/cerebras-bta.test: those blocks are
only checked for their fences.

    check-docs.py SOURCE_DIR TOOLS_DIR [--run]

Commands run in a scratch directory that links the source tree's examples/,
test/, docs/ and scripts/ and has build/bin pointing at TOOLS_DIR, so the
files they write (SVGs, planned IR) land there. Prints one line per command;
exits 1 naming the first page, line and command that failed."""
import os
import subprocess
import sys
import tempfile
import time


def blocks(path):
    """(line, language, [lines]) for each fenced block; errors for fences
    that open a block without a language."""
    errors, found = [], []
    lines = open(path).read().split("\n")
    open_at, lang, body = None, None, []
    for i, line in enumerate(lines, 1):
        if not line.startswith("```"):
            if open_at is not None:
                body.append((i, line))
            continue
        if open_at is None:
            open_at, lang, body = i, line[3:].strip(), []
            if not lang:
                errors.append("%s:%d: a code block without a language "
                              "(a stray fence?)" % (path, i))
        else:
            found.append((open_at, lang, body))
            open_at = None
    if open_at is not None:
        errors.append("%s:%d: a code block that never closes" % (path, open_at))
    return found, errors


# scripts/calibrate-gpu.py needs PyTorch and a GPU, which CI has neither of
# (test/Tools/moe-calibrate/calibrate-gpu-script.test checks what it can).
SKIP = ("apt-get", "sudo ", "scripts/bootstrap.sh", "scripts/sanitize.sh",
        "scripts/fuzz.sh", ".ci/run", "ctest", "cmake ", "ninja ",
        "--fit=", "scripts/calibrate-gpu.py")


def runnable(body):
    """Whether a block runs a built tool or a script and nothing CI runs
    itself."""
    text = "\n".join(line for _, line in body)
    return ("build/bin/" in text or "scripts/" in text) and not any(
        word in text for word in SKIP)


def main():
    source, tools = sys.argv[1], sys.argv[2]
    run = "--run" in sys.argv
    pages = [os.path.join(source, "README.md")] + sorted(
        os.path.join(source, "docs", f)
        for f in os.listdir(os.path.join(source, "docs")) if f.endswith(".md"))
    status = 0
    scratch = tempfile.mkdtemp(prefix="moe-docs-")
    for name in ("examples", "test", "docs", "scripts"):
        os.symlink(os.path.join(source, name), os.path.join(scratch, name))
    os.makedirs(os.path.join(scratch, "build"))
    os.symlink(tools, os.path.join(scratch, "build", "bin"))
    for page in pages:
        found, errors = blocks(page)
        for e in errors:
            print("error: " + e)
            status = 1
        rel = os.path.relpath(page, source)
        print("%s: %d code blocks, fences balanced" % (rel, len(found)))
        if not run:
            continue
        for start, lang, body in found:
            if lang != "sh" or not runnable(body):
                continue
            script = "\n".join(line for _, line in body)
            begin = time.time()
            result = subprocess.run(
                ["bash", "-e", "-o", "pipefail", "-c", script], cwd=scratch,
                capture_output=True, text=True, timeout=600)
            took = time.time() - begin
            if result.returncode != 0:
                print("error: %s:%d: the block exits %d\n%s" % (
                    rel, start, result.returncode, result.stderr[-2000:]))
                status = 1
            else:
                print("ran %s:%d (%.1f s)" % (rel, start, took))
    sys.exit(status)


main()
