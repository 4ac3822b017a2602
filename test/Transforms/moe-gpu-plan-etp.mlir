// Expert tensor parallelism (`etp=tp`, Megatron-Core's ETP): each expert's
// FFN width is split over the tp axis as well as the experts over the
// expert axes. After the dispatch all-to-all each rank all-gathers the
// slots its tp ranks received, runs its columns of every local expert, and
// reduce-scatters the partial outputs before the return all-to-all.
// Inputs/moe-layer.mlir: T = 64 tokens, H = 1024, E = 8 experts, top_k = 2,
// expert FFN F = 16, bf16, capacity factor 1.0.

// ep = 2, tp = 2, dp = 2: 8 GPUs, 64 / 8 = 8 tokens each, C = 8 * 2 / 8 = 2
// slots per expert. Each GPU holds E / ep = 4 experts, F / etp = 8 of their
// columns: gate and up [4, 1024, 8] (split over axis 1 on dim 0, axis 2 on
// dim 2), down [4, 8, 1024]. The all-to-all over ep gives [4, 2 * 2, 1024],
// the all-gather over tp [4, 4 * 2, 1024]. Expert gradients are summed over
// the dp axis alone: tp ranks hold different columns.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 dp=2 etp=2 phase=train" | FileCheck %s --check-prefix=CHECK-IR
// CHECK-IR: moe.plan = #moe.gpu_plan<dp = 2, ep = 2, tp = 2, etp = 2, tokens = 64>
// CHECK-IR-NEXT: shard.grid @gpus(shape = 2x2x2)
// CHECK-IR{LITERAL}: %arg2: tensor<4x1024x8xbf16> {moe.param = "experts.gate", moe.split_axes = #shard<axisarray[[1], [], [2]]>}
// CHECK-IR{LITERAL}: %arg4: tensor<4x8x1024xbf16> {moe.param = "experts.down", moe.split_axes = #shard<axisarray[[1], [2]]>}
// CHECK-IR: %[[A2A:.*]] = shard.all_to_all {{.*}} grid_axes = [1] split_axis = 0 concat_axis = 1 : tensor<8x2x1024xbf16> -> tensor<4x4x1024xbf16>
// CHECK-IR-NEXT: %[[AG:.*]] = shard.all_gather %[[A2A]] on @gpus grid_axes = [2] gather_axis = 1 : tensor<4x4x1024xbf16> -> tensor<4x8x1024xbf16>
// CHECK-IR-NEXT: %[[Y:.*]] = moe.experts %[[AG]], {{.*}} -> tensor<4x8x1024xbf16>
// CHECK-IR-NEXT: %[[RS:.*]] = shard.reduce_scatter %[[Y]] on @gpus grid_axes = [2] scatter_axis = 1 : tensor<4x8x1024xbf16> -> tensor<4x4x1024xbf16>
// CHECK-IR-NEXT: shard.all_to_all %[[RS]] on @gpus grid_axes = [1] split_axis = 1 concat_axis = 0 : tensor<4x4x1024xbf16> -> tensor<8x2x1024xbf16>
// CHECK-IR: shard.all_reduce %arg1 on @gpus grid_axes = [0, 1, 2] {moe.grad_sync}
// CHECK-IR: shard.all_reduce %arg2 on @gpus grid_axes = [0] {moe.grad_sync} : tensor<4x1024x8xbf16>

// Folded with cp = 2 (ep = 2, cp = 2, tp = 2): the experts span the ep and
// cp axes ([1, 2], E / 4 = 2 each) and their columns the tp axis (3).
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 cp=2 tp=2 fold etp=2" | FileCheck %s --check-prefix=CHECK-FOLD
// CHECK-FOLD: shard.grid @gpus(shape = 1x2x2x2)
// CHECK-FOLD{LITERAL}: %arg2: tensor<2x1024x8xbf16> {moe.param = "experts.gate", moe.split_axes = #shard<axisarray[[1, 2], [], [3]]>}
// CHECK-FOLD: shard.all_to_all {{.*}} grid_axes = [1, 2] split_axis = 0 concat_axis = 1 : tensor<8x2x1024xbf16> -> tensor<2x8x1024xbf16>
// CHECK-FOLD-NEXT: shard.all_gather {{.*}} grid_axes = [3] gather_axis = 1 : tensor<2x8x1024xbf16> -> tensor<2x16x1024xbf16>

