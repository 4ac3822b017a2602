#!/usr/bin/env bash
# Plans one model for expert-parallel GPUs (--moe-gpu-pipeline) and for
# wafer-scale systems with weight streaming and BTA (--moe-wse-pipeline), at
# the same global batch, and prints both cost reports side by side: step
# time, tokens/s (in all and per device), MFU, memory per device, and what
# bounds each layer. See README.md, "Compare GPU and wafer-scale plans".
#
#   scripts/compare-plans.sh CONFIG.json [options]
#
#   --batch N        sequences per step, both plans (default 64)
#   --seq-len S      tokens per sequence (default 4096)
#   --num-layers L   keep the first L decoder layers (default all)
#   --phase P        train | forward (default train)
#   --gpu OPTS       --moe-gpu-pipeline options (default "machine=h100-sxm
#                    nodes=8 ep=64": 64 GPUs, the smallest EP grid whose
#                    memory fits Qwen3-30B-A3B training)
#   --wse OPTS       --moe-wse-pipeline options (default "machine=cs2
#                    systems=1 tiles=auto")
#   --json FILE      also write both reports as one JSON object
#   --serve "OPTS"   compare serving instead: --moe-serve-search with OPTS
#                    (input-tokens, output-tokens, ttft, tpot) on the GPUs
#                    of --gpu-serve (default "machine=h100-sxm gpus=32") and
#                    the systems of --wse-serve (default "machine=cs3
#                    gpus=16"): the best plan of each kind
#
# The tools are taken from $MOE_BIN (default: build/bin next to scripts/),
# or from $MOE_OPT and $MOE_TRANSLATE.
set -euo pipefail

usage() {
  sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
config=$1
shift
batch=64 seq_len=4096 num_layers="" phase=train json="" serve=""
gpu_serve="machine=h100-sxm gpus=32" wse_serve="machine=cs3 gpus=16"
gpu="machine=h100-sxm nodes=8 ep=64"
wse="machine=cs2 systems=1 tiles=auto"
while [[ $# -gt 0 ]]; do
  case $1 in
  --batch) batch=$2; shift 2 ;;
  --seq-len) seq_len=$2; shift 2 ;;
  --num-layers) num_layers=$2; shift 2 ;;
  --phase) phase=$2; shift 2 ;;
  --gpu) gpu=$2; shift 2 ;;
  --wse) wse=$2; shift 2 ;;
  --json) json=$2; shift 2 ;;
  --serve) serve="$2 "; shift 2 ;;
  --gpu-serve) gpu_serve=$2; shift 2 ;;
  --wse-serve) wse_serve=$2; shift 2 ;;
  -h | --help) usage ;;
  *) echo "error: unknown option '$1'" >&2; usage ;;
  esac
done

bin=${MOE_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
opt=${MOE_OPT:-$bin/moe-opt}
translate=${MOE_TRANSLATE:-$bin/moe-translate}
for tool in "$opt" "$translate"; do
  [[ -x $tool ]] || { echo "error: cannot run '$tool' (build first, or set MOE_BIN)" >&2; exit 1; }
done
[[ -r $config ]] || { echo "error: cannot read '$config'" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ -n $serve ]]; then
  # Serving: the best plan of each kind on GPUs (co-located, disaggregated)
  # and on wafers (weights resident, streamed), from the two searches.
  "$translate" --import-hf-config "$config" -o "$tmp/model.mlir"
  "$opt" "$tmp/model.mlir" -o /dev/null \
    --moe-serve-search="$gpu_serve $serve format=json output=$tmp/gpu.json"
  "$opt" "$tmp/model.mlir" -o /dev/null \
    --moe-serve-search="$wse_serve $serve format=json output=$tmp/wse.json"
  python3 - "$config" "$tmp" "$json" <<'EOF'
import json
import os
import sys

config, tmp, out = sys.argv[1:4]
gpu = json.load(open(os.path.join(tmp, "gpu.json")))
wse = json.load(open(os.path.join(tmp, "wse.json")))
w = gpu["workload"]


def ms(s):
    return "%.3f s" % s if s >= 1 else "%.2f ms" % (s * 1e3)


targets = []
if w["ttft_limit_seconds"] > 0:
    targets.append("TTFT <= " + ms(w["ttft_limit_seconds"]))
