// Plan search over Inputs/moe-layer.mlir (64 tokens, E = 8, top_k = 2; no
// attention, so a "sequence" is one token) on 2 GPUs: ep in {1, 2},
// micro-batches of 1..32 sequences per GPU (the 32 each GPU holds per
// step), capacity factor 1.0 or 1.25, recompute or not, ZeRO stage 0 to 3:
// 2 * 6 * 2 * 2 * 4 = 192 plans.
//
// Worked by hand for a machine whose links move 1 MB/s (collective
// efficiency 0.89, 3 us per NVLink step), where the network decides:
// - ep = 2, dp = 1, one micro-batch of 32 tokens per GPU: capacity
//   ceil(1.0 * 32 * 2 / 8) = 8, all-to-all buffer 8 * 8 * 1024 * 2 =
//   131072 B, half of it sent: 3e-6 + 65536 / 0.89e6 = 73.64 ms; two
//   all-to-alls, forward and backward: 294.56 ms. The router's gradient
//   (16384 B) is all-reduced over both GPUs: 2 * 3e-6 + 16384 / 0.89e6 =
//   18.42 ms. About 313.2 ms with the (sub-millisecond) compute.
// - ep = 1, dp = 2: no all-to-all, but every weight's gradient is
//   all-reduced, the three 262144 B expert weights included:
//   18.42 + 3 * (6e-6 + 262144 / 0.89e6) = 902 ms.
// So moving tokens beats synchronising expert gradients: ep = 2 wins. Among
// ep = 2 plans, more micro-batches move the same bytes with more latency,
// capacity factor 1.25 moves 25% more, and recomputation repeats the forward
// all-to-alls. ZeRO-1 moves the same bytes (a reduce-scatter and an
// all-gather are one all-reduce) and halves the optimizer step of the
// weights both GPUs hold, a few microseconds; ZeRO-3 gathers the weights for
// every forward and backward (1.5x the gradient traffic: 1.353 s at ep = 1).
// Best: ep=2 dp=1 mb=32x1 cf=1.00 zero=1, about 313.2 ms.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="machine-file=%S/Inputs/slow-network.json gpus=2 top=200" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-BEST
// CHECK-BEST: moe-mlir plan search: 192 plans on slow-network, 192 fit in 80 GB per device
// CHECK-BEST: 1  ep=2 dp=1 mb=32x1 cf=1.00 zero=1       313.160 ms {{.*}} network  pareto
// CHECK-BEST: ep=1 dp=2 mb=32x1 cf=1.00 zero=1       902.{{[0-9]+}} ms
// CHECK-BEST: ep=1 dp=2 mb=32x1 cf=1.00 zero=3          1.353 s
// CHECK-BEST: remark: best plan ep=2 dp=1 mb=32x1 cf=1.00 zero=1: summary estimate [[T:.*]] and [[M:.*]] per device, lowered IR [[T]] and [[M]] (time 0.00% apart)

// The best plan is emitted as IR, planned and costed.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="machine-file=%S/Inputs/slow-network.json gpus=2 output=%t.txt" | FileCheck %s --check-prefix=CHECK-IR
// CHECK-IR: moe.cost_summary
// CHECK-IR-SAME: moe.plan = #moe.gpu_plan<ep = 2,
// CHECK-IR: shard.grid @gpus(shape = 1x2)
// CHECK-IR: shard.all_to_all
// CHECK-IR: moe.experts {{.*}}moe.cost = #moe.cost<

// JSON and CSV tables for scripts; an SVG of the Pareto front.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="gpus=2 format=json apply=false svg=%t.svg" -o /dev/null | FileCheck %s --check-prefix=CHECK-JSON
// CHECK-JSON: "machine": "h100-sxm",
// CHECK-JSON: "plans": [
// CHECK-JSON: "plan": "ep=
// CHECK-JSON: "memory_bytes_per_device":
// CHECK-JSON: "feasible": true,
// CHECK-JSON: "pareto": true
// RUN: FileCheck %s --check-prefix=CHECK-SVG < %t.svg
// CHECK-SVG: <svg xmlns="http://www.w3.org/2000/svg"
// CHECK-SVG: memory per device (GB)
// CHECK-SVG: <polyline fill="none" stroke="#1f5fbf"
// CHECK-SVG: best: ep=
// CHECK-SVG: </svg>
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="gpus=2 format=csv apply=false" -o /dev/null | FileCheck %s --check-prefix=CHECK-CSV
// CHECK-CSV: rank,ep,dp,sequences_per_micro_batch,micro_batches,capacity_factor,recompute,seconds,tokens_per_second,mfu,memory_bytes_per_device,bound,feasible,pareto
// CHECK-CSV-NEXT: 1,

// No plan fits in 100 kB: the error names memory and the leanest plan.
// (Recomputation keeps each layer's input and then the largest layer's
// activations: for a program of one layer that is no less than keeping
// them all, so the leanest plan does not recompute.)
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="machine-file=%S/Inputs/tiny-memory.json gpus=2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-NOFIT
// CHECK-NOFIT: error: no plan fits: the tightest constraint is memory per device; the leanest plan (ep=2 dp=1 mb=1x32 cf=1.00 zero=2) needs {{.*}} per device, more than 100 kB

// Bad options.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="gpus=3" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-SPLIT
// CHECK-SPLIT: error: no plan to search: the global batch of 64 sequences does not split into whole sequences over the data- and expert-parallel replicas of any plan on 3 GPUs with an expert-parallel degree that divides the expert counts; set global-batch=N (or import with moe-translate --batch=N) to a multiple of 3
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="machine=cs2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-WAFER
// CHECK-WAFER: error: machine 'cs2' is a wafer-scale system; this search covers GPU plans
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="format=xml" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-FORMAT
// CHECK-FORMAT: for the --format option: 'xml' is not one of: text, json, csv
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2" --moe-plan-search -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-PLANNED
// CHECK-PLANNED: error: the program is already planned; search an unplanned program
