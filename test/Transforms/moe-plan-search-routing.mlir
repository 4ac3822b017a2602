// Skewed routing changes which plan wins. Qwen3-30B-A3B (2 layers, 128
// experts, top-8, dropless) on 16 H100s: with balanced routing the widest
// expert parallelism, ep=16, is best. Under Zipf 1.2 (expert i's share
// proportional to 1/(i+1)^1.2) the busiest rank of ep=16 holds experts 0-7,
// 63.1% of the routed tokens: 10.1x its balanced share, so its all-to-alls
// move 10.1x the bytes. At ep=8 the busiest rank holds experts 0-15, 74.0%:
// 5.9x. ep=8 now wins. (Shares: sum of i^-1.2 over the rank's experts over
// the sum over all 128.)
// RUN: moe-translate --import-hf-config %S/../../examples/configs/qwen3-30b-a3b.json --num-layers 2 --batch 16 --seq-len 256 --capacity-factor 0 | moe-opt --moe-plan-search="gpus=16 apply=false top=1" -o /dev/null | FileCheck %s --check-prefix=UNIFORM
// UNIFORM: 1  ep=16 dp=1 mb=1x1 cf=1.00 zero=1        16.263 ms
// RUN: moe-translate --import-hf-config %S/../../examples/configs/qwen3-30b-a3b.json --num-layers 2 --batch 16 --seq-len 256 --capacity-factor 0 | moe-opt --moe-plan-search="gpus=16 apply=false top=1 zipf=1.2" -o /dev/null | FileCheck %s --check-prefix=ZIPF
// ZIPF: 1  ep=8 dp=2 mb=1x1 cf=1.00 zero=1         24.265 ms
//
// The lowered best plan is costed with the same routing (the estimate and
// the IR agree).
// RUN: moe-translate --import-hf-config %S/../../examples/configs/qwen3-30b-a3b.json --num-layers 2 --batch 16 --seq-len 256 --capacity-factor 0 | moe-opt --moe-plan-search="gpus=16 output=/dev/null zipf=1.2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=APPLY
// APPLY: remark: best plan ep=8 dp=2 {{.*}}: summary estimate 24.265 ms {{.*}} lowered IR 24.265 ms
//
// Bad values are named.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="gpus=2 zipf=-0.5" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADZIPF
// BADZIPF: error: zipf (-0.5) must be at least 0
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="gpus=2 zipf=1 imbalance=2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BOTH
// BOTH: error: give one of imbalance=, zipf= and routing-file=
