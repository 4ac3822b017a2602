//===- PipelineSchedule.h - Pipeline-parallel step time ---------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A GPU plan with `pp` pipeline stages keeps every layer in the one planned
// function; the step model assigns the layers to stages and runs the 1F1B
// schedule, op by op in time (docs/CostModel.md, "Pipeline parallelism").
// The step's timeline (moe/Report/Timeline.h) draws the same schedule.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COST_PIPELINESCHEDULE_H
#define MOE_COST_PIPELINESCHEDULE_H

#include "moe/Cost/CostTypes.h"

#include <unordered_map>
#include <vector>

namespace mlir::moe {

/// What a pipeline schedule runs: per stage and model chunk (index
/// `stage * chunks + chunk`) the seconds of one micro-batch's forward and
/// backward, and per stage the seconds the first micro-batch's activation
/// takes to arrive from the previous stage (its gradient takes as long to
/// return in the drain).
struct PipelineWork {
  int64_t stages = 1, chunks = 1, microBatches = 1;
  bool train = true;
  std::vector<double> forward, backward;
  std::vector<double> fill;
  /// Expert-parallel overlap (CostOptions::epOverlap): the seconds of
  /// `forward` and `backward` that are expert all-to-alls, which a merged
  /// forward/backward pair hides behind each other's compute.
  bool overlapExchanges = false;
  std::vector<double> forwardExchange, backwardExchange;
  /// Fraction of a pair's overlappable time that hides
  /// (MachineModel::overlapEfficiency).
  double overlapEfficiency = 1;
};

/// One forward or backward of one micro-batch on one model chunk.
struct PipelineSlot {
  int64_t stage = 0, chunk = 0, microBatch = 0;
  bool backward = false;
  double start = 0, end = 0;
  /// Fraction of the slot's expert all-to-all time on the critical path
  /// (below 1 in a merged pair of an overlap schedule).
  double exchangeExposed = 1;
};

/// Runs the schedule in time: each stage runs its slots in 1F1B order
/// (interleaved over model chunks as Megatron-Core does when `chunks` > 1:
/// micro-batches in groups of `stages`, each group through every chunk),
/// each slot starting when the stage is free and its input has arrived. A
/// forward-only step runs every forward in order. With `overlapExchanges`
/// the warm-up runs one more forward and each steady-state forward and the
/// backward after it form a merged pair (Megatron-Core's 1F1B with
/// expert-parallel all-to-all overlap): of the lesser of the pair's
/// all-to-alls and its compute, `overlapEfficiency` hides. Returns the slots in
/// the order they ran. With equal stages the span is (m + (p - 1) / v) slots of
/// one micro-batch's work (Narayanan et al., SC'21) plus the fill and drain
/// transfers.
std::vector<PipelineSlot> runPipelineSchedule(const PipelineWork &work);

/// When each stage of a schedule finishes its slots, and how long it is busy
/// with them.
struct PipelineSpan {
  std::vector<double> end, busy;
};

/// The spans of schedules already run, by their work (every figure of a
/// PipelineWork, bit for bit): plans that differ only in what the schedule
/// does not see (their ZeRO stage, their memory) run it once. Not
/// thread-safe.
class PipelineScheduleCache {
public:
  /// The span of `work`'s schedule, run on the first request.
  const PipelineSpan &getSpan(const PipelineWork &work);

private:
  std::unordered_map<std::vector<int64_t>, PipelineSpan, IntegerKeyHash> spans;
};

/// The span of `work`'s schedule (runPipelineSchedule).
PipelineSpan getPipelineSpan(const PipelineWork &work);

/// The model chunk and stage of virtual stage `index` of `stages * chunks`:
/// chunk-major, as interleaving assigns them.
inline std::pair<int64_t, int64_t> getStageAndChunk(int64_t index,
                                                    int64_t stages) {
  return {index % stages, index / stages};
}

struct PipelineResult {
  /// Step time: when the last stage finishes its share of the schedule and
  /// then its gradient synchronisation and optimizer step.
  double seconds = 0;
  /// Fraction of the step the stage that ends it waits (fill, drain,
  /// transfers, slower stages): ((p - 1) / v) / (m + (p - 1) / v) of the
  /// schedule for equal stages.
  double bubble = 0;
  /// Per micro-batch compute time of the slowest stage.
  double slowestStageSeconds = 0;
  /// Memory of the stage that needs the most.
  MemoryBreakdown memory;
};

/// Splits the decoder layers (`layers.N`, in program order; a run of
/// identical layers counts each) into `stages * virtualStages` contiguous
/// virtual stages of equal layer counts (layers before the first decoder
/// layer go to the first, after it to the last; a gradient synchronisation
/// goes with the layer that reads its weight), virtual stage i to stage
/// i mod p as chunk i / p, and runs the schedule (runPipelineSchedule).
/// Records each entry's stage, chunk and incoming transfer in its cost.
/// Fails with an error at `loc` when there are fewer decoder layers than
/// stages. `shape` gives the stages, chunks and ZeRO stage.
FailureOr<PipelineResult>
schedulePipeline(MutableArrayRef<OpEntry> entries, ArrayRef<LayerRun> layers,
                 const MachineModel &machine, const CostOptions &options,
                 const StepShape &shape, Location loc);

} // namespace mlir::moe

#endif // MOE_COST_PIPELINESCHEDULE_H
