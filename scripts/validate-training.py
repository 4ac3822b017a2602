#!/usr/bin/env python3
"""Prices published end-to-end MoE training runs with their published settings
and prints predicted next to published tokens/s per GPU (docs/Validation.md,
"Training at scale").

    scripts/validate-training.py [docs/data/megatron-h100-training.csv]
    scripts/validate-training.py docs/data/megatron-b200-training.csv
    scripts/validate-training.py docs/data/deepseek-v3-h800-training.csv

Each row of the CSV is one run: the model's Hugging Face config
(examples/configs/), GPUs, precision, sequence length, global and micro-batch
size, TP, PP, virtual stages, EP and CP, and optionally the machine
(`machine`: a preset, or a machine file under the repository; h100-sxm when
absent). The plan: ZeRO-1 (Megatron-Core's
distributed optimizer), FP8 GEMMs where the run used FP8, no recomputation,
capacity factor 1.0, the modules the run recomputes (column `recompute`,
selective recomputation; none when empty) and, where the run's recipe
turned it on (column `ep_overlap` = 1), Megatron-Core's 1F1B with
expert-parallel all-to-all overlap (`ep-overlap`), and the run's token
dispatcher (column `dispatcher`: `deepep` for DeepEP and HybridEP, which
send a token once per remote node). One constant is fitted on these rows:
the machine's `overlap_efficiency`, on the ratio of the one pair of runs
that differ only in the overlap (FITTED below, by scripts/fit-overlap.py);
the median reports the other rows. the runs are dropless but force-balance tokens across
experts, so every expert receives exactly its T x top_k / E share, which a
capacity factor of 1.0 prices the same way as a dropless buffer. The runs'
expert-parallel groups are EP consecutive ranks with expert tensor
parallelism 1 (Megatron-Core's MoE parallel folding); with TP or CP above 1
that is the tool's `fold` with ep = EP / (TP x CP), or, for a group inside
the TP x CP one, `fold-cp` = EP / TP (GPUs = dp x ep x cp x tp x pp). A run
that publishes TFLOP/s only is turned into tokens/s with Megatron-LM's own
FLOP count (megatron_flops_per_token).

Tools come from $MOE_BIN (default: build/bin next to scripts/).
"""
import csv
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The runs scripts/fit-overlap.py fits `overlap_efficiency` on: without and
# with the overlap.
FITTED = ("modelzoo-qwen3-235b-a22b-z1",
          "modelzoo-qwen3-235b-a22b-z2-a2a-overlap")
BIN = os.environ.get("MOE_BIN", os.path.join(ROOT, "build", "bin"))


class Inexpressible(Exception):
    """A run whose parallel layout the tool's plans cannot express."""


