#!/usr/bin/env python3
"""Prices published MoE serving deployments with their published settings and
prints predicted next to published tokens/s per GPU (docs/Validation.md,
"Serving").

    scripts/validate-serving.py [docs/data/serving-moe.csv]

Each row is one phase of a deployment: the model's Hugging Face config
(examples/configs/), the machine (a preset, or examples/machines/NAME.json),
prefill or decode, the expert-parallel degree (experts over GPUs, attention
data-parallel on every GPU, as DeepSeek's and SGLang's deployments run it),
the batch per GPU (decode sequences, or prompts in one prefill step), the
prompt or KV length, and the overlap of communication (two micro-batches).
Every row runs FP8 GEMMs on FP8 weights (--moe-gpu-plan fp8). A decode row
whose batch is not published (0) is priced at the batch whose step time is
closest to the published tokens/s per user. Nothing is fitted on these rows.

Tools come from $MOE_BIN (default: build/bin next to scripts/).
"""
import csv
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("MOE_BIN", os.path.join(ROOT, "build", "bin"))


def machine_option(name):
    path = os.path.join(ROOT, "examples", "machines", name + ".json")
    return "machine-file=" + path if os.path.exists(path) else "machine=" + name


def price(row, batch):
    """Seconds per step, tokens/s per GPU and memory per GPU of one step."""
    ep = int(row["ep"])
    config = os.path.join(ROOT, "examples", "configs", row["config"] + ".json")
    tokens = int(row["tokens"])
    if row["phase"] == "decode":
        shape = ["--phase=decode", "--batch=%d" % (batch * ep),
                 "--context=%d" % tokens]
    else:
        shape = ["--batch=%d" % (batch * ep), "--seq-len=%d" % tokens]
    if row["kv_dtype"] == "fp8":
        shape.append("--kv-dtype=fp8")
    program = subprocess.run(
        [os.path.join(BIN, "moe-translate"), "--import-hf-config", config,
         "--capacity-factor=0"] + shape,
        check=True, capture_output=True, text=True).stdout
    machine = machine_option(row["machine"])
    report = subprocess.run(
        [os.path.join(BIN, "moe-opt"),
         "--moe-gpu-plan=ep=%d fp8=true %s" % (ep, machine),
         "--moe-cost=%s overlap=%s check-memory=false" % (machine,
                                                          row["overlap"]),
         "--moe-cost-report=format=json", "-o", "/dev/null"],
        input=program, check=True, capture_output=True, text=True).stdout
    summary = json.loads(report)
    total = summary["total"]
    return (total["seconds"], total["tokens_per_second"] / summary["devices"],
            total["memory_bytes_per_device"], summary["memory"]["capacity"])


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "docs", "data", "serving-moe.csv")
    with open(path) as f:
        rows = list(csv.DictReader(f))
    print("| deployment | phase | GPUs | batch/GPU | step | memory/GPU | "
          "tokens/s/GPU predicted | published | error |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    errors = []
    for row in rows:
        batch = int(row["batch_per_gpu"])
        if batch == 0:
            # The published per-user speed fixes the step time: the batch
            # whose step is closest to it (step time grows with the batch).
            target = 1 / float(row["published_tokens_per_s_per_user"])
            lo, hi = 1, 1024
            while lo < hi:
                mid = (lo + hi) // 2
                if price(row, mid)[0] < target:
                    lo = mid + 1
                else:
                    hi = mid
            batch = min((lo - 1, lo), key=lambda b: abs(
                price(row, max(b, 1))[0] - target) if b >= 1 else 1e9)
        seconds, tokens, memory, capacity = price(row, batch)
        published = float(row["published_tokens_per_s_per_gpu"])
        error = tokens / published - 1
        errors.append(abs(error))
        fits = "" if memory <= capacity else " (over memory)"
        print("| %s | %s | %s | %d | %.1f ms | %.1f GB%s | %.0f | %.0f | %+.0f%% |"
              % (row["id"], row["phase"], row["ep"], batch, seconds * 1e3,
                 memory / 1e9, fits, tokens, published, 100 * error))
    errors.sort()
    n = len(errors)
    median = (errors[n // 2] if n % 2 else
              (errors[n // 2 - 1] + errors[n // 2]) / 2)
    print("\n%d rows, none fitted: median |error| %.0f%%, worst %.0f%%" %
          (n, 100 * median, 100 * errors[-1]))


if __name__ == "__main__":
    main()
