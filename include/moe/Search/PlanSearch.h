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
  std::vector<double> capacityFactors = {1.0, 1.25};
  std::vector<bool> recompute = {false, true};
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
  /// The feasible plan with the lowest step time, if any.
  const PlanCandidate *best() const {
    return !plans.empty() && plans.front().feasible ? &plans.front() : nullptr;
  }
};

/// Enumerates ep (dividing the devices and every layer's expert count),
/// micro-batch size (sequences per GPU per micro-batch dividing the step's
/// sequences per GPU), capacity factor and recomputation; prices each on the
/// summary; prunes plans that do not fit in memory; marks the Pareto front of
/// step time against memory per device.
SearchResult searchGPUPlans(const ProgramSummary &summary,
                            const MachineModel &machine,
                            const GPUSearchSpace &space);

/// "ep=8 dp=8 mb=2x4 cf=1.00 recompute" (mb: sequences x micro-batches).
std::string describePlan(const GPUPlan &plan, int64_t seqLen);

} // namespace mlir::moe

#endif // MOE_SEARCH_PLANSEARCH_H
