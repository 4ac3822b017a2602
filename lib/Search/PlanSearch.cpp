//===- PlanSearch.cpp - Search GPU plans on a program summary ---*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Search/PlanSearch.h"
#include "moe/Support/Format.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::moe;

SearchResult mlir::moe::searchGPUPlans(const ProgramSummary &summary,
                                       const MachineModel &machine,
                                       const GPUSearchSpace &space) {
  SearchResult result;
  result.machine = machine.name;
  result.memoryCapacity = machine.memoryCapacity;
  int64_t devices = space.devices;
  int64_t sequences = space.globalSequences;
  if (devices <= 0 || sequences <= 0 || sequences % devices != 0)
    return result;
  int64_t perDevice = sequences / devices;

  for (int64_t ep = 1; ep <= devices; ++ep) {
    if (devices % ep != 0 || summary.expertGcd % ep != 0)
      continue;
    for (int64_t mb = 1; mb <= perDevice; ++mb) {
      if (perDevice % mb != 0)
        continue;
      for (double cf : space.capacityFactors)
        for (bool recompute : space.recompute) {
          if (recompute && !space.train)
            continue;
          PlanCandidate candidate;
          GPUPlan &plan = candidate.plan;
          plan.ep = ep;
          plan.dp = devices / ep;
          plan.tokensPerDevice = mb * summary.seqLen;
          plan.microBatches = perDevice / mb;
          plan.capacityFactor = cf;
          plan.recompute = recompute;
          plan.train = space.train;
          plan.overlap = space.overlap;
          candidate.estimate = estimateGPUPlan(summary, machine, plan);
          if (candidate.estimate.memoryBytes > machine.memoryCapacity) {
            candidate.feasible = false;
            candidate.reason =
                "needs " + formatBytes(candidate.estimate.memoryBytes) +
                " per device, more than " + formatBytes(machine.memoryCapacity);
          }
          result.plans.push_back(std::move(candidate));
        }
    }
  }

  std::stable_sort(result.plans.begin(), result.plans.end(),
                   [](const PlanCandidate &a, const PlanCandidate &b) {
                     if (a.feasible != b.feasible)
                       return a.feasible;
                     if (a.feasible)
                       return a.estimate.seconds < b.estimate.seconds;
                     return a.estimate.memoryBytes < b.estimate.memoryBytes;
                   });
  // Pareto front among feasible plans: walking by increasing time, a plan
  // is on the front when it needs less memory than every faster plan.
  double leastMemory = INFINITY;
  for (PlanCandidate &c : result.plans) {
    if (!c.feasible)
      break;
    if (c.estimate.memoryBytes < leastMemory) {
      c.pareto = true;
      leastMemory = c.estimate.memoryBytes;
    }
  }
  return result;
}

std::string mlir::moe::describePlan(const GPUPlan &plan, int64_t seqLen) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "ep=" << plan.ep << " dp=" << plan.dp
     << " mb=" << plan.tokensPerDevice / std::max<int64_t>(1, seqLen) << "x"
     << plan.microBatches << llvm::format(" cf=%.2f", plan.capacityFactor);
  if (plan.recompute)
    os << " recompute";
  return out;
}
