// The expert-parallel GPU plan of one MoE layer (Inputs/moe-layer.mlir:
// T = 64 tokens, H = 1024, E = 8, top_k = 2, capacity factor 1).

// ep = 2 inside a node, dp = 2: 4 GPUs, 64 / 4 = 16 tokens each; the local
// dispatch capacity is ceil(1.0 * 16 * 2 / 8) = 4; each GPU owns 8 / 2 = 4
// experts and receives 2 senders' slots: 4 x (4 * 2) x 1024.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4" | FileCheck %s --check-prefix=CHECK-EP2
// CHECK-EP2: module attributes {dlti.target_system_spec = #dlti.target_system_spec<"gpus" = #dlti.target_device_spec<"devices_per_node" = 4 : i64>>, moe.plan = #moe.gpu_plan<dp = 2, ep = 2, gpus_per_node = 4, tokens = 64>}
// CHECK-EP2: shard.grid @gpus(shape = 2x2)
// Arguments and results record how the program's tensors are split over
// the grid (moe.split_axes, read by --moe-simulate-grid): tokens over both
// axes, experts over the ep axis, the router replicated.
// CHECK-EP2-LABEL: func.func @layer
// CHECK-EP2-SAME: tensor<16x1024xbf16> {moe.split_axes = #shard<axisarray{{\[\[0, 1\]\]}}>}
// CHECK-EP2-SAME: tensor<1024x8xbf16> {moe.param = "router"}
// CHECK-EP2-SAME: tensor<4x1024x16xbf16> {moe.param = "experts.gate", moe.split_axes = #shard<axisarray{{\[\[1\]\]}}>}
// CHECK-EP2-SAME: tensor<4x16x1024xbf16> {moe.param = "experts.down", moe.split_axes = #shard<axisarray{{\[\[1\]\]}}>}) -> (tensor<16x1024xbf16> {moe.split_axes = #shard<axisarray{{\[\[0, 1\]\]}}>})
// CHECK-EP2: moe.router {{.*}} -> (tensor<16x2xi32>, tensor<16x2xbf16>)
// CHECK-EP2: %[[BUF:.*]] = moe.dispatch {{.*}} -> tensor<8x4x1024xbf16>
// CHECK-EP2: %[[IN:.*]] = shard.all_to_all %[[BUF]] on @gpus grid_axes = [1] split_axis = 0 concat_axis = 1 : tensor<8x4x1024xbf16> -> tensor<4x8x1024xbf16>
// CHECK-EP2: %[[Y:.*]] = moe.experts %[[IN]], {{.*}} -> tensor<4x8x1024xbf16>
// CHECK-EP2: %[[OUT:.*]] = shard.all_to_all %[[Y]] on @gpus grid_axes = [1] split_axis = 1 concat_axis = 0 : tensor<4x8x1024xbf16> -> tensor<8x4x1024xbf16>
// CHECK-EP2: moe.combine %[[OUT]], {{.*}} -> tensor<16x1024xbf16>
// CHECK-EP2: arith.addf {{.*}} : tensor<16x1024xbf16>
// CHECK-EP2-NOT: shard.all_reduce
// CHECK-EP2: return

// Training adds the gradient all-reduce: replicated weights over both axes,
// expert weights over the dp axis only.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" | FileCheck %s --check-prefix=CHECK-TRAIN
// CHECK-TRAIN: shard.all_reduce %arg1 on @gpus grid_axes = [0, 1] {moe.grad_sync} : tensor<1024x8xbf16>
// CHECK-TRAIN: shard.all_reduce %arg2 on @gpus grid_axes = [0] {moe.grad_sync} : tensor<4x1024x16xbf16>
// CHECK-TRAIN: shard.all_reduce %arg3 on @gpus grid_axes = [0] {moe.grad_sync} : tensor<4x1024x16xbf16>
// CHECK-TRAIN: shard.all_reduce %arg4 on @gpus grid_axes = [0] {moe.grad_sync} : tensor<4x16x1024xbf16>
// CHECK-TRAIN-NEXT: return

// ep = 8 across two nodes of 4 GPUs (nodes = 2 gives dp = 2 * 4 / 8 = 1):
// 8 tokens per GPU, capacity ceil(8 * 2 / 8) = 2, one expert per GPU
// receiving 8 senders' slots: 1 x 16 x 1024.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 capacity-factor=1.0" | FileCheck %s --check-prefix=CHECK-EP8
// CHECK-EP8: moe.plan = #moe.gpu_plan<ep = 8, gpus_per_node = 4, tokens = 64>
// CHECK-EP8: shard.grid @gpus(shape = 1x8)
// CHECK-EP8: moe.dispatch {{.*}} -> tensor<8x2x1024xbf16>
// CHECK-EP8: shard.all_to_all {{.*}} split_axis = 0 concat_axis = 1 : tensor<8x2x1024xbf16> -> tensor<1x16x1024xbf16>
// CHECK-EP8: moe.experts {{.*}} -> tensor<1x16x1024xbf16>
// CHECK-EP8: shard.all_to_all {{.*}} split_axis = 1 concat_axis = 0 : tensor<1x16x1024xbf16> -> tensor<8x2x1024xbf16>

