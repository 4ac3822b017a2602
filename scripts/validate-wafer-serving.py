#!/usr/bin/env python3
"""Prices published single-stream speeds of models served on wafer-scale
systems and prints predicted next to published tokens/s per user
(docs/Validation.md, "Wafer-scale serving").

    scripts/validate-wafer-serving.py [--fit] [docs/data/serving-wafer.csv]

Each row is a model served with its weights resident in the SRAM of as many
systems as they need (--moe-serve-search on a wafer machine); a single
stream is a decode step of one sequence at the request's mean context, with
no other request's prefill chunks in it. Rows marked `fitted` set the
wafer's resident kernel latency; --fit solves for it (a step's time is
linear in it) and prints the value that reproduces the fitted rows' speed.

Tools come from $MOE_BIN (default: build/bin next to scripts/).
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("MOE_BIN", os.path.join(ROOT, "build", "bin"))


def resident_step(row, machine):
    """Systems and decode-step seconds of one sequence, weights resident."""
    config = os.path.join(ROOT, "examples", "configs", row["config"] + ".json")
    program = subprocess.run(
        [os.path.join(BIN, "moe-translate"), "--import-hf-config", config],
        check=True, capture_output=True, text=True).stdout
    search = subprocess.run(
        [os.path.join(BIN, "moe-opt"),
         "--moe-serve-search=%s gpus=64 input-tokens=%s output-tokens=%s "
         "max-batch=1 format=json" % (machine, row["input_tokens"],
                                      row["output_tokens"]),
         "-o", "/dev/null"],
        input=program, check=True, capture_output=True, text=True).stdout
    result = json.loads(search)
    rows = [r for r in result["rows"]
            if r["weights"] == "resident" and r["batch_per_system"] == 1]
    if not rows:
        sys.exit("error: %s does not fit on 64 systems" % row["id"])
    return rows[0]["systems"], rows[0]["decode_step_seconds"]


def machine_with_latency(base, latency, directory):
    path = os.path.join(directory, "%s-%g.json" % (base, latency))
    with open(path, "w") as f:
        json.dump({"name": "%s-fit" % base, "base": base,
                   "resident_kernel_latency": latency}, f)
    return "machine-file=" + path


def fit(rows):
    """The resident kernel latency that reproduces the fitted rows."""
    fitted = [r for r in rows if r["fitted"] == "yes"]
    with tempfile.TemporaryDirectory() as tmp:
        values = []
        for row in fitted:
            _, t0 = resident_step(row, machine_with_latency(row["machine"], 0,
                                                            tmp))
            _, t1 = resident_step(row, machine_with_latency(row["machine"],
                                                            1e-6, tmp))
            target = 1 / float(row["published_tokens_per_s_per_user"])
            values.append((target - t0) / (t1 - t0) * 1e-6)
    latency = sum(values) / len(values)
    print("resident_kernel_latency = %.3g s (fitted on %s)" %
          (latency, ", ".join(r["id"] for r in fitted)))


def main():
    args = sys.argv[1:]
    fitting = "--fit" in args
    args = [a for a in args if a != "--fit"]
    path = args[0] if args else os.path.join(ROOT, "docs", "data",
                                             "serving-wafer.csv")
    with open(path) as f:
        rows = list(csv.DictReader(f))
    if fitting:
        fit(rows)
        return
    print("| model | systems | step | tokens/s/user predicted | published | "
          "error | fitted |")
    print("|---|---:|---:|---:|---:|---:|---|")
    errors = []
    for row in rows:
        systems, seconds = resident_step(row, "machine=" + row["machine"])
        speed = 1 / seconds
        published = float(row["published_tokens_per_s_per_user"])
        error = speed / published - 1
        if row["fitted"] != "yes":
            errors.append(abs(error))
        print("| %s | %d | %.3f ms | %.0f | %.0f | %+.0f%% | %s |" %
              (row["model"], systems, seconds * 1e3, speed, published,
               100 * error, row["fitted"]))
    errors.sort()
    n = len(errors)
    if n:
        median = (errors[n // 2] if n % 2 else
                  (errors[n // 2 - 1] + errors[n // 2]) / 2)
        print("\n%d rows not fitted: median |error| %.0f%%, worst %.0f%%" %
              (n, 100 * median, 100 * errors[-1]))


if __name__ == "__main__":
    main()
