#!/usr/bin/env python3
"""Fits the H100 preset's `overlap_efficiency` (docs/CostModel.md,
"Expert-parallel overlap") on the one published pair of runs that differ
only in Megatron-Core's 1F1B expert-parallel all-to-all overlap: the
Megatron-MoE-ModelZoo Qwen3-235B-A22B rows on 256 H100s (1,663 tokens/s per
GPU without it, 1,862 with it; docs/data/megatron-h100-training.csv, ids
modelzoo-qwen3-235b-a22b-z1 and -z2-a2a-overlap). The fit matches the
pair's ratio, not either row's throughput: the efficiency says how much of
what the schedule could hide it does hide, whatever the error of the step
without it.

    scripts/fit-overlap.py

Prints the efficiency (bisection to 1e-4) and the predicted pair. Tools come
from $MOE_BIN like scripts/validate-training.py.
"""
import csv
import importlib.util
import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location(
    "validate_training", os.path.join(ROOT, "scripts", "validate-training.py"))
validate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(validate)

IDS = validate.FITTED


def main():
    path = os.path.join(ROOT, "docs", "data", "megatron-h100-training.csv")
    with open(path) as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    base, overlapped = rows[IDS[0]], rows[IDS[1]]
    published = (float(overlapped["published_tokens_per_s_per_gpu"]) /
                 float(base["published_tokens_per_s_per_gpu"]))
    without = validate.price(base)["tokens"]
    with tempfile.TemporaryDirectory() as tmp:
        machine = os.path.join(tmp, "h100.json")

        def ratio(efficiency):
            with open(machine, "w") as f:
                json.dump({"name": "h100-sxm", "base": "h100-sxm",
                           "overlap_efficiency": efficiency}, f)
            return validate.price(overlapped, machine)["tokens"] / without

        low, high = 0.0, 1.0
        if ratio(high) < published:
            sys.exit("even complete overlap gains less than published")
        while high - low > 1e-4:
            mid = (low + high) / 2
            if ratio(mid) < published:
                low = mid
            else:
                high = mid
        efficiency = round((low + high) / 2, 4)
        print("published gain %.4fx (%s / %s tokens/s/GPU)" % (
            published, overlapped["published_tokens_per_s_per_gpu"],
            base["published_tokens_per_s_per_gpu"]))
        print("complete overlap would gain %.4fx" % ratio(1.0))
        print("overlap_efficiency %.4f: predicted %.0f -> %.0f tokens/s/GPU"
              % (efficiency, without, without * ratio(efficiency)))


main()