if w["tpot_limit_seconds"] > 0:
    targets.append("TPOT <= " + ms(w["tpot_limit_seconds"]))
print("moe-mlir serving comparison: %s, %d prompt + %d output tokens, %s" % (
    os.path.basename(config), w["input_tokens"], w["output_tokens"],
    ", ".join(targets) or "no latency targets"))
print()
print("  %-26s %8s %14s %12s %10s %10s" % (
    "best plan", "devices", "tok/s/device", "tok/s/user", "TTFT", "TPOT"))
best = []
for label, key, result, unit in (
        ("GPU co-located", "best_colocated", gpu, "gpus"),
        ("GPU disaggregated", "best_disaggregated", gpu, "gpus"),
        ("wafer, weights resident", "best_resident", wse, "systems"),
        ("wafer, weights streamed", "best_streamed", wse, "systems")):
    c = result[key]
    if c is None:
        print("  %-26s none meets the targets" % label)
        continue
    per_device = c.get("tokens_per_second_per_gpu",
                       c.get("tokens_per_second_per_system"))
    best.append((label, c["tokens_per_second_per_user"]))
    print("  %-26s %8d %14.0f %12.1f %10s %10s" % (
        label, c[unit], per_device, c["tokens_per_second_per_user"],
        ms(c["ttft_seconds"]), ms(c["tpot_seconds"])))
print()
print("devices: %s GPUs in use, or %s systems per replica; a device is a GPU "
      "on one side and a whole wafer-scale system on the other" % (
          gpu["machine"], wse["machine"]))
if best:
    label, user = max(best, key=lambda b: b[1])
    print("fastest per user under the targets: %s, %.1f tok/s" % (label, user))
else:
    print("no verdict: no plan meets the targets")
if out:
    with open(out, "w") as f:
        json.dump({"gpu": gpu, "wse": wse}, f, indent=2, sort_keys=True)
EOF
  exit 0
fi

import=(--import-hf-config "$config" --batch "$batch" --seq-len "$seq_len")
[[ -n $num_layers ]] && import+=(--num-layers "$num_layers")
"$translate" "${import[@]}" -o "$tmp/model.mlir"

# Memory is reported, not enforced: a plan that does not fit is still
# compared, and marked.
"$opt" "$tmp/model.mlir" -o "$tmp/gpu.mlir" \
  --moe-gpu-pipeline="$gpu phase=$phase check-memory=false format=json output=$tmp/gpu.json"
"$opt" "$tmp/model.mlir" -o "$tmp/wse.mlir" \
  --moe-wse-pipeline="$wse phase=$phase check-memory=false format=json output=$tmp/wse.json"

python3 - "$config" "$tmp" "$json" <<'EOF'
import json
import os
import re
import sys

config, tmp, out = sys.argv[1:4]


def load(name):
    # The JSON report carries the plan (kind and settings) as well.
    with open(os.path.join(tmp, name + ".json")) as f:
        return json.load(f)


def seconds(s):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return "%.3f %s" % (s / scale, unit)
    return "%.3g us" % (s * 1e6)


def scaled(v, unit):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if v >= scale:
            return "%.3g %s%s" % (v / scale, prefix, unit)
    return "%.3g %s" % (v, unit)


gpu, wse = load("gpu"), load("wse")


def describe(r):
    p = r["plan"]
    if p.get("kind") == "gpu-expert-parallel":
        # Every degree the plan has, and its ZeRO stage and precision.
        text = "GPU: dp %s x ep %s x tp %s x pp %s" % (
            p.get("dp"), p.get("ep"), p.get("tp"), p.get("pp"))
        if p.get("vpp", 1) > 1:
            text += " (vpp %s)" % p.get("vpp")
        if p.get("zero", 0):
            text += ", ZeRO-%s" % p.get("zero")
        if p.get("fp8", 0):
            text += ", FP8"
        return text
    return "WSE: %s system(s), BTA G = %s x %s seq" % (
        p.get("systems"), p.get("tiles"), p.get("tile_sequences"))