def price(row, machine_file=None):
    gpus, tp, pp = int(row["gpus"]), int(row["tp"]), int(row["pp"])
    vpp, ep = int(row["vpp"]), int(row["ep"])
    cp = int(row.get("cp") or 1)
    # Data-parallel replicas of attention: each holds micro_batch sequences.
    replicas = gpus // (tp * cp * pp)
    # Megatron's EP group is EP consecutive ranks, taking in the tensor- and
    # context-parallel ranks (folding): the tool's fold with
    # ep = EP / (TP x CP), or, for a group inside the TP x CP attention
    # group (EP 8 at TP 4 x CP 4), fold-cp = EP / TP of the cp ranks.
    inner = tp * cp
    fold = inner > 1 and ep % inner == 0
    fold_cp = 0
    if cp > 1 and ep < inner:
        if ep % tp or cp % (ep // tp):
            raise Inexpressible(
                "EP %d is neither a multiple of TP x CP = %d nor TP times a "
                "divisor of CP" % (ep, inner))
        fold, fold_cp = True, ep // tp
    tool_ep = 1 if fold_cp else ep // inner if fold else ep
    stage = gpus // pp
    if stage % (tool_ep * cp * tp):
        sys.exit("%s: EP %d does not fit %d GPUs at TP %d CP %d PP %d" % (
            row["id"], ep, gpus, tp, cp, pp))
    dp = stage // (tool_ep * cp * tp)
    micro = int(row["micro_batch"])
    batch = micro * replicas
    micro_batches = int(row["global_batch"]) // batch
    machine = row.get("machine") or "h100-sxm"
    # A machine file (refining a preset with "base") replaces the preset:
    # the argument's, or the row's when it names one (relative to the
    # repository).
    if not machine_file and machine.endswith(".json"):
        machine_file = os.path.join(ROOT, machine)
    target = ("machine-file=" + machine_file if machine_file else
              "machine=" + machine)
    plan = "ep=%d dp=%d tp=%d pp=%d virtual-stages=%d zero=1 phase=train" % (
        tool_ep, dp, tp, pp, vpp)
    if cp > 1:
        plan = plan.replace(" tp=", " cp=%d tp=" % cp)
    if fold:
        plan += " fold"
    if fold_cp:
        plan += " fold-cp=%d" % fold_cp
    # DeepEP and HybridEP (Megatron-Core's flex dispatcher) send a token
    # once per remote node.
    if row.get("dispatcher", "alltoall") == "deepep":
        plan += " dispatcher=deepep"
    # MXFP8 (Blackwell's block-scaled FP8) runs at the FP8 peak too.
    if row["precision"] in ("fp8", "mxfp8"):
        plan += " fp8"
    config = os.path.join(ROOT, "examples", "configs", row["config"] + ".json")
    program = subprocess.run(
        [os.path.join(BIN, "moe-translate"), "--import-hf-config", config,
         "--batch=%d" % batch, "--seq-len=%s" % row["seq_len"],
         "--capacity-factor=1.0"],
        check=True, capture_output=True, text=True).stdout
    # The modules the run's recipe recomputes (selective recomputation).
    recompute = ",".join(row.get("recompute", "").split())
    cost = "%s phase=train check-memory=false micro-batches=%d" % (
        target, micro_batches)
    if recompute:
        cost += " recompute-modules=" + recompute
    overlap = row.get("ep_overlap", "0") == "1"
    if overlap:
        cost += " ep-overlap"
    report = subprocess.run(
        [os.path.join(BIN, "moe-opt"),
         "--moe-gpu-plan=%s %s" % (plan, target),
         "--moe-cost=" + cost,
         "--moe-cost-report=format=json", "-o", "/dev/null"],
        input=program, check=True, capture_output=True, text=True).stdout
    summary = json.loads(report)
    total = summary["total"]
    capacity = summary["memory"]["capacity"]
    return {
        "plan": plan + (" recompute-modules=" + recompute if recompute else "") +
                (" ep-overlap" if overlap else ""),
        "tokens": total["tokens_per_second"] / summary["devices"],
        "tflops": total["model_flops"] / total["seconds"] / 1e12,
        "memory": total["memory_bytes_per_device"],
        "fits": total["memory_bytes_per_device"] <= capacity,
        "capacity": capacity,
    }


def megatron_flops_per_token(row):
    """Model FLOPs per token as Megatron-LM counts them for its TFLOP/s/GPU
    (num_floating_point_operations, megatron/training/training.py @
    610a75ef3a4a80c2ce2da436c19244e5362978d4): forward and backward GEMMs
    of attention (causal core: s / 2 keys per query) and of the routed,
    shared and dense FFNs (SwiGLU x 3/2), and the logits over the vocabulary
    padded to a multiple of 128 x TP; no router, norms or activations.
    GQA models only."""
    with open(os.path.join(ROOT, "examples", "configs",
                           row["config"] + ".json")) as f:
        c = json.load(f)
    if "kv_lora_rank" in c:
        sys.exit("%s: no Megatron FLOP count for MLA here; publish tokens/s"
                 % row["id"])
    h, layers = c["hidden_size"], c["num_hidden_layers"]
    heads = c["num_attention_heads"]
    head_dim = c.get("head_dim") or h // heads
    q, kv = heads * head_dim, c["num_key_value_heads"] * head_dim
    s = int(row["seq_len"])
    routed = c["moe_intermediate_size"] * c["num_experts_per_tok"]
    shared = c.get("shared_expert_intermediate_size", 0)
    gated = 1.5
    pad = 128 * int(row["tp"])
    vocab = -(-c["vocab_size"] // pad) * pad
    return (12 * h * gated * (routed + shared) * layers +
            12 * layers * (h * q + h * kv + q * s / 2) + 6 * h * vocab)


def published_tokens(row):
    """Tokens/s/GPU as published, or from the published TFLOP/s/GPU with
    Megatron's own FLOP count when only that is published."""
    if row["published_tokens_per_s_per_gpu"]:
        return float(row["published_tokens_per_s_per_gpu"])
    return (float(row["published_tflops_per_gpu"]) * 1e12 /
            megatron_flops_per_token(row))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "docs", "data", "megatron-h100-training.csv")
    with open(path) as f:
        rows = list(csv.DictReader(f))
    print("| run | GPUs | plan priced | fits | memory/GPU | "
          "tokens/s/GPU predicted | published | error |")
    print("|---|---:|---|---|---:|---:|---:|---:|")
    errors = []
    inexpressible = 0
    for row in rows:
        published = published_tokens(row)
        try:
            p = price(row)
        except Inexpressible as why:
            inexpressible += 1
            print("| %s | %s | not expressible: %s | | | | %.0f | |" % (
                row["id"], row["gpus"], why, published))
            continue
        error = p["tokens"] / published - 1
        if row["id"] not in FITTED:
            errors.append(abs(error))
        plan = p["plan"].replace(" phase=train", "")
        print("| %s | %s | %s | %s | %.1f GB | %.0f | %.0f | %+.0f%% |" % (
            row["id"] + (" (fit)" if row["id"] in FITTED else ""),
            row["gpus"], plan,
            ("yes" if p["fits"] else "no") + " (%.0f GB)" % (p["capacity"] / 1e9),
            p["memory"] / 1e9, p["tokens"], published, 100 * error))
    errors.sort()
    n = len(errors)
    median = errors[n // 2] if n % 2 else (errors[n // 2 - 1] +
                                           errors[n // 2]) / 2
    fitted = len(rows) - n - inexpressible
    print("\n%d runs%s%s: median |error| %.0f%%, worst %.0f%%" % (
        len(rows), " (%d fitted, not counted)" % fitted if fitted else
        ", none fitted",
        "; %d not expressible" % inexpressible if inexpressible else "",
        100 * median, 100 * errors[-1]))


if __name__ == "__main__":
    main()
