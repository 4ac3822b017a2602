#!/usr/bin/env python3
"""Re-derives a --moe-serve-search JSON result from its own phase figures.

Usage: check-serving.py RESULT.json MACHINE.json KV_BYTES_PER_TOKEN

Every candidate's serving figures are recomputed from its prefill and decode
phases (step time, tokens/s per GPU, batch) with the formulas of
docs/Serving.md, written here a second time; the targets, the best plan of
each kind and the Pareto front are checked against the whole list. Exits 1
naming the first mismatch.
"""
import json
import math
import sys


def close(a, b, what):
    if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15):
        sys.exit(f"{what}: {a} != {b}")


def main():
    result = json.load(open(sys.argv[1]))
    machine = json.load(open(sys.argv[2]))
    close(result["kv_bytes_per_token"], float(sys.argv[3]), "KV bytes/token")
    w = result["workload"]
    inp, out = w["input_tokens"], w["output_tokens"]
    if result["mean_context"] != inp + out // 2:
        sys.exit("mean context is not the prompt plus half the output")
    bw, lat = machine["inter_node_bandwidth"], machine["inter_node_latency"]
    cands = result["candidates"]
    if not cands:
        sys.exit("no candidates")
    for c in cands:
        p, d = c["prefill"], c["decode"]
        for phase in (p, d):
            if phase["memory_bytes_per_gpu"] > machine["memory_capacity"]:
                sys.exit(f"{c['plan']}: a phase over memory")
        close(p["tokens_per_second_per_gpu"],
              p["batch_per_gpu"] * inp / p["step_seconds"], "prefill tok/s")
        close(d["tokens_per_second_per_gpu"],
              d["batch_per_gpu"] / d["step_seconds"], "decode tok/s")
        if c["kind"] == "co-located":
            chunk = d["batch_per_gpu"] * inp / out
            close(c["chunk_tokens_per_gpu"], chunk, "chunk")
            step = d["step_seconds"] + chunk / p["tokens_per_second_per_gpu"]
            close(c["tpot_seconds"], step, "co-located TPOT")
            close(c["ttft_seconds"], max(1.0, inp / chunk) * step,
                  "co-located TTFT")
            close(c["tokens_per_second_per_gpu"], d["batch_per_gpu"] / step,
                  "co-located tok/s/GPU")
            close(c["gpus"], c["decode_instances"] * d["gpus"], "GPUs")
            if c["gpus"] != result["gpus"]:
                sys.exit("co-located plans use the whole cluster")
        else:
            xfer = lat + p["batch_per_gpu"] * inp * result[
                "kv_bytes_per_token"] / bw
            close(c["kv_transfer_seconds"], xfer, "KV transfer")
            close(c["ttft_seconds"], p["step_seconds"] + xfer, "TTFT")
            close(c["tpot_seconds"], d["step_seconds"], "disaggregated TPOT")
            gp = c["prefill_instances"] * p["gpus"]
            gd = c["decode_instances"] * d["gpus"]
            close(c["gpus"], gp + gd, "GPUs")
            if c["gpus"] > result["gpus"]:
                sys.exit("pools larger than the cluster")
            requests = min(gp * p["tokens_per_second_per_gpu"] / inp,
                           gd * d["tokens_per_second_per_gpu"] / out)
            close(c["tokens_per_second_per_gpu"], requests * out / c["gpus"],
                  "disaggregated tok/s/GPU")
        close(c["tokens_per_second_per_user"], 1 / c["tpot_seconds"],
              "tok/s/user")
        meets = ((w["ttft_limit_seconds"] <= 0
                  or c["ttft_seconds"] <= w["ttft_limit_seconds"])
                 and (w["tpot_limit_seconds"] <= 0
                      or c["tpot_seconds"] <= w["tpot_limit_seconds"]))
        if meets != c["meets_targets"]:
            sys.exit(f"{c['plan']}: meets_targets is {c['meets_targets']}")
    for kind, key in (("co-located", "best_colocated"),
                      ("disaggregated", "best_disaggregated")):
        ok = [c for c in cands if c["kind"] == kind and c["meets_targets"]]
        best = result[key]
        if not ok:
            if best is not None:
                sys.exit(f"{key} should be null")
            continue
        close(best["tokens_per_second_per_gpu"],
              max(c["tokens_per_second_per_gpu"] for c in ok), key)
    for c in cands:
        dominated = any(
            o["tokens_per_second_per_gpu"] >= c["tokens_per_second_per_gpu"]
            and o["tokens_per_second_per_user"] >= c[
                "tokens_per_second_per_user"] and
            (o["tokens_per_second_per_gpu"] > c["tokens_per_second_per_gpu"]
             or o["tokens_per_second_per_user"] > c[
                 "tokens_per_second_per_user"]) for o in cands)
        if c["pareto"] == dominated:
            sys.exit(f"{c['plan']}: pareto is {c['pareto']}")
    print(f"checked {len(cands)} candidates")


if __name__ == "__main__":
    main()
