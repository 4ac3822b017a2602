//===- PipelineSchedule.h - Pipeline-parallel step time ---------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A GPU plan with `pp` pipeline stages keeps every layer in the one planned
// function; the cost analysis assigns the layers to stages and prices the
// 1F1B schedule (docs/CostModel.md, "Pipeline parallelism").
//
//===----------------------------------------------------------------------===//

#ifndef MOE_ANALYSIS_PIPELINESCHEDULE_H
#define MOE_ANALYSIS_PIPELINESCHEDULE_H

#include "moe/Cost/CostAnalysis.h"

#include "llvm/ADT/DenseMap.h"

namespace mlir::moe {

/// Parameters an op owns (it reads them first): bytes and elements.
struct OwnedParams {
  double bytes = 0, count = 0;
};

struct PipelineResult {
  /// Step time: the schedule, the slowest stage's gradient synchronisation
  /// and optimizer step, and the fill and drain transfers between stages.
  double seconds = 0;
  /// Fraction of the schedule the slowest stage waits: ((p - 1) / v) /
  /// (m + (p - 1) / v).
  double bubble = 0;
  /// Per micro-batch compute time of the slowest stage.
  double slowestStageSeconds = 0;
  /// Memory of the stage that needs the most.
  MemoryBreakdown memory;
};

/// Splits the layers (`layers.N`, in program order) of the costed ops into
/// `stages` contiguous stages of equal layer counts (ops before the first
/// layer go to the first stage, after the last to the last; a gradient sync
/// goes with the op that reads its weight) and prices a 1F1B schedule with
/// `virtualStages` model chunks per device (Narayanan et al., SC'21):
/// (m + (p - 1) / v) x the slowest stage's time per micro-batch. Fails
/// naming the problem when there are fewer layers than stages.
FailureOr<PipelineResult>
schedulePipeline(ModuleOp module,
                 const llvm::MapVector<Operation *, OpCost> &opCosts,
                 const llvm::DenseMap<Operation *, OwnedParams> &owned,
                 const MachineModel &machine, const CostOptions &options,
                 int64_t stages, int64_t virtualStages);

} // namespace mlir::moe

#endif // MOE_ANALYSIS_PIPELINESCHEDULE_H