// A capacity factor re-plans the local capacity: ceil(1.5 * 16 * 2 / 8) = 6.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 capacity-factor=1.5" | FileCheck %s --check-prefix=CHECK-CF
// CHECK-CF: moe.dispatch {{.*}} capacity_factor = 1.500000e+00 {{.*}} -> tensor<8x6x1024xbf16>
// CHECK-CF: shard.all_to_all {{.*}} -> tensor<4x12x1024xbf16>

// ep = 1: pure data parallelism, no all-to-all.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="dp=4" | FileCheck %s --check-prefix=CHECK-DP
// CHECK-DP: shard.grid @gpus(shape = 4x1)
// CHECK-DP-NOT: experts.gate", moe.split_axes
// CHECK-DP-NOT: shard.all_to_all
// CHECK-DP: moe.experts {{.*}} -> tensor<8x4x1024xbf16>

// The plan composes with upstream passes and still verifies and round-trips.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2" --canonicalize --cse | moe-opt --mlir-print-op-generic | moe-opt | FileCheck %s --check-prefix=CHECK-RT
// CHECK-RT: shard.all_to_all

// Tensor parallelism (tp = 2) with sequence parallelism on the attention
// block (Inputs/attention-layer.mlir: T = 64, 4 heads on 2 KV heads of 16,
// sequences of 16), dp = 2: a 2 x 1 x 2 grid, tp innermost. Each GPU holds
// 64 / 4 = 16 tokens; the attention gathers its tp group's 32 (two whole
// sequences), runs on 2 of the 4 heads and 1 of the 2 KV heads (q, k, v
// columns and o rows halved), and reduce-scatters the partial outputs back
// to 16 rows. Gradients: the sharded attention weights are summed over dp
// and ep (axes [0, 1]), the replicated router over all three axes.
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="tp=2 dp=2 gpus-per-node=4 phase=train" | FileCheck %s --check-prefix=CHECK-TP
// CHECK-TP: moe.plan = #moe.gpu_plan<dp = 2, tp = 2, gpus_per_node = 4, tokens = 64>
// CHECK-TP: shard.grid @gpus(shape = 2x1x2)
// CHECK-TP-LABEL: func.func @attn
// CHECK-TP-SAME: (%[[X:.+]]: tensor<16x64xbf16> {moe.split_axes = #shard<axisarray{{\[\[0, 1, 2\]\]}}>}
// CHECK-TP-SAME: tensor<64x32xbf16> {moe.param = "wq", moe.split_axes = #shard<axisarray{{\[\[\], \[2\]\]}}>}
// CHECK-TP-SAME: tensor<64x16xbf16> {moe.param = "wk", moe.split_axes = #shard<axisarray{{\[\[\], \[2\]\]}}>}
// CHECK-TP-SAME: tensor<32x64xbf16> {moe.param = "wo", moe.split_axes = #shard<axisarray{{\[\[2\]\]}}>}
// CHECK-TP-SAME: tensor<64x4xbf16> {moe.param = "router"})
// CHECK-TP: %[[G:.+]] = shard.all_gather %[[X]] on @gpus grid_axes = [2] gather_axis = 0 : tensor<16x64xbf16> -> tensor<32x64xbf16>
// CHECK-TP: %[[A:.+]] = moe.attention %[[G]], {{.*}} heads = 2 kv_heads = 1 head_dim = 16 seq_len = 16 causal {{.*}} -> tensor<32x64xbf16>
// CHECK-TP: %[[Y:.+]] = shard.reduce_scatter %[[A]] on @gpus grid_axes = [2] scatter_axis = 0 : tensor<32x64xbf16> -> tensor<16x64xbf16>
// CHECK-TP: moe.router %[[Y]]
// CHECK-TP: shard.all_reduce %arg1 on @gpus grid_axes = [0, 1] {moe.grad_sync} : tensor<64x32xbf16>
// CHECK-TP: shard.all_reduce %arg5 on @gpus grid_axes = [0, 1, 2] {moe.grad_sync} : tensor<64x4xbf16>

// A tensor-parallel GPU plan of the MoE layer, forward: tp applies to
// attention and dense FFNs only; experts stay sharded over ep (axis 1) and
// every token tensor is split over all three axes.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2" | FileCheck %s --check-prefix=CHECK-TPMOE
// CHECK-TPMOE: shard.grid @gpus(shape = 1x2x2)
// CHECK-TPMOE: tensor<16x1024xbf16> {moe.split_axes = #shard<axisarray{{\[\[0, 1, 2\]\]}}>}
// CHECK-TPMOE: shard.all_to_all {{.*}} grid_axes = [1] split_axis = 0 concat_axis = 1
// CHECK-TPMOE-NOT: shard.all_gather

// Pipeline parallelism (pp = 2, 2 virtual stages): the plan keeps every
// layer in the function and records pp and vpp, which --moe-cost prices
// (Cost/moe-cost-pipeline.mlir). The stages see the same tokens: 64
// over dp * ep = 2 GPUs is 32 each, and 4 GPUs in all.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 pp=2 virtual-stages=2" | FileCheck %s --check-prefix=CHECK-PP
// CHECK-PP: moe.plan = #moe.gpu_plan<ep = 2, pp = 2, vpp = 2, tokens = 64>
// CHECK-PP: shard.grid @gpus(shape = 1x2)
// CHECK-PP: tensor<32x1024xbf16> {moe.split_axes = #shard<axisarray{{\[\[0, 1\]\]}}>}
