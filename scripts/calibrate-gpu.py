#!/usr/bin/env python3
"""Measure, on the local GPU, the kernels the cost model's constants describe.

Writes rows in the CSV schema of docs/data/published-h100.csv, which
`moe-calibrate` reads:

  scripts/calibrate-gpu.py -o mine.csv
  build/bin/moe-calibrate mine.csv --fit-rows=all --folds=5
  build/bin/moe-calibrate mine.csv --fit-rows=all --fit --emit-machine=mine.json \
      --machine=h100-sxm --name=my-h100
  build/bin/moe-opt layer.mlir --moe-cost="machine-file=mine.json"

What it times (CUDA events, median of --reps runs after warm-up):
  gemm             BF16 torch.matmul: square sizes and the skinny and wide
                   shapes of MoE layers
  moe_expert_ffn   a SwiGLU expert FFN (gate, up, act, down) over E experts,
                   top-k, 1 to 4096 tokens per expert, forward and
                   forward+backward, each token routed to k random experts
  grouped_gemm     one grouped GEMM of 65536 routed rows over 128 experts,
                   uniform, Zipf(1.2) and 16 hot experts holding 80% of the
                   rows, forward and forward+backward
  attention        torch SDPA (its flash backend on Hopper), causal and not,
                   forward and backward
  memory_bound     a device-to-device copy (bytes read plus written)
  all_reduce       when launched with torchrun on more than one GPU (NCCL)

PyTorch comes from your environment; the build does not need it. `--list`
prints the rows it would measure without importing torch.
"""

import argparse
import csv
import math
import os
import statistics
import sys

COLUMNS = ["id", "kind", "library", "dtype", "gpu", "m", "n", "k",
           "batch_or_groups", "seq_len", "head_dim", "causal", "direction",
           "bytes", "measured_value", "measured_unit", "source",
           "source_kind", "notes"]