// Costs by hand on Inputs/cluster.json (NVLink 100 GB/s and 1 us per step,
// collective efficiency 1), training.
// - all-to-all: the [8, 2, 1024] bf16 buffer, B = 32768 bytes, to p = 2:
//   B / 2 = 16384 bytes each way, 1e-6 + 16384 / 1e11 s each: 32768 bytes,
//   2.32768e-6 s.
// - all-gather over tp (p = 2) of [4, 4, 1024] into [4, 8, 1024] = 65536
//   bytes: 65536 / 2 = 32768 bytes; its backward (a reduce-scatter) the
//   same: 65536 bytes, 2 * (1e-6 + 32768 / 1e11) = 2.65536e-6 s. The
//   reduce-scatter after the experts mirrors it.
// - experts: each local expert's slots hold the tokens of ep * tp = 4
//   senders, 2 each (T * top_k / E = 8 * 2 / 8): 8 rows of 4 experts = 32
//   rows at F / 2 = 8 columns, the FLOPs of the etp = 1 plan's 16 rows at
//   16 columns (4.72243e6 both: 3 GEMMs x 2 x 32 x 1024 x 8 = 1572864
//   forward, x 3 in training, plus the activation).
// - the gate's gradient, [4, 1024, 8] bf16 = 65536 bytes over p = 2 dp
//   replicas: 2 * 65536 / 2 = 65536 bytes, 2e-6 + 65536 / 1e11 =
//   2.65536e-6 s.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 dp=2 etp=2 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" | FileCheck %s --check-prefix=CHECK-COST
// CHECK-COST: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 32768, seconds = 2.32768e-06, bound = network>
// CHECK-COST: shard.all_gather {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 65536, seconds = 2.65536e-06, bound = network>
// CHECK-COST: moe.experts {{.*}}moe.cost = #moe.cost<flops = 4.72243e+06,
// CHECK-COST: shard.reduce_scatter {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 65536, seconds = 2.65536e-06, bound = network>
// CHECK-COST: shard.all_reduce %arg2 {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 65536, seconds = 2.65536e-06, bound = network>
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 dp=2 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" | FileCheck %s --check-prefix=CHECK-COST1
// CHECK-COST1: moe.experts {{.*}}moe.cost = #moe.cost<flops = 4.72243e+06,

// Memory per device. Weights: the router 1024 x 8 x 2 = 16384 bytes and
// 3 expert weights of 4 x 1024 x 8 x 2 = 65536 bytes: 212992 bytes, against
// 16384 + 3 x 131072 = 409600 with etp = 1. Activations: the experts save
// their rows x (H + 3F) x 2 bytes, 32 x (1024 + 24) x 2 = 67072 with
// etp = 2 against 16 x (1024 + 48) x 2 = 34304: 32768 more (116512 against
// 83744).
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 dp=2 etp=2 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" --moe-cost-report="format=json" -o /dev/null | FileCheck %s --check-prefix=CHECK-MEM
// CHECK-MEM: "memory": {
// CHECK-MEM-NEXT: "weights": 212992,
// CHECK-MEM: "activations": 116512,
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 dp=2 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" --moe-cost-report="format=json" -o /dev/null | FileCheck %s --check-prefix=CHECK-MEM1
// CHECK-MEM1: "memory": {
// CHECK-MEM1-NEXT: "weights": 409600,
// CHECK-MEM1: "activations": 83744,

