//===- PlanSearch.h - Search GPU plans on a program summary -----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SEARCH_PLANSEARCH_H
#define MOE_SEARCH_PLANSEARCH_H

#include "moe/Search/PlanSummary.h"

#include <string>
#include <vector>

namespace mlir::moe {

struct GPUSearchSpace {
  int64_t devices = 8;
  /// Sequences per optimizer step over all devices.
  int64_t globalSequences = 0;
  bool train = true;
  double overlap = 0;
  /// Every plan trains with expert-parallel all-to-all overlap.
  bool epOverlap = false;
  /// Every plan overlaps its gradient synchronisation with the backward.
  bool gradOverlap = false;
  /// Every plan's token dispatcher.
  Dispatcher dispatcher = Dispatcher::AllToAll;
  std::vector<double> capacityFactors = {1.0, 1.25};
  std::vector<bool> recompute = {false, true};
  /// Selective recomputation of these modules (bits 1 << RecomputeModule)
  /// as a third choice; 0 tries none.
  unsigned recomputeModules = 0;
  /// Largest tensor-parallel degree, pipeline depth and context-parallel
  /// degree to try.
  int64_t maxTp = 1, maxPp = 1, maxCp = 1;
  /// Largest tp whose plans also try expert tensor parallelism (etp = tp).
  int64_t maxEtp = 1;
  /// ZeRO stages to try in training (kMaxZeroStage).
  std::vector<int64_t> zeroStages = {0, 1, 2, 3};
  /// Run the 16-bit GEMMs of every plan in FP8.
  bool fp8 = false;
  /// Accumulate and reduce every plan's weight gradients in FP32.
  bool fp32Grads = false;
  /// How routed tokens spread over the experts (a hot expert or Zipf; the
  /// busiest expert-parallel rank of each plan sets its pace).
  RoutingModel routing;
  /// Skip the micro-batch sizes past one whose every variant is over memory
  /// (memory does not fall as micro-batches grow); off prices them all.
  bool pruneOverMemory = true;
};

struct PlanCandidate {
  GPUPlan plan;
  PlanEstimate estimate;
  bool feasible = true;
  /// Why an infeasible plan was pruned.
  std::string reason;
  bool pareto = false;
};

struct SearchResult {
  std::string machine;
  double memoryCapacity = 0;
  /// Every plan, best first: feasible ones by step time, then the pruned
  /// ones by memory.
  std::vector<PlanCandidate> plans;
  /// Micro-batch sizes not priced because a smaller size of the same
  /// degrees already needs more memory than a device has.
  int64_t unpricedOverMemory = 0;
  /// The feasible plan with the lowest step time, if any.
  const PlanCandidate *best() const {
    return !plans.empty() && plans.front().feasible ? &plans.front() : nullptr;
  }
};

/// Enumerates tp and pp (up to the space's bounds), ep (dividing the devices
/// and every layer's expert count), micro-batch size (sequences per GPU per
/// micro-batch dividing the step's sequences per data-parallel replica,
/// smallest first, stopping at the first size that no variant fits in
/// memory), capacity factor and recomputation; prices each with a
/// PlanEstimator; the work is bounded by the divisors of the devices and of
/// the step's sequences, never by their values;
/// prunes plans the plan rules reject or that do not fit in memory, with
/// the reason; marks the Pareto front of step time against memory per
/// device.
SearchResult searchGPUPlans(const ProgramSummary &summary,
                            const MachineModel &machine,
                            const GPUSearchSpace &space);

/// Sequences a tensor-parallel group (one GPU without tp) holds per
/// micro-batch.
/// The divisors of `n` (positive), ascending.
SmallVector<int64_t> getDivisors(int64_t n);

int64_t getSequencesPerMicroBatch(const GPUPlan &plan, int64_t seqLen);

/// "ep=8 dp=8 mb=2x4 cf=1.00 recompute" (mb: sequences x micro-batches;
/// tp= and pp= when above 1).
std::string describePlan(const GPUPlan &plan, int64_t seqLen);

} // namespace mlir::moe

#endif // MOE_SEARCH_PLANSEARCH_H
