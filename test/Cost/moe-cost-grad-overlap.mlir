// Gradient synchronisation overlapped with the backward (`grad-overlap`,
// Megatron-Core's --overlap-grad-reduce and --overlap-param-gather;
// docs/CostModel.md "Pipeline parallelism"): each stage's syncs hide behind
// at most one micro-batch's compute on it. The MoE layer of
// Transforms/Inputs/moe-layer.mlir on ep = 2 x dp = 2 GPUs of one 4-GPU
// node, 3 micro-batches.
//
// On Transforms/Inputs/cluster.json (NVLink 100 GB/s, 1 us per step) the
// syncs take 16.1779 us: the router's all-reduce over 4 GPUs, 6.24576e-6 s,
// and the three [4, 1024, 16] expert weights' over the 2 dp replicas,
// 3.31072e-6 s each (Transforms/moe-gpu-plan-cost.mlir works both). One
// micro-batch's compute (the report's forward 210.28 us and backward
// 272.91 us over 3 micro-batches: 161.06 us) hides them all:
// 5.43214e-4 - 1.61779e-5 = 5.27036e-4 s.
// RUN: moe-opt %S/../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/../Transforms/Inputs/cluster.json phase=train micro-batches=3" | FileCheck %s --check-prefix=PLAIN
// PLAIN: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 0.00054321442
// RUN: moe-opt %S/../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/../Transforms/Inputs/cluster.json phase=train micro-batches=3 grad-overlap" | FileCheck %s --check-prefix=HIDDEN
// HIDDEN: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 0.00052703650
// The report adds up: no gradient sync left, 16.18 us beside compute.
// RUN: moe-opt %S/../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/../Transforms/Inputs/cluster.json phase=train micro-batches=3 grad-overlap" --moe-cost-report -o /dev/null | FileCheck %s --check-prefix=REPORT
// REPORT: step time          527.04 us
// REPORT-NOT: gradient sync
// REPORT: hidden             16.18 us of collectives run beside compute
//
// On Transforms/Inputs/slow-network.json (1 MB/s links) the syncs take
// 0.469465 s and one micro-batch's compute hides only 161.06 us of them:
// 0.911828 - 1.6106e-4 = 0.911667 s.
// RUN: moe-opt %S/../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/../Transforms/Inputs/slow-network.json phase=train micro-batches=3" | FileCheck %s --check-prefix=SLOW
// SLOW: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 0.911828
// RUN: moe-opt %S/../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/../Transforms/Inputs/slow-network.json phase=train micro-batches=3 grad-overlap" | FileCheck %s --check-prefix=SLOW-HIDDEN
// SLOW-HIDDEN: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 0.911666