rows = [
    ("plan", describe(gpu), describe(wse)),
    ("machine", gpu["machine"], wse["machine"]),
    ("devices", str(gpu["devices"]), str(wse["devices"])),
    ("tokens per step", str(gpu["tokens"]), str(wse["tokens"])),
    ("step time", seconds(gpu["total"]["seconds"]), seconds(wse["total"]["seconds"])),
    ("tokens/s", scaled(gpu["total"]["tokens_per_second"], "tok/s"),
     scaled(wse["total"]["tokens_per_second"], "tok/s")),
    ("tokens/s per device",
     scaled(gpu["total"]["tokens_per_second"] / gpu["devices"], "tok/s"),
     scaled(wse["total"]["tokens_per_second"] / wse["devices"], "tok/s")),
    ("MFU", "%.1f%%" % (100 * gpu["total"]["mfu"]), "%.1f%%" % (100 * wse["total"]["mfu"])),
]
for r in (gpu, wse):
    m = r["memory"]
    r["mem"] = "%s of %s%s" % (scaled(m["total"], "B"), scaled(m["capacity"], "B"),
                               "" if m["total"] <= m["capacity"] else " (does not fit)")
rows.append(("memory per device", gpu["mem"], wse["mem"]))

name = os.path.basename(config)
print("moe-mlir plan comparison: %s, phase %s" % (name, gpu["phase"]))
print()
print("  %-22s %-34s %s" % ("", "GPU (expert parallel)", "WSE (weight streaming + BTA)"))
for label, a, b in rows:
    print("  %-22s %-34s %s" % (label, a, b))

print()
print("per layer: time and bound")
print("  %-18s %12s  %-10s %12s  %-10s" % ("layer", "GPU", "bound", "WSE", "bound"))
gpu_layers = {l["layer"]: l for l in gpu["layers"]}
wse_layers = {l["layer"]: l for l in wse["layers"]}
names = [l["layer"] for l in gpu["layers"]]
names += [n for n in wse_layers if n not in gpu_layers]
# Identical consecutive decoder layers print as one row ("layers.0-47").
lines = []
for n in names:
    g, w = gpu_layers.get(n), wse_layers.get(n)
    if (not g or g["seconds"] == 0) and (not w or w["seconds"] == 0):
        continue
    cells = (seconds(g["seconds"]) if g else "-", g["bound"] if g else "-",
             seconds(w["seconds"]) if w else "-", w["bound"] if w else "-")
    index = re.fullmatch(r"(layers?)\.(\d+)", n)
    last = lines[-1] if lines else None
    if (index and last and last["cells"] == cells and last["prefix"] == index.group(1)
            and last["last"] + 1 == int(index.group(2))):
        last["last"] += 1
        continue
    lines.append({"name": n, "cells": cells,
                  "prefix": index.group(1) if index else None,
                  "first": int(index.group(2)) if index else 0,
                  "last": int(index.group(2)) if index else 0})
for line in lines:
    name = line["name"]
    if line["prefix"] and line["last"] > line["first"]:
        name = "%s.%d-%d" % (line["prefix"], line["first"], line["last"])
    print("  %-18s %12s  %-10s %12s  %-10s" % ((name,) + line["cells"]))

# A verdict only between plans that fit: a plan that does not fit did not
# run, however fast its figures.
fits = {k: r["memory"]["total"] <= r["memory"]["capacity"] for k, r in (("GPU", gpu), ("WSE", wse))}
print()
if all(fits.values()):
    faster = "WSE" if wse["total"]["tokens_per_second"] > gpu["total"]["tokens_per_second"] else "GPU"
    ratio = max(wse["total"]["tokens_per_second"], gpu["total"]["tokens_per_second"]) / max(
        1e-30, min(wse["total"]["tokens_per_second"], gpu["total"]["tokens_per_second"]))
    print("%s plan is %.2fx faster in tokens/s" % (faster, ratio))
else:
    missing = [k for k, ok in fits.items() if not ok]
    print("no verdict: the %s plan does not fit in memory; change its degrees "
          "(more GPUs, pp, zero=1 in --gpu; more systems in --wse) or run "
          "--moe-plan-search for the leanest plan that fits" % " and ".join(missing))
if out:
    with open(out, "w") as f:
        json.dump({"gpu": gpu, "wse": wse}, f, indent=2, sort_keys=True)
EOF
