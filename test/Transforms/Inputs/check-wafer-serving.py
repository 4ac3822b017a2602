"""Re-derives every row of a wafer-scale serving search (format=json) from
its own phases with the formulas of docs/Serving.md ("Wafer-scale
serving"), independently of the C++ code:

- the KV cache of a row holds `batch` sequences of the whole request;
- a resident row uses the fewest systems whose SRAM holds their share of
  the weights beside the caches and activations (so one system fewer would
  not fit); a streamed row is one system that fits;
- the co-located step: chunk = b * I / O, TPOT = t_d + chunk / P,
  TTFT = max(1, I / chunk) * TPOT, tokens/s per system = b / TPOT;
- the best row of each mode has the most tokens/s per system of the rows
  meeting the targets.

    check-wafer-serving.py RESULT.json MACHINE.json KV_BYTES_PER_TOKEN
"""
import json
import math
import sys

result = json.load(open(sys.argv[1]))
machine = json.load(open(sys.argv[2]))
kv_per_token = float(sys.argv[3])
sram = machine["memory_capacity"]
w = result["workload"]
inp, out = w["input_tokens"], w["output_tokens"]
weights = result["model_weight_bytes"]


def close(a, b, what):
    if abs(a - b) > 1e-9 * max(1.0, abs(a), abs(b)):
        sys.exit("mismatch in %s: %r vs %r" % (what, a, b))


for row in result["rows"]:
    b, n = row["batch_per_system"], row["systems"]
    close(row["kv_cache_bytes_per_system"], b * (inp + out) * kv_per_token,
          "KV cache")
    if row["memory_bytes_per_system"] > sram:
        sys.exit("row over SRAM: %r" % row)
    if row["weights"] == "resident":
        close(row["weight_bytes_per_system"], weights / n, "weight share")
        rest = row["memory_bytes_per_system"] - weights / n
        if n > 1 and weights / (n - 1) + rest <= sram:
            sys.exit("resident row could use %d systems: %r" % (n - 1, row))
    else:
        if n != 1:
            sys.exit("streamed row on %d systems" % n)
    chunk = b * inp / out
    close(row["chunk_tokens_per_system"], chunk, "chunk")
    tpot = row["decode_step_seconds"] + chunk / row[
        "prefill_tokens_per_second_per_system"]
    close(row["tpot_seconds"], tpot, "TPOT")
    close(row["ttft_seconds"], max(1.0, inp / chunk) * tpot, "TTFT")
    close(row["tokens_per_second_per_system"], b / tpot, "tokens/s")
    close(row["tokens_per_second_per_user"], 1 / tpot, "tokens/s per user")
    meets = ((w["ttft_limit_seconds"] <= 0 or
              row["ttft_seconds"] <= w["ttft_limit_seconds"]) and
             (w["tpot_limit_seconds"] <= 0 or
              row["tpot_seconds"] <= w["tpot_limit_seconds"]))
    if meets != row["meets_targets"]:
        sys.exit("targets wrong: %r" % row)

for mode in ("resident", "streamed"):
    rows = [r for r in result["rows"]
            if r["weights"] == mode and r["meets_targets"]]
    best = result["best_" + mode]
    if not rows:
        if best is not None:
            sys.exit("best %s without a qualifying row" % mode)
        continue
    top = max(r["tokens_per_second_per_system"] for r in rows)
    close(best["tokens_per_second_per_system"], top, "best " + mode)

print("checked %d rows" % len(result["rows"]))
