//===- PlanSearch.cpp - Search GPU plans on a program summary ---*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Search/PlanSearch.h"
#include "moe/Support/Format.h"
#include "moe/Support/Options.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::moe;

/// O(sqrt(n)) trial division, so the search's loops run over divisors,
/// never over every number up to a user's global batch.
SmallVector<int64_t> mlir::moe::getDivisors(int64_t n) {
  SmallVector<int64_t> low, high;
  for (int64_t d = 1; d <= n / d; ++d) {
    if (n % d != 0)
      continue;
    low.push_back(d);
    if (d != n / d)
      high.push_back(n / d);
  }
  low.append(high.rbegin(), high.rend());
  return low;
}

SearchResult mlir::moe::searchGPUPlans(const ProgramSummary &summary,
                                       const MachineModel &machine,
                                       const GPUSearchSpace &space) {
  SearchResult result;
  result.machine = machine.name;
  result.memoryCapacity = machine.memoryCapacity;
  int64_t devices = space.devices;
  int64_t sequences = space.globalSequences;
  if (devices <= 0 || sequences <= 0)
    return result;
  PlanEstimator estimator(summary, machine, space.routing,
                          space.recomputeModules);
  // Recomputation choices: none, full, and selective when asked for.
  SmallVector<std::pair<bool, unsigned>, 3> recomputations;
  for (bool full : space.recompute)
    recomputations.push_back({full, 0});
  if (space.recomputeModules)
    recomputations.push_back({false, space.recomputeModules});
  /// Prices `plan`; true when it was estimated but needs more memory than
  /// the device has.
  auto price = [&](const GPUPlan &plan) {
    PlanCandidate candidate;
    candidate.plan = plan;
    bool overMemory = false;
    FailureOr<PlanEstimate> estimate =
        estimator.estimate(plan, &candidate.reason);
    if (failed(estimate)) {
      candidate.feasible = false;
    } else {
      candidate.estimate = *estimate;
      if (candidate.estimate.memoryBytes > machine.memoryCapacity) {
        candidate.feasible = false;
        overMemory = true;
        candidate.reason =
            "needs " + formatBytes(candidate.estimate.memoryBytes) +
            " per device, more than " + formatBytes(machine.memoryCapacity);
      }
    }
    result.plans.push_back(std::move(candidate));
    return overMemory;
  };

  // What every plan of the space shares.
  GPUPlan common;
  common.fp8 = space.fp8;
  common.fp32Grads = space.fp32Grads;
  common.train = space.train;
  common.overlap = space.overlap;
  common.epOverlap = space.epOverlap;
  common.gradOverlap = space.gradOverlap;
  common.dispatcher = space.dispatcher;

  SmallVector<int64_t> deviceDivisors = getDivisors(devices);
  // Divisors of the step's sequences: every replica's share is one, and the
  // micro-batch sizes of a share are its divisors among them.
  SmallVector<int64_t> sequenceDivisors = getDivisors(sequences);
  for (int64_t tp : deviceDivisors) {
    if (tp > space.maxTp)
      break;
    // Whole experts per tp rank, and (expert tensor parallelism) each
    // expert's columns over the tp ranks where they split evenly.
    SmallVector<int64_t, 2> etps = {1};
    if (tp <= space.maxEtp && summary.canSplitExperts(tp))
      etps.push_back(tp);
    for (int64_t cp : deviceDivisors) {
      // Each device holds two equal chunks of every sequence.
      if (cp > space.maxCp)
        break;
      if ((devices / tp) % cp != 0 ||
          (cp > 1 && summary.seqLen % (2 * cp) != 0))
        continue;
      // Unfolded, folded over every axis but dp, and folded over tp and
      // part of the cp ranks (MoE parallel folding with EP < TP x CP).
      SmallVector<std::pair<bool, int64_t>> foldings = {{false, 0}, {true, 0}};
      for (int64_t d : getDivisors(cp))
        if (d < cp)
          foldings.push_back({true, d});
      for (int64_t pp : deviceDivisors) {
        if (pp > space.maxPp || (devices / (tp * cp)) % pp != 0)
          continue;
        for (int64_t ep : deviceDivisors) {
          if ((devices / (tp * cp * pp)) % ep != 0 ||
              summary.expertGcd % ep != 0)
            continue;
          int64_t dp = devices / (tp * cp * pp * ep);
          // Each data- and expert-parallel replica (a tensor- and
          // context-parallel group) holds whole sequences; every pipeline
          // stage sees them all.
          int64_t groups = dp * ep, split = tp * cp;
          if (sequences % groups != 0)
            continue;
          int64_t perGroup = sequences / groups;
          for (int64_t mb : sequenceDivisors) {
            if (mb > perGroup)
              break;
            if (perGroup % mb != 0 || (mb * summary.seqLen) % split != 0)
              continue;
            // Memory per device does not fall as micro-batches grow (more
            // activations per micro-batch, never fewer in flight per
            // token), so once every variant of a size is over memory,
            // larger sizes are too: they are counted, not priced.
            bool allOverMemory = true;
            for (double cf : space.capacityFactors)
              for (auto [recompute, modules] : recomputations)
                for (int64_t zero : space.zeroStages)
                  for (auto [fold, foldCp] : foldings)
                    for (int64_t etp : etps) {
                      if ((recompute || modules || zero > 0) && !space.train)
                        continue;
                      // Part of the cp ranks folds only into a group of its
                      // own (ep = 1) of more than one device.
                      if (foldCp > 0 &&
                          (ep > 1 || foldCp * (etp > 1 ? 1 : tp) == 1))
                        continue;
                      GPUPlan plan = common;
                      plan.etp = etp;
                      plan.ep = ep;
                      plan.dp = dp;
                      plan.tp = tp;
                      plan.cp = cp;
                      plan.foldCp = foldCp;
                      plan.pp = pp;
                      plan.fold = fold;
                      // Folding needs an axis to fold in, and the folded
                      // group dividing every layer's experts.
                      if (fold &&
                          (!plan.degrees().canFold() ||
                           summary.expertGcd % plan.expertDegree() != 0))
                        continue;
                      plan.tokensPerDevice = mb * summary.seqLen / split;
                      plan.microBatches = perGroup / mb;
                      plan.capacityFactor = cf;
                      plan.recompute = recompute;
                      plan.recomputeModules = modules;
                      plan.zero = zero;
                      allOverMemory &= price(plan);
                    }
            if (allOverMemory && space.pruneOverMemory) {
              result.unpricedOverMemory +=
                  llvm::count_if(sequenceDivisors, [&](int64_t larger) {
                    return larger > mb && larger <= perGroup &&
                           perGroup % larger == 0 &&
                           (larger * summary.seqLen) % split == 0;
                  });
              break;
            }
          }
        }
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

int64_t mlir::moe::getSequencesPerMicroBatch(const GPUPlan &plan,
                                             int64_t seqLen) {
  return plan.tokensPerDevice * plan.tp * plan.cp /
         std::max<int64_t>(1, seqLen);
}

std::string mlir::moe::describePlan(const GPUPlan &plan, int64_t seqLen) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "ep=" << plan.ep << " dp=" << plan.dp;
  if (plan.cp > 1)
    os << " cp=" << plan.cp;
  if (plan.tp > 1)
    os << " tp=" << plan.tp;
  if (plan.etp > 1)
    os << " etp=" << plan.etp;
  if (plan.fold)
    os << " fold";
  if (plan.foldCp)
    os << " fold-cp=" << plan.foldCp;
  if (plan.pp > 1)
    os << " pp=" << plan.pp;
  os << " mb=" << getSequencesPerMicroBatch(plan, seqLen) << "x"
     << plan.microBatches << llvm::format(" cf=%.2f", plan.capacityFactor);
  if (plan.recompute)
    os << " recompute";
  if (plan.recomputeModules)
    os << " recompute=" << describeRecomputeModules(plan.recomputeModules);
  if (plan.zero > 0)
    os << " zero=" << plan.zero;
  if (plan.fp8)
    os << " fp8";
  if (plan.fp32Grads)
    os << " fp32-grads";
  if (plan.dispatcher == Dispatcher::DeepEP)
    os << " deepep";
  return out;
}
