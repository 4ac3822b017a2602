// Skewed routing: how the experts' loads spread changes a grouped GEMM on
// one GPU through its tiles, and an expert-parallel layer through its most
// loaded rank (docs/CostModel.md, "Skewed routing").
//
// One GPU holding all 128 experts (this file), on Inputs/tiled-machine.json:
// peak 1e12 FLOP/s, 16 compute units, 64 x 64 tiles, no K ramp, memory at
// 1e15 B/s so the GEMMs are compute-bound.
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/tiled-machine.json" | FileCheck %s --check-prefix=UNIFORM
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/tiled-machine.json imbalance=8" | FileCheck %s --check-prefix=HOT
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/tiled-machine.json zipf=0.5" | FileCheck %s --check-prefix=ZIPF
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/tiled-machine.json imbalance=6.4 hot-experts=16" | FileCheck %s --check-prefix=HOT16
//
// Eight GPUs, one expert each (Inputs/routing/two-layers.mlir, ep=8 over two
// nodes of 4), on Inputs/unit-machine.json.
// RUN: moe-opt %S/Inputs/routing/two-layers.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 machine-file=%S/Inputs/unit-machine.json" --moe-cost="machine-file=%S/Inputs/unit-machine.json" | FileCheck %s --check-prefix=EP
// RUN: moe-opt %S/Inputs/routing/two-layers.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 machine-file=%S/Inputs/unit-machine.json" --moe-cost="machine-file=%S/Inputs/unit-machine.json imbalance=4" | FileCheck %s --check-prefix=EPHOT
// RUN: moe-opt %S/Inputs/routing/two-layers.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 machine-file=%S/Inputs/unit-machine.json" --moe-cost="machine-file=%S/Inputs/unit-machine.json imbalance=4 placement-file=%S/Inputs/routing/hot-replicated.json" | FileCheck %s --check-prefix=EPLB
// RUN: moe-opt %S/Inputs/routing/two-layers.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 machine-file=%S/Inputs/unit-machine.json" --moe-cost="machine-file=%S/Inputs/unit-machine.json routing-file=%S/Inputs/routing/trace-8.json" | FileCheck %s --check-prefix=TRACE
//
// The report says how skewed the routing is: the busiest rank's load over a
// balanced share in the most skewed layer (4x under imbalance=4; the EPLB
// placement halves it; the trace's layers.0 gives 3x). Balanced routing
// prints no routing line and routing_load 1.
// RUN: moe-opt %S/Inputs/routing/two-layers.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 machine-file=%S/Inputs/unit-machine.json" --moe-cost="machine-file=%S/Inputs/unit-machine.json imbalance=4" --moe-cost-report -o /dev/null | FileCheck %s --check-prefix=REPORT
// REPORT: routing            skewed: the busiest expert-parallel rank gets 4.00x a balanced share of the routed tokens and sets its layer's pace
// RUN: moe-opt %S/Inputs/routing/two-layers.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 machine-file=%S/Inputs/unit-machine.json" --moe-cost="machine-file=%S/Inputs/unit-machine.json imbalance=4 placement-file=%S/Inputs/routing/hot-replicated.json" --moe-cost-report="format=json" -o /dev/null | FileCheck %s --check-prefix=JSONEPLB
// JSONEPLB: "routing_load": 2
// RUN: moe-opt %S/Inputs/routing/two-layers.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 machine-file=%S/Inputs/unit-machine.json" --moe-cost="machine-file=%S/Inputs/unit-machine.json routing-file=%S/Inputs/routing/trace-8.json" | FileCheck %s --check-prefix=SUMMARY
// SUMMARY: moe.cost_summary = #moe.cost_summary<{{.*}}routing_load = 3>
// RUN: moe-opt %S/Inputs/routing/two-layers.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 machine-file=%S/Inputs/unit-machine.json" --moe-cost="machine-file=%S/Inputs/unit-machine.json" --moe-cost-report -o /dev/null | FileCheck %s --check-prefix=BALANCED
// BALANCED-NOT: routing
// BALANCED: step time

