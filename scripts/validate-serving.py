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
prompt or KV length, and the overlap of communication: a fraction, or `tbo`
for two micro-batches (DeepSeek's dual-batch and SGLang's two-batch
overlap), priced as --moe-serve-search two-batch-overlap does: twice the
step of half the batch with its communication hidden where that is faster
than one batch, the memory of the whole batch. Every row runs FP8 GEMMs on FP8 weights (--moe-gpu-plan fp8).
Nothing is fitted on these rows.

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


def price(row, batch, overlap):
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
         "--moe-cost=%s overlap=%s check-memory=false" % (machine, overlap),
         "--moe-cost-report=format=json", "-o", "/dev/null"],
        input=program, check=True, capture_output=True, text=True).stdout
    summary = json.loads(report)
    total = summary["total"]
    return (total["seconds"], total["memory_bytes_per_device"],
            summary["memory"]["capacity"])


def step(row, batch):
    """Step seconds, memory and capacity per GPU of `batch` per GPU."""
    if row["overlap"] != "tbo":
        return price(row, batch, row["overlap"])
    # Where two micro-batches are slower (reading the weights twice costs
    # more than the hidden communication saves), engines run one batch.
    half = price(row, batch // 2, 1)[0]
    seconds, memory, capacity = price(row, batch, 0)
    return min(seconds, 2 * half), memory, capacity


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "docs", "data", "serving-moe.csv")
    with open(path) as f:
        rows = list(csv.DictReader(f))
    print("| deployment | phase | GPUs | batch/GPU | step | memory/GPU | "
          "tokens/s/GPU predicted | published | error | tokens/s/user "
          "predicted | published |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    errors = []
    for row in rows:
        batch = int(row["batch_per_gpu"])
        seconds, memory, capacity = step(row, batch)
        # Each GPU's tokens: its sequences (decode) or prompts' tokens.
        tokens = batch * (1 if row["phase"] == "decode" else
                          int(row["tokens"])) / seconds
        published = float(row["published_tokens_per_s_per_gpu"])
        error = tokens / published - 1
        errors.append(abs(error))
        fits = "" if memory <= capacity else " (over memory)"
        user = ("%.1f" % (1 / seconds)) if row["phase"] == "decode" else "-"
        print("| %s | %s | %s | %d | %.1f ms | %.1f GB%s | %.0f | %.0f | %+.0f%% "
              "| %s | %s |"
              % (row["id"], row["phase"], row["ep"], batch, seconds * 1e3,
                 memory / 1e9, fits, tokens, published, 100 * error, user,
                 row["published_tokens_per_s_per_user"] or "-"))
    errors.sort()
    n = len(errors)
    median = (errors[n // 2] if n % 2 else
              (errors[n // 2 - 1] + errors[n // 2]) / 2)
    print("\n%d rows, none fitted: median |error| %.0f%%, worst %.0f%%" %
          (n, 100 * median, 100 * errors[-1]))


if __name__ == "__main__":
    main()
