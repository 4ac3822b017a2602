// MoE parallel folding (`fold`): the experts are split over the ep and tp
// axes, an expert-parallel group of ep * tp consecutive GPUs (Megatron-Core's
// EP taking in the tensor-parallel ranks, expert tensor parallelism 1).
// Inputs/moe-layer.mlir: T = 64 tokens, H = 1024, E = 8 experts, top_k = 2,
// expert FFN 16, bf16, capacity factor 1.0.

// ep = 2, tp = 2, dp = 2: 8 GPUs, 64 / 8 = 8 tokens each. Folded, each GPU
// holds E / (ep * tp) = 2 experts; the all-to-alls run over axes [1, 2] and
// carry the 4-member group's slots: [8, 2, 1024] (C' = ceil(8 * 2 / 8) = 2)
// to [2, 2 * 4, 1024]. Expert gradients are summed over the dp axis alone.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 dp=2 fold phase=train" | FileCheck %s --check-prefix=CHECK-FOLD
// CHECK-FOLD: moe.plan = #moe.gpu_plan<dp = 2, ep = 2, tp = 2, fold = true, tokens = 64>
// CHECK-FOLD-NEXT: shard.grid @gpus(shape = 2x2x2)
// CHECK-FOLD{LITERAL}: %arg2: tensor<2x1024x16xbf16> {moe.param = "experts.gate", moe.split_axes = #shard<axisarray[[1, 2]]>}
// CHECK-FOLD: shard.all_to_all {{.*}} grid_axes = [1, 2] split_axis = 0 concat_axis = 1 : tensor<8x2x1024xbf16> -> tensor<2x8x1024xbf16>
// CHECK-FOLD: moe.experts {{.*}} -> tensor<2x8x1024xbf16>
// CHECK-FOLD: shard.all_to_all {{.*}} grid_axes = [1, 2] split_axis = 1 concat_axis = 0 : tensor<2x8x1024xbf16> -> tensor<8x2x1024xbf16>
// CHECK-FOLD: shard.all_reduce %arg1 on @gpus grid_axes = [0, 1, 2] {moe.grad_sync}
// CHECK-FOLD: shard.all_reduce %arg2 on @gpus grid_axes = [0] {moe.grad_sync} : tensor<2x1024x16xbf16>

// Without fold the same grid holds E / ep = 4 experts per GPU, replicated
// over the dp and tp axes.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 dp=2 phase=train" | FileCheck %s --check-prefix=CHECK-NOFOLD
// CHECK-NOFOLD: moe.plan = #moe.gpu_plan<dp = 2, ep = 2, tp = 2, tokens = 64>
// CHECK-NOFOLD: shard.all_to_all {{.*}} grid_axes = [1] split_axis = 0 concat_axis = 1 : tensor<8x2x1024xbf16> -> tensor<4x4x1024xbf16>
// CHECK-NOFOLD: shard.all_reduce %arg2 on @gpus grid_axes = [0, 2] {moe.grad_sync} : tensor<4x1024x16xbf16>

// Costs by hand on Inputs/cluster.json (NVLink 100 GB/s and 1 us per step
// inside a node, InfiniBand 10 GB/s and 10 us across nodes, collective
// efficiency 1), 8 GPUs per node: everything stays on NVLink.
//
// Folded: each all-to-all moves the [8, 2, 1024] bf16 buffer, B = 32768
// bytes, to p = 4 members: B * 3/4 = 24576 bytes,
// 1e-6 + 24576 / 1e11 = 1.24576e-6 s; forward and backward in training:
// 49152 bytes, 2.49152e-6 s. The expert gate's gradient ([2, 1024, 16] bf16,
// B = 65536) is all-reduced over p = 2 dp replicas: 2 * B * 1/2 = 65536
// bytes in 2 steps, 2e-6 + 65536 / 1e11 = 2.65536e-6 s.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 dp=2 fold phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" | FileCheck %s --check-prefix=CHECK-FOLDCOST
// CHECK-FOLDCOST: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 49152, seconds = 2.49152e-06, bound = network>
// CHECK-FOLDCOST: shard.all_reduce %arg2 {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 65536, seconds = 2.65536e-06, bound = network>
//
// Unfolded: the same buffer to p = 2 members: B * 1/2 = 16384 bytes,
// 1e-6 + 16384 / 1e11 = 1.16384e-6 s, twice: 32768 bytes, 2.32768e-6 s. The
// expert gate's gradient ([4, 1024, 16], B = 131072) over the p = 4 dp x tp
// replicas: 2 * B * 3/4 = 196608 bytes in 6 steps,
// 6e-6 + 196608 / 1e11 = 7.96608e-6 s.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 tp=2 dp=2 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" | FileCheck %s --check-prefix=CHECK-NOFOLDCOST
// CHECK-NOFOLDCOST: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 32768, seconds = 2.32768e-06, bound = network>
// CHECK-NOFOLDCOST: shard.all_reduce %arg2 {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 196608, seconds = 7.96608e-06, bound = network>

// A folded group of ep * tp = 4 * 2 = 8 consecutive GPUs over two nodes of
// 4 prices as an 8-member all-to-all: B = [8, 2, 1024] bf16 = 32768 bytes
// (64 / 8 = 8 tokens per GPU), B * 3/8 = 12288 bytes over NVLink
// (1.12288e-6 s) while B * 4/8 = 16384 bytes leave through the NIC
// (1e-5 + 16384 / 1e10 = 1.16384e-5 s): the slower, and 28672 bytes.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=4 tp=2 fold nodes=2 gpus-per-node=4" --moe-cost="machine-file=%S/Inputs/cluster.json" | FileCheck %s --check-prefix=CHECK-NODES
// CHECK-NODES: shard.all_to_all {{.*}} grid_axes = [1, 2] {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 28672, seconds = 1.16384e-05, bound = network>

// Errors: fold without tensor parallelism, and a folded group that does not
// divide the experts.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 fold" 2>&1 | FileCheck %s --check-prefix=CHECK-NOTP
// CHECK-NOTP: error: fold splits the experts over the tensor- and context-parallel ranks too: it needs tp > 1 (with etp = 1) or cp > 1
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=8 tp=2 fold" 2>&1 | FileCheck %s --check-prefix=CHECK-DIV
// CHECK-DIV: error: 'moe.experts' op has 8 experts, which ep * tp = 16 does not divide