// T = 4096 tokens, top_k = 8 over E = 128 experts: 32768 routed rows, 256 per
// expert when uniform. H = 128, F = 64, swiglu. Every expert receives tokens
// (the least loaded below gets 136 rows; the chance that no token picks it
// is below 1e-20). A launch's tiles run in waves of 16; a tile does
// 2*64*64*K FLOPs.
//
// Uniform: gate and up have ceil(256/64) * ceil(64/64) = 4 tiles per expert,
// 512 in all, 32 waves: 32*16*2*64*64*128 / 1e12 = 5.36871e-4 s each. down
// (n = 128, K = 64) has 8 tiles per expert, 1024, 64 waves:
// 64*16*2*64*64*64 / 1e12 = 5.36871e-4 s. act moves 3*32768*64*2 =
// 12582912 bytes, 1.2583e-8 s. Total 3*5.36871e-4 + 1.2583e-8 = 1.61063e-3 s.
// UNIFORM: moe.experts {{.*}}moe.cost = #moe.cost<flops = 1.6211e+09, bytes = 5.66231e+07, network = 0, seconds = 0.00161063, bound = compute>
//
// imbalance=8: expert 0 takes 8/128 of the rows (2048: 32 tiles of gate),
// the other 127 share the rest, 30720/127 = 241.9 rows each (4 tiles): 540
// tiles, 34 waves, 34*16*2*64*64*128 / 1e12 = 5.70425e-4 s for gate and
// up; down has twice the tiles, 68 waves, the same time. The rows and FLOPs
// do not change; the kernel is 34/32 = 6.25% slower, not 8x:
// 3*5.70425e-4 + 1.2583e-8 = 1.71129e-3 s.
// HOT: moe.experts {{.*}}moe.cost = #moe.cost<flops = 1.6211e+09, bytes = 5.66231e+07, network = 0, seconds = 0.00171129, bound = compute>
//
// zipf=0.5: expert i gets 32768 / (21.2112 * sqrt(i + 1)) rows (21.2112 =
// sum of 1/sqrt(j) for j = 1..128): from 1544.8 rows (25 tiles) for expert 0
// to 136.5 (3 tiles) for expert 127. gate and up: 581 tiles, 37 waves,
// 37*16*2*64*64*128 / 1e12 = 6.20757e-4 s; down 1162 tiles, 73 waves,
// 73*16*2*64*64*64 / 1e12 = 6.12368e-4 s. Total 2*6.20757e-4 + 6.12368e-4
// + 1.2583e-8 = 1.85389e-3 s.
// ZIPF: moe.experts {{.*}}moe.cost = #moe.cost<flops = 1.6211e+09, bytes = 5.66231e+07, network = 0, seconds = 0.00185389, bound = compute>
//
// imbalance=6.4 hot-experts=16: 16 experts hold 16*6.4/128 = 80% of the
// rows (1638.4 each: 26 tiles), the other 112 the rest (58.5 each: 1
// tile): 16*26 + 112 = 528 tiles for gate and up, 33 waves,
// 33*16*2*64*64*128 / 1e12 = 5.53648e-4 s; down twice the tiles, 66 waves,
// the same time. 3*5.53648e-4 + 1.2583e-8 = 1.66096e-3 s.
// HOT16: moe.experts {{.*}}moe.cost = #moe.cost<flops = 1.6211e+09, bytes = 5.66231e+07, network = 0, seconds = 0.00166096, bound = compute>
func.func @experts(%x: tensor<4096x128xbf16>, %idx: tensor<4096x8xi32>,
                   %wg: tensor<128x128x64xbf16> {moe.param = "gate"},
                   %wu: tensor<128x128x64xbf16> {moe.param = "up"},
                   %wd: tensor<128x64x128xbf16> {moe.param = "down"})
    -> tensor<128x4096x128xbf16> {
  %buf = moe.dispatch %x, %idx dropless
      : (tensor<4096x128xbf16>, tensor<4096x8xi32>) -> tensor<128x4096x128xbf16>
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<128x4096x128xbf16>, tensor<128x128x64xbf16>,
         tensor<128x128x64xbf16>, tensor<128x64x128xbf16>)
      -> tensor<128x4096x128xbf16>
  return %y : tensor<128x4096x128xbf16>
}

