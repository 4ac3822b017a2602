// 1F1B with expert-parallel all-to-all overlap (`ep-overlap`,
// docs/CostModel.md "Expert-parallel overlap"), priced by hand on
// Transforms/Inputs/cluster.json (NVLink 100 GB/s and 1 us per step, the
// h100-sxm preset's overlap_efficiency 0.298). The MoE layer of
// Transforms/Inputs/moe-layer.mlir on ep = 2 x dp = 2 GPUs of one node, 3
// micro-batches of 16 tokens per GPU.
//
// Each all-to-all moves a [8, 4, 1024] bf16 buffer (65536 B) to p = 2
// members: 32768 B, 1e-6 + 32768 / 1e11 = 1.32768e-6 s, forward and again
// backward. A micro-batch's forward has two (dispatch and return):
// a_F = a_B = 2.65536e-6 s. Its compute is far longer (tens of us), so in
// a merged pair the lesser is the pair's all-to-alls, 5.31072e-6 s, of
// which 0.298 hides: 1.58259e-6 s. The schedule runs F0, then F1 + B0 and
// F2 + B1 merged, then B2: two pairs, 3.16519e-6 s hidden.
//
// Plain 1F1B: 5.43214e-4 s.
// RUN: moe-opt %S/../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/../Transforms/Inputs/cluster.json phase=train micro-batches=3" | FileCheck %s --check-prefix=PLAIN
// PLAIN: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 0.00054321442
// PLAIN-NOT: ep_overlap
//
// Overlapped: 5.43214e-4 - 3.16519e-6 = 5.40049e-4 s; the summary records
// the efficiency the schedule ran with. The memory is the same: on one
// stage the merged pair frees the backward's activations as the forward
// makes its own.
// RUN: moe-opt %S/../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/../Transforms/Inputs/cluster.json phase=train micro-batches=3 ep-overlap" | FileCheck %s --check-prefix=OVERLAP
// OVERLAP: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 0.00054004923{{.*}}activations = 167488{{.*}}micro_batches = 3, ep_overlap = 0.298>
//
// The report's timeline draws the same schedule: its breakdown adds up to
// the step, with the hidden part of the all-to-alls beside compute.
// RUN: moe-opt %S/../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/../Transforms/Inputs/cluster.json phase=train micro-batches=3 ep-overlap" --moe-cost-report -o /dev/null | FileCheck %s --check-prefix=REPORT
// REPORT: step time          540.05 us
// A one-stage schedule has no pipeline bubble to report.
// REPORT-NOT: pipeline bubble
// REPORT: hidden             3.17 us of collectives run beside compute
//
// A machine that hides everything it can (overlap_efficiency 1): two
// pairs of 5.31072e-6 s: 1.062144e-5 s hidden, 5.32593e-4 s.
// RUN: moe-opt %S/../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4 phase=train" --moe-cost="machine-file=%S/Inputs/full-overlap.json phase=train micro-batches=3 ep-overlap" | FileCheck %s --check-prefix=FULL
// FULL: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 0.00053259
//
// A forward step has no backward to merge with: overlap changes nothing.
// RUN: moe-opt %S/../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2 gpus-per-node=4" --moe-cost="machine-file=%S/../Transforms/Inputs/cluster.json ep-overlap" | FileCheck %s --check-prefix=FORWARD
// FORWARD-NOT: ep_overlap
