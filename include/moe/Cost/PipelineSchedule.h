//===- PipelineSchedule.h - Pipeline-parallel step time ---------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A GPU plan with `pp` pipeline stages keeps every layer in the one planned
// function; the step model assigns the layers to stages and prices the 1F1B
// schedule (docs/CostModel.md, "Pipeline parallelism").
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COST_PIPELINESCHEDULE_H
#define MOE_COST_PIPELINESCHEDULE_H

#include "moe/Cost/CostTypes.h"

namespace mlir::moe {

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

/// Splits the decoder layers (`layers.N`, in program order; a run of
/// identical layers counts each) into `stages` contiguous stages of equal
/// layer counts (layers before the first decoder layer go to the first
/// stage, after it to the last; a gradient synchronisation goes with the
/// layer that reads its weight) and prices a 1F1B schedule with
/// `virtualStages` model chunks per device (Narayanan et al., SC'21):
/// (m + (p - 1) / v) x the slowest stage's time per micro-batch. Fails with
/// an error at `loc` when there are fewer decoder layers than stages.
/// `shape` gives the stages, chunks and ZeRO stage.
FailureOr<PipelineResult>
schedulePipeline(ArrayRef<OpEntry> entries, ArrayRef<LayerRun> layers,
                 const MachineModel &machine, const CostOptions &options,
                 const StepShape &shape, Location loc);

} // namespace mlir::moe

#endif // MOE_COST_PIPELINESCHEDULE_H
