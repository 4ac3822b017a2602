// Collective costs of the GPU plan, computed by hand on Inputs/cluster.json:
// NVLink 100 GB/s and 1 us per step inside a node, InfiniBand 10 GB/s and
// 10 us across nodes, collective efficiency 1. The plan writes
// devices_per_node = gpus-per-node into the module's DLTI spec, which the
// cost pass applies on top of the machine.

// ep = 2 inside a node (4 GPUs per node). Each all-to-all moves a
// 8 x 4 x 1024 bf16 buffer, B = 65536 bytes; p = 2 members 1 apart, both on
// the node: B * (2-1)/2 = 32768 bytes over NVLink, nothing across nodes:
// t = 1e-6 + 32768 / 1e11 = 1.32768e-6 s.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4" --moe-cost="machine-file=%S/Inputs/cluster.json" | FileCheck %s --check-prefix=CHECK-INTRA
// CHECK-INTRA: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 32768, seconds = 1.32768e-06, bound = network>
// CHECK-INTRA: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 32768, seconds = 1.32768e-06, bound = network>

// ep = 8 over 2 nodes of 4. B = 8 x 2 x 1024 x 2 = 32768 bytes, p = 8, 4
// members per node: B*3/8 = 12288 bytes over NVLink (1e-6 + 12288/1e11 =
// 1.12288e-6 s) while B*4/8 = 16384 bytes leave through the NIC
// (1e-5 + 16384/1e10 = 1.16384e-5 s): the slower, 1.16384e-5 s, and
// 12288 + 16384 = 28672 bytes on the wire.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=8 nodes=2 gpus-per-node=4" --moe-cost="machine-file=%S/Inputs/cluster.json" | FileCheck %s --check-prefix=CHECK-INTER
// CHECK-INTER: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 28672, seconds = 1.16384e-05, bound = network>

// Training: each all-to-all runs forward and backward (2 x 1.32768e-6 =
// 2.65536e-6 s, 65536 bytes). Gradient all-reduce of the 1024 x 8 router
// weight (B = 16384 bytes) over all 4 GPUs of one node: ring reduce-scatter
// + all-gather, 2*B*3/4 = 24576 bytes in 2*3 = 6 steps:
// 6e-6 + 24576/1e11 = 6.24576e-6 s. The 4 x 1024 x 16 expert gate
// (B = 131072) syncs over the dp axis only: 2 members 2 apart, same node:
// 2*B*1/2 = 131072 bytes, 2 steps: 2e-6 + 131072/1e11 = 3.31072e-6 s.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" | FileCheck %s --check-prefix=CHECK-TRAIN
// CHECK-TRAIN: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 65536, seconds = 2.65536e-06, bound = network>
// CHECK-TRAIN: shard.all_reduce %arg1 {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 24576, seconds = 6.24576e-06, bound = network>
// CHECK-TRAIN: shard.all_reduce %arg2 {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 131072, seconds = 3.31072e-06, bound = network>

// The gradient syncs only exist in a training step: costed forward they are
// free.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=forward" | FileCheck %s --check-prefix=CHECK-FWD
// CHECK-FWD: shard.all_reduce %arg1 {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>