// A dropless buffer gathers its routed rows only, and under skew the
// busiest expert-parallel rank gathers the most (../Cost/Inputs/routing/
// two-layers.mlir: T = 512, H = 32, E = 8, top_k = 2, dropless; ep = 4,
// tp = 2, etp = 2 on 8 GPUs of the unit machine, NVLink 1 GB/s and 1 us).
// Each GPU dispatches 64 tokens into [8, 64, 32]; the all-to-all leaves
// [2, 256, 32], the all-gather [2, 512, 32] bf16 = 65536 bytes, of which
// T * k / (E * T) = 1/4 holds routed rows: 65536 / 4 / 2 = 8192 bytes,
// 1e-6 + 8192 / 1e9 = 9.192e-6 s. Under imbalance=4 expert 0 takes 4/8 of
// the rows and the others 1/14 each, so the rank holding experts 0 and 1
// gets 1/2 + 1/14 = 4/7 of them against a balanced 1/4: 16/7 times the
// bytes, 8192 * 16 / 7 = 18724.6, 1e-6 + 18724.6 / 1e9 = 1.97246e-5 s.
// RUN: moe-opt %S/../Cost/Inputs/routing/two-layers.mlir --moe-gpu-plan="ep=4 tp=2 etp=2 machine-file=%S/../Cost/Inputs/unit-machine.json" --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json" | FileCheck %s --check-prefix=CHECK-ROUTED
// CHECK-ROUTED: shard.all_gather {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 8192, seconds = 9.192e-06, bound = network>{{.*}} : tensor<2x256x32xbf16> -> tensor<2x512x32xbf16>
// RUN: moe-opt %S/../Cost/Inputs/routing/two-layers.mlir --moe-gpu-plan="ep=4 tp=2 etp=2 machine-file=%S/../Cost/Inputs/unit-machine.json" --moe-cost="machine-file=%S/../Cost/Inputs/unit-machine.json imbalance=4" | FileCheck %s --check-prefix=CHECK-SKEW
// CHECK-SKEW: shard.all_gather {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 18724.6, seconds = 1.97246e-05, bound = network>{{.*}} : tensor<2x256x32xbf16> -> tensor<2x512x32xbf16>

// Errors: etp other than 1 or tp; fold with nothing to fold in once the tp
// axis holds columns; a width etp does not divide.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=4 etp=3" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-ETP3
// CHECK-ETP3: error: etp = 3 is expert tensor parallelism over the tp axis: it must be 1 or tp = 4
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 etp=2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-NOTP
// CHECK-NOTP: error: etp = 2 is expert tensor parallelism over the tp axis: it must be 1 or tp = 1
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 etp=2 fold" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-FOLDETP
// CHECK-FOLDETP: error: fold splits the experts over the tensor- and context-parallel ranks too: it needs tp > 1 (with etp = 1) or cp > 1
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="tp=32 etp=32 dp=2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-WIDTH
// CHECK-WIDTH: moe-layer.mlir:14:8: error: 'moe.experts' op has 16 FFN columns, which etp = 32 does not divide
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-pipeline="tp=2 etp=4" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-PIPE
// CHECK-PIPE: error: etp = 4 is expert tensor parallelism over the tp axis: it must be 1 or tp = 2
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="gpus=8 max-etp=-1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHECK-SEARCH
// CHECK-SEARCH: error: max-etp (-1) must be at least 0

// The search tries etp = tp next to etp = 1 for every tp up to max-tp (by
// default) where tp divides every expert's width, and reports it.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="gpus=4 max-tp=2 apply=false format=csv" -o /dev/null | FileCheck %s --check-prefix=CHECK-CSV
// CHECK-CSV: fold,cp,fold_cp,etp
// CHECK-CSV: ,0,1,0,2{{$}}
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-plan-search="gpus=4 max-tp=2 max-etp=1 apply=false format=csv" -o /dev/null | FileCheck %s --check-prefix=CHECK-NOETP
// CHECK-NOETP: fold,cp,fold_cp,etp
// CHECK-NOETP-NOT: ,2{{$}}
// CHECK-NOETP: ,0,1,0,1{{$}}
// CHECK-NOETP-NOT: ,2{{$}}