// Eight GPUs: each routes 64 tokens, top_k = 2 over 8 experts; the group's
// 1024 routed rows are 128 per expert when uniform. H = 32, F = 16.
//
// All-to-all (dispatch, and the combine's return): a rank receives its
// expert's rows, 128*32*2 = 8192 bytes when uniform; 3/8 of them from its
// node (NVLink, 1e9 B/s, 1 us) and 4/8 from the other (1e8 B/s, 10 us):
// max(1e-6 + 3072/1e9, 1e-5 + 4096/1e8) = 5.096e-5 s.
// Experts, 128 rows: gate FLOPs 2*128*16*32 = 131072, bytes (128*32 + 32*16
// + 128*16)*2 = 13312 (memory-bound, 1.3312e-7 s), as up and down; act
// 10240 FLOPs, 12288 bytes. 403456 FLOPs, 52224 bytes, 5.2224e-7 s.
// EP-LABEL: func.func @layers
// EP: shard.all_to_all {{.*}}network = 7168, seconds = 5.096e-05,
// EP: moe.experts {{.*}}moe.cost = #moe.cost<flops = 403456, bytes = 52224, network = 0, seconds = 5.2224e-07, bound = memory>
// EP: shard.all_to_all {{.*}}network = 7168, seconds = 5.096e-05,
//
// imbalance=4: expert 0 takes 4/8 of the rows, 512: every token picks it.
// Its rank receives 4x the bytes, 32768: max(1e-6 + 12288/1e9, 1e-5 +
// 16384/1e8) = 1.7384e-4 s, each way. Its GEMMs on 512 rows: FLOPs
// 524288, bytes (512*32 + 512 + 512*16)*2 = 50176, compute-bound at
// 5.24288e-7 s each; act 40960 FLOPs, 49152 bytes, 4.9152e-7 s. Total
// 1613824 FLOPs, 199680 bytes, 3*5.24288e-7 + 4.9152e-7 = 2.06438e-6 s:
// the layer is paced by the hot rank, 4x the uniform all-to-all.
// EPHOT-LABEL: func.func @layers
// EPHOT: shard.all_to_all {{.*}}network = 28672, seconds = 0.00017384,
// EPHOT: moe.experts {{.*}}moe.cost = #moe.cost<flops = 1.61382e+06, bytes = 199680, network = 0, seconds = 2.06438e-06, bound = compute>
// EPHOT: shard.all_to_all {{.*}}network = 28672, seconds = 0.00017384,
//
// The same load with expert 0 on ranks 0 and 1 (Inputs/routing/
// hot-replicated.json, EPLB-style; rank 7 holds experts 6 and 7, 2/14 of
// the rows): each copy takes half of expert 0's rows, 256. All-to-all 2x:
// max(1e-6 + 6144/1e9, 1e-5 + 8192/1e8) = 9.192e-5 s. GEMMs on 256 rows:
// FLOPs 262144, bytes 25600, 2.62144e-7 s each; act 20480 FLOPs, 24576
// bytes, 2.4576e-7 s. Total 806912 FLOPs, 101376 bytes, 1.03219e-6 s.
// EPLB-LABEL: func.func @layers
// EPLB: shard.all_to_all {{.*}}network = 14336, seconds = 9.192e-05,
// EPLB: moe.experts {{.*}}moe.cost = #moe.cost<flops = 806912, bytes = 101376, network = 0, seconds = 1.03219e-06, bound = compute>
//
// A router trace (Inputs/routing/trace-8.json): layers.0 counted 21 of 56
// tokens for expert 0 (0.375: 384 rows, 3x), layers.1 the default, uniform.
// layers.0: all-to-all max(1e-6 + 9216/1e9, 1e-5 + 12288/1e8) = 1.3288e-4 s;
// GEMMs on 384 rows: FLOPs 393216, bytes (384*32 + 512 + 384*16)*2 =
// 37888, 3.93216e-7 s each; act 30720 FLOPs, 36864 bytes. Total 1210368
// FLOPs, 150528 bytes, 3*3.93216e-7 + 3.6864e-7 = 1.54829e-6 s.
// TRACE-LABEL: func.func @layers
// TRACE: shard.all_to_all {{.*}}network = 21504, seconds = 0.00013288,
// TRACE: moe.experts {{.*}}moe.cost = #moe.cost<flops = 1.21037e+06, bytes = 150528, network = 0, seconds = 1.54829e-06, bound = compute>
// TRACE: shard.all_to_all {{.*}}network = 21504, seconds = 0.00013288,
// TRACE: shard.all_to_all {{.*}}network = 7168, seconds = 5.096e-05,
// TRACE: moe.experts {{.*}}moe.cost = #moe.cost<flops = 403456, bytes = 52224, network = 0, seconds = 5.2224e-07, bound = memory>