// The pipeline plans, costs and reports in one command; tokens per step are
// the 64 of the program (16 per GPU x 4 GPUs).
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-pipeline="machine-file=%S/Inputs/cluster.json ep=2 dp=2 gpus-per-node=4 phase=train format=json" -o /dev/null | FileCheck %s --check-prefix=CHECK-PIPE
// CHECK-PIPE: "machine": "unit-cluster",
// CHECK-PIPE-NEXT: "phase": "train",
// CHECK-PIPE-NEXT: "tokens": 64,
// CHECK-PIPE-NEXT: "devices": 4,
// CHECK-PIPE-NEXT: "plan": {
// CHECK-PIPE-NEXT:   "kind": "gpu-expert-parallel",
// CHECK-PIPE-NEXT:   "cp": 1,
// CHECK-PIPE-NEXT:   "deepep": 0,
// CHECK-PIPE-NEXT:   "devices": 4,
// CHECK-PIPE-NEXT:   "dp": 2,
// CHECK-PIPE-NEXT:   "ep": 2,
// CHECK-PIPE-NEXT:   "etp": 1,
// CHECK-PIPE-NEXT:   "fold": 0,
// CHECK-PIPE-NEXT:   "fold_cp": 0,
// CHECK-PIPE-NEXT:   "fp32_grads": 0,
// CHECK-PIPE-NEXT:   "fp8": 0,
// CHECK-PIPE-NEXT:   "gpus_per_node": 4,
// CHECK-PIPE-NEXT:   "pp": 1,
// CHECK-PIPE-NEXT:   "tokens": 64,
// CHECK-PIPE-NEXT:   "tp": 1,
// CHECK-PIPE-NEXT:   "vpp": 1,
// CHECK-PIPE-NEXT:   "zero": 0
// CHECK-PIPE-NEXT: },
// CHECK-PIPE: "op": "shard.all_to_all",
// CHECK-PIPE: "bound": "network"

// Overlap: with overlap=1 a layer's collectives hide behind its compute up
// to the compute time; this layer computes far longer than 2.66 us per
// all-to-all, so they cost nothing.
// RUN: moe-opt %S/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4" --moe-cost="machine-file=%S/Inputs/cluster.json overlap=1.0" | FileCheck %s --check-prefix=CHECK-OVERLAP
// CHECK-OVERLAP: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 32768, seconds = 0, bound = network>
// RUN: not moe-opt %S/Inputs/moe-layer.mlir --moe-cost="overlap=1.5" 2>&1 | FileCheck %s --check-prefix=CHECK-BADOVERLAP
// CHECK-BADOVERLAP: error: overlap (1.5) must be between 0 and 1

// Tensor parallelism: tp = 2, dp = 2 on Inputs/attention-layer.mlir, the
// tp group 1 apart inside a node. The all-gather's result is 32 x 64 bf16,
// B = 4096 bytes; a ring over p = 2 moves B * (2-1)/2 = 2048 bytes in one
// step: 1e-6 + 2048 / 1e11 = 1.02048e-6 s; the reduce-scatter of the same
// 32 x 64 input the same.
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="tp=2 dp=2 gpus-per-node=4" --moe-cost="machine-file=%S/Inputs/cluster.json" | FileCheck %s --check-prefix=CHECK-TP
// CHECK-TP: shard.all_gather {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 2048, seconds = 1.02048e-06, bound = network>
// CHECK-TP: shard.reduce_scatter {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 2048, seconds = 1.02048e-06, bound = network>

// Training, tp = 2, dp = 2: the tp collectives run forward and backward
// (4096 bytes, 2.04096e-6 s). The q projection's shard, 64 x 32 bf16 =
// 4096 bytes, syncs over dp only (2 members 2 apart, same node): 2*B*1/2 =
// 4096 bytes in 2 steps, 2e-6 + 4096/1e11 = 2.04096e-6 s. The router, 64 x
// 4 bf16 = 512 bytes, over all 4 GPUs: 2*512*3/4 = 768 bytes in 6 steps,
// 6e-6 + 768/1e11 = 6.00768e-6 s.
// RUN: moe-opt %S/Inputs/attention-layer.mlir --moe-gpu-plan="tp=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/Inputs/cluster.json phase=train" | FileCheck %s --check-prefix=CHECK-TPTRAIN
// CHECK-TPTRAIN: shard.all_gather {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 4096, seconds = 2.04096e-06, bound = network>
// CHECK-TPTRAIN: shard.all_reduce %arg1 {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 4096, seconds = 2.04096e-06, bound = network>
// CHECK-TPTRAIN: shard.all_reduce %arg5 {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 768, seconds = 6.00768e-06, bound = network>
