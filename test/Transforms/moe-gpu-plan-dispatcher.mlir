// The token dispatcher (`dispatcher=alltoall|deepep`), priced by hand on
// Inputs/cluster.json: NVLink 100 GB/s and 1 us per step inside a node,
// InfiniBand 10 GB/s and 10 us across nodes, collective efficiency 1.
// ep = 8 over 2 nodes of 4 GPUs, 64 / 8 = 8 tokens per GPU.

// Inputs/moe-layer-groups.mlir: E = 16 experts in 4 groups, top_k = 4 from
// one group (node-limited routing). Each node holds 8 experts = 2 groups,
// so a token's 4 copies all go to one node. The dispatch buffer is
// [16, 2, 1024] bf16 (C' = ceil(8 * 4 / 16) = 2), B = 65536 bytes.
//
// alltoall: every copy travels; of p = 8 members, 4 per node: B * 3/8 =
// 24576 bytes over NVLink (1e-6 + 24576 / 1e11 = 1.24576e-6 s) while
// B * 4/8 = 32768 leave through the NIC (1e-5 + 32768 / 1e10 =
// 1.32768e-5 s): 57344 bytes, 1.32768e-5 s.
// RUN: moe-opt %S/Inputs/moe-layer-groups.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4" --moe-cost="machine-file=%S/Inputs/cluster.json" | FileCheck %s --check-prefix=CHECK-A2A
// CHECK-A2A: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 57344, seconds = 1.32768e-05, bound = network>
//
// deepep: a token crosses to a remote node once, to the GPU of its own
// index there, which forwards the node's copies over NVLink. The token
// reaches 1 of the 2 nodes, the other one half the time: B / 4 copies *
// 1 node * 1/2 = 8192 bytes over InfiniBand (1e-5 + 8192 / 1e10 =
// 1.08192e-5 s). NVLink carries the node's own 24576 bytes and the 3/4 of
// the 32768 remote bytes that arrive on another GPU of the node and are
// forwarded: 49152 bytes, 1e-6 + 49152 / 1e11 = 1.49152e-6 s. On the wire
// 57344 bytes, in 1.08192e-5 s (the NIC still the slower).
// RUN: moe-opt %S/Inputs/moe-layer-groups.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 dispatcher=deepep" --moe-cost="machine-file=%S/Inputs/cluster.json" | FileCheck %s --check-prefix=CHECK-DEEPEP
// CHECK-DEEPEP: moe.plan = #moe.gpu_plan<ep = 8, gpus_per_node = 4, dispatcher = deepep, tokens = 64>
// CHECK-DEEPEP: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 57344, seconds = 1.08192e-05, bound = network>

// Inputs/moe-layer.mlir: 8 experts, top_k = 2 from any of them, B =
// [8, 2, 1024] bf16 = 32768 bytes. A token's 2 copies reach
// 2 * (1 - (1 - 1/2)^2) = 1.5 of the 2 nodes on average (each copy lands
// on either node): B / 2 * 1.5 * 1/2 = 12288 bytes over InfiniBand
// (1e-5 + 12288 / 1e10 = 1.12288e-5 s, against 16384 bytes and
// 1.16384e-5 s for alltoall), 12288 + 3/4 * 16384 = 24576 over NVLink.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4 dispatcher=deepep" --moe-cost="machine-file=%S/Inputs/cluster.json" | FileCheck %s --check-prefix=CHECK-ANY
// CHECK-ANY: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 36864, seconds = 1.12288e-05, bound = network>

// Inside one node the dispatcher changes nothing: ep = 4 on a node of 4.
// B = [8, 4, 1024] bf16 = 65536 bytes (16 tokens per GPU), B * 3/4 = 49152
// bytes over NVLink, 1e-6 + 49152 / 1e11 = 1.49152e-6 s.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=4 gpus-per-node=4 dispatcher=deepep" --moe-cost="machine-file=%S/Inputs/cluster.json" | FileCheck %s --check-prefix=CHECK-NODE
// CHECK-NODE: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 49152, seconds = 1.49152e-06, bound = network>

// An unknown dispatcher is an error naming the option and its values.
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="dispatcher=nccl" 2>&1 | FileCheck %s --check-prefix=CHECK-BAD
// CHECK-BAD: dispatcher
// CHECK-BAD-SAME: nccl