def plan(quick):
    """The measurements: (kind, parameters) in order."""
    rows = []
    squares = [1024, 4096] if quick else [512, 1024, 2048, 4096, 6144, 8192]
    for s in squares:
        rows.append(("gemm", dict(m=s, n=s, k=s)))
    # Skinny and wide GEMMs of MoE layers (Qwen3-30B-A3B, DeepSeek-V3 dims).
    for m in ([16, 1024] if quick else [16, 64, 256, 1024, 4096]):
        for n, k in ([(1536, 2048)] if quick else
                     [(1536, 2048), (2048, 768), (4096, 7168), (7168, 2048)]):
            rows.append(("gemm", dict(m=m, n=n, k=k)))
    # Expert FFN: E experts of hidden k and width n, top-k routing.
    experts, top_k, hidden, ffn = 128, 8, 2048, 768
    per_expert = [1, 64, 4096] if quick else [1, 4, 16, 64, 256, 1024, 4096]
    for tpe in per_expert:
        tokens = max(1, tpe * experts // top_k)
        for direction in ("fwd", "fwd+bwd"):
            rows.append(("moe_expert_ffn",
                         dict(m=tokens, n=ffn, k=hidden, experts=experts,
                              top_k=top_k, direction=direction)))
    # One grouped GEMM under three loads.
    for load in ("uniform", "zipf=1.2", "hot_experts=16, hot_share=0.8"):
        for direction in ("fwd", "fwd+bwd"):
            rows.append(("grouped_gemm",
                         dict(m=65536, n=1536, k=2048, experts=128, load=load,
                              direction=direction)))
    seqs = [1024, 4096] if quick else [512, 1024, 2048, 4096, 8192, 16384]
    for head_dim in (64, 128):
        for seq in seqs:
            for causal in (False, True):
                for direction in ("fwd", "bwd"):
                    rows.append(("attention",
                                 dict(seq=seq, head_dim=head_dim,
                                      heads=2048 // head_dim,
                                      batch=max(1, 16384 // seq),
                                      causal=causal, direction=direction)))
    for size in ([1 << 24, 1 << 28] if quick else
                 [1 << 20, 1 << 22, 1 << 24, 1 << 26, 1 << 28, 1 << 30]):
        rows.append(("memory_bound", dict(bytes=size)))
    for size in ([1 << 20, 1 << 28] if quick else
                 [1 << 16, 1 << 20, 1 << 24, 1 << 26, 1 << 28, 1 << 30]):
        rows.append(("all_reduce", dict(bytes=size)))
    return rows


def shares(load, experts):
    """Each expert's share of the rows: the cost model's routing rules."""
    if load.startswith("zipf="):
        s = float(load.split("=")[1])
        weights = [(i + 1) ** -s for i in range(experts)]
    elif load.startswith("hot_experts="):
        fields = dict(f.strip().split("=") for f in load.split(","))
        hot, share = int(fields["hot_experts"]), float(fields["hot_share"])
        weights = [share / hot if i < hot else (1 - share) / (experts - hot)
                   for i in range(experts)]
    else:
        weights = [1.0] * experts
    total = sum(weights)
    return [w / total for w in weights]


def split_rows(rows, load, experts):
    """Whole rows per expert adding up to `rows` (largest remainders)."""
    exact = [rows * s for s in shares(load, experts)]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(experts), key=lambda i: counts[i] - exact[i])
    for i in order[:rows - sum(counts)]:
        counts[i] += 1
    return counts


def routed_counts(tokens, top_k, experts, seed=0):
    """Rows per expert when each token picks top_k distinct experts at
    random, as the cost model's routing assumes (expected idle experts)."""
    import random
    rng = random.Random(seed)
    counts = [0] * experts
    for _ in range(tokens):
        for e in rng.sample(range(experts), top_k):
            counts[e] += 1
    return counts


def row_id(kind, p):
    if kind == "gemm":
        return f"local-gemm-{p['m']}x{p['n']}x{p['k']}"
    if kind == "moe_expert_ffn":
        return f"local-ffn-t{p['m']}-{p['direction']}"
    if kind == "grouped_gemm":
        load = p["load"].split("=")[0].split(",")[0]
        return f"local-gg-{load}-{p['direction']}"
    if kind == "attention":
        mask = "c" if p["causal"] else "nc"
        return (f"local-attn-hd{p['head_dim']}-{mask}-{p['direction']}-"
                f"{p['seq']}")
    return f"local-{kind}-{p['bytes']}"


def csv_row(kind, p, value, gpu, library, world):
    row = dict.fromkeys(COLUMNS, "")
    row.update(id=row_id(kind, p), kind=kind, library=library, dtype="bf16",
               gpu=gpu, measured_value=f"{value:.4f}", measured_unit="us",
               source="scripts/calibrate-gpu.py", source_kind="local "
               "measurement", direction=p.get("direction", "fwd"))
    if kind in ("gemm", "moe_expert_ffn", "grouped_gemm"):
        row.update(m=p["m"], n=p["n"], k=p["k"])
    if kind == "moe_expert_ffn":
        row["batch_or_groups"] = f"E={p['experts']} experts, top-{p['top_k']}"
    if kind == "grouped_gemm":
        row["batch_or_groups"] = f"E={p['experts']} groups" + (
            "" if p["load"] == "uniform" else ", " + p["load"])
    if kind == "attention":
        row.update(seq_len=p["seq"], head_dim=p["head_dim"],
                   causal="true" if p["causal"] else "false",
                   batch_or_groups=f"batch={p['batch']}, heads={p['heads']}")
    if kind in ("memory_bound", "all_reduce"):
        row["bytes"] = p["bytes"]
    if kind == "all_reduce":
        row["batch_or_groups"] = f"{world} ranks / 1 node"
    return row


def measure(args):
    import torch
    import torch.nn.functional as F

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1:
        import torch.distributed as dist
        dist.init_process_group("nccl")
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dev = torch.device("cuda")
    gpu = torch.cuda.get_device_name()
    bf16 = torch.bfloat16

    def timed(fn):
        """Median microseconds of fn() over args.reps runs."""
        for _ in range(args.warmup):
            fn()
        torch.cuda.synchronize()
        times = []
        for _ in range(args.reps):
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end) * 1e3)
        return statistics.median(times)

    grouped_mm = getattr(torch, "_grouped_mm", None)

    def grouped(x, w, counts):
        """x [rows, k] in expert order times w [E, k, n]."""
        nonlocal grouped_mm
        if grouped_mm is not None:
            offs = torch.tensor(counts, device=dev).cumsum(0).to(torch.int32)
            try:
                return grouped_mm(x, w, offs=offs)
            except RuntimeError as error:
                print(f"calibrate-gpu.py: torch._grouped_mm failed ({error}); "
                      "timing a per-expert loop instead", file=sys.stderr)
                grouped_mm = None
        outs, start = [], 0
        for e, c in enumerate(counts):
            outs.append(x[start:start + c] @ w[e])
            start += c
        return torch.cat(outs)

    rows = []
    for kind, p in plan(args.quick):
        if kind == "all_reduce" and world == 1:
            continue
        if kind != "all_reduce" and rank != 0:
            continue
        lib = f"PyTorch {torch.__version__}"
        if kind in ("moe_expert_ffn", "grouped_gemm"):
            lib += " " + ("torch._grouped_mm" if grouped_mm is not None else
                          "torch per-expert matmul loop")
        if kind == "gemm":
            a = torch.randn(p["m"], p["k"], device=dev, dtype=bf16)
            b = torch.randn(p["k"], p["n"], device=dev, dtype=bf16)
            us = timed(lambda: a @ b)
        elif kind in ("moe_expert_ffn", "grouped_gemm"):
            backward = p["direction"] == "fwd+bwd"
            e = p["experts"]
            if kind == "moe_expert_ffn":
                counts = routed_counts(p["m"], p["top_k"], e)
                wg = torch.randn(e, p["k"], p["n"], device=dev, dtype=bf16,
                                 requires_grad=backward)
                wu = torch.randn_like(wg, requires_grad=backward)
                wd = torch.randn(e, p["n"], p["k"], device=dev, dtype=bf16,
                                 requires_grad=backward)
                x = torch.randn(sum(counts), p["k"], device=dev, dtype=bf16,
                                requires_grad=backward)

                def step():
                    h = F.silu(grouped(x, wg, counts)) * grouped(x, wu, counts)
                    y = grouped(h, wd, counts)
                    if backward:
                        y.backward(torch.ones_like(y))
            else:
                counts = split_rows(p["m"], p["load"], e)
                w = torch.randn(e, p["k"], p["n"], device=dev, dtype=bf16,
                                requires_grad=backward)
                x = torch.randn(p["m"], p["k"], device=dev, dtype=bf16,
                                requires_grad=backward)

                def step():
                    y = grouped(x, w, counts)
                    if backward:
                        y.backward(torch.ones_like(y))
            us = timed(step)
        elif kind == "attention":
            shape = (p["batch"], p["heads"], p["seq"], p["head_dim"])
            backward = p["direction"] == "bwd"
            q, k, v = (torch.randn(shape, device=dev, dtype=bf16,
                                   requires_grad=backward) for _ in range(3))
            if backward:
                out = F.scaled_dot_product_attention(q, k, v,
                                                     is_causal=p["causal"])
                grad = torch.ones_like(out)
                us = timed(lambda: torch.autograd.grad(
                    out, (q, k, v), grad, retain_graph=True))
            else:
                us = timed(lambda: F.scaled_dot_product_attention(
                    q, k, v, is_causal=p["causal"]))
            lib += " scaled_dot_product_attention"
        elif kind == "memory_bound":
            src = torch.empty(p["bytes"] // 2, device=dev, dtype=torch.uint8)
            dst = torch.empty_like(src)
            us = timed(lambda: dst.copy_(src))
            lib += " device copy"
        else:
            import torch.distributed as dist
            buf = torch.empty(p["bytes"] // 2, device=dev, dtype=bf16)
            us = timed(lambda: dist.all_reduce(buf))
            lib += " NCCL all_reduce"
        if rank == 0:
            rows.append(csv_row(kind, p, us, gpu, lib, world))
            print(f"{rows[-1]['id']}: {us:.1f} us", file=sys.stderr)
    return rows


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("-o", "--output", default="-",
                        help="CSV file to write ('-': stdout)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer shapes (a few minutes on one GPU)")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--list", action="store_true",
                        help="print the rows it would measure; needs no GPU")
    args = parser.parse_args()
    if args.reps < 1 or args.warmup < 0:
        parser.error("--reps must be at least 1 and --warmup at least 0")

    if args.list:
        for kind, p in plan(args.quick):
            print(row_id(kind, p))
        return 0
    try:
        import torch  # noqa: F401
    except ImportError:
        print("calibrate-gpu.py: error: PyTorch is not installed here; run it "
              "where your training stack is (it needs torch and a CUDA GPU)",
              file=sys.stderr)
        return 1
    if not torch.cuda.is_available():
        print("calibrate-gpu.py: error: no CUDA GPU visible to PyTorch",
              file=sys.stderr)
        return 1
    rows = measure(args)
    if int(os.environ.get("RANK", "0")) != 0:
        return 0
    out = sys.stdout if args.output == "-" else open(args.output, "w",
                                                     newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    if out is not sys.stdout:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
