//===- ServingSearch.cpp - Serving plans for a model ------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// docs/Serving.md derives every formula used here.
//
//===----------------------------------------------------------------------===//

#include "moe/Search/ServingSearch.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <map>

using namespace mlir;
using namespace mlir::moe;

namespace {

/// Every plan an instance of a divisor of the cluster's GPUs can run:
/// tensor parallelism within a node, expert parallelism over a divisor of
/// every layer's experts, data parallelism over the rest. With tensor
/// parallelism the experts are whole on each tp rank or split over the tp
/// ranks (etp = tp: how vLLM and SGLang shard experts under TP alone).
std::vector<GPUPlan> getInstancePlans(const ProgramSummary &summary,
                                      const ServingSpace &space) {
  std::vector<GPUPlan> plans;
  for (int64_t gpus : getDivisors(space.devices))
    for (int64_t tp : getDivisors(gpus)) {
      if (tp > space.maxTp || tp > space.gpusPerNode)
        break;
      for (int64_t ep : getDivisors(gpus / tp)) {
        if (summary.expertGcd % ep != 0)
          continue;
        GPUPlan plan;
        plan.tp = tp;
        plan.ep = ep;
        plan.dp = gpus / (tp * ep);
        plan.train = false;
        plan.fp8 = space.fp8;
        plan.overlap = space.overlap;
        plans.push_back(plan);
        if (summary.canSplitExperts(tp)) {
          plan.etp = tp;
          plans.push_back(plan);
        }
      }
    }
  return plans;
}

/// The degrees of a plan, to pair a decode plan with the prefill of the
/// same instance.
std::tuple<int64_t, int64_t, int64_t, int64_t> degrees(const GPUPlan &plan) {
  return {plan.tp, plan.ep, plan.dp, plan.etp};
}

/// Marks the candidates no other dominates (at least as good on tokens/s
/// per GPU and per user, better on one); equal ones are all kept.
void markPareto(std::vector<ServingCandidate> &candidates) {
  std::vector<ServingCandidate *> order;
  for (ServingCandidate &c : candidates)
    order.push_back(&c);
  std::stable_sort(order.begin(), order.end(), [](auto *a, auto *b) {
    if (a->tokensPerSecondPerUser != b->tokensPerSecondPerUser)
      return a->tokensPerSecondPerUser > b->tokensPerSecondPerUser;
    return a->tokensPerSecond > b->tokensPerSecond;
  });
  // Best tokens/s per GPU among candidates serving users faster.
  double faster = -1;
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin;
    while (end < order.size() && order[end]->tokensPerSecondPerUser ==
                                     order[begin]->tokensPerSecondPerUser)
      ++end;
    // The group is sorted by tokens/s per GPU: its first is its best.
    double top = order[begin]->tokensPerSecond;
    for (size_t i = begin; i < end; ++i)
      order[i]->pareto = order[i]->tokensPerSecond == top && top > faster;
    faster = std::max(faster, top);
    begin = end;
  }
}

} // namespace

ColocatedStep mlir::moe::colocate(double decodeSeconds, int64_t batch,
                                  double prefillTokensPerSecond,
                                  const ServingWorkload &workload) {
  ColocatedStep step;
  double input = static_cast<double>(workload.inputTokens);
  double output = static_cast<double>(workload.outputTokens);
  step.chunkTokens = static_cast<double>(batch) * input / output;
  step.tpot = decodeSeconds + step.chunkTokens / prefillTokensPerSecond;
  step.ttft = std::max(1.0, input / step.chunkTokens) * step.tpot;
  step.tokensPerSecond = static_cast<double>(batch) / step.tpot;
  return step;
}

bool mlir::moe::meetsTargets(const ServingWorkload &workload, double ttft,
                             double tpot) {
  return (workload.ttftLimit <= 0 || ttft <= workload.ttftLimit) &&
         (workload.tpotLimit <= 0 || tpot <= workload.tpotLimit);
}

const ServingCandidate *ServingResult::best(ServingCandidate::Kind kind) const {
  for (const ServingCandidate &c : candidates)
    if (c.kind == kind && c.meetsTargets)
      return &c;
  return nullptr;
}

ServingResult mlir::moe::searchServing(
    const ProgramSummary &prefill, const ProgramSummary &decode,
    double kvBytesPerToken, int64_t meanContext, const MachineModel &machine,
    const ServingWorkload &workload, const ServingSpace &space) {
  ServingResult result;
  result.machine = machine.name;
  result.workload = workload;
  result.devices = space.devices;
  result.kvBytesPerToken = kvBytesPerToken;
  result.meanContext = meanContext;
  double input = static_cast<double>(workload.inputTokens);
  double output = static_cast<double>(workload.outputTokens);
  // The caches grow to the whole request by its last token: memory is
  // checked at that context, time priced at the mean one.
  double longest = input + output;
  double cacheGrowth =
      meanContext > 0 ? longest / static_cast<double>(meanContext) : 1;

  auto price = [&](PlanEstimator &estimator, GPUPlan plan, int64_t batch,
                   int64_t tokensPerSequence,
                   bool isDecode) -> std::optional<ServingPhase> {
    plan.tokensPerDevice = batch * tokensPerSequence;
    FailureOr<PlanEstimate> estimate = estimator.estimate(plan);
    if (failed(estimate) || !(estimate->seconds > 0)) {
      ++result.phasesRejected;
      return std::nullopt;
    }
    double seconds = estimate->seconds;
    // Two micro-batches where they help: memory is the whole batch's, the
    // step twice a half batch's with communication hidden (docs/Serving.md).
    // At small batches reading the weights twice costs more than the
    // hidden communication saves, and engines run one batch.
    if (space.twoBatchOverlap && batch % 2 == 0) {
      GPUPlan half = plan;
      half.tokensPerDevice = batch / 2 * tokensPerSequence;
      half.overlap = 1;
      FailureOr<PlanEstimate> halfEstimate = estimator.estimate(half);
      if (failed(halfEstimate) || !(halfEstimate->seconds > 0)) {
        ++result.phasesRejected;
        return std::nullopt;
      }
      seconds = std::min(seconds, 2 * halfEstimate->seconds);
    }
    ServingPhase phase;
    phase.plan = plan;
    phase.batch = batch;
    phase.seconds = seconds;
    phase.memoryBytes = estimate->memoryBytes;
    if (isDecode)
      phase.memoryBytes += estimate->kvCacheBytes * (cacheGrowth - 1);
    phase.tokensPerSecond =
        static_cast<double>(plan.tokensPerDevice) / phase.seconds;
    ++result.phasesPriced;
    if (phase.memoryBytes > machine.memoryCapacity) {
      ++result.phasesRejected;
      return std::nullopt;
    }
    return phase;
  };

  // Prefill: every plan and prompts per GPU; the best throughput of each
  // plan's degrees (for co-located chunks) and of each instance size
  // meeting the TTFT target (for disaggregated pools).
  PlanEstimator prefillEstimator(prefill, machine, space.routing);
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, ServingPhase>
      bestPrefill;
  // Per instance size: the fastest prefill meeting the TTFT target and the
  // fastest of all (used when none meets it), with their TTFT.
  using Timed = std::pair<ServingPhase, double>;
  struct Pool {
    std::optional<Timed> meeting, any;
  };
  std::map<int64_t, Pool> poolPrefill;
  auto transferSeconds = [&](const ServingPhase &phase) {
    // Each prefill GPU sends its prompts' caches over its own NIC.
    double bytes = static_cast<double>(phase.batch) * input * kvBytesPerToken;
    return machine.interNodeBandwidth > 0
               ? machine.interNodeLatency + bytes / machine.interNodeBandwidth
               : 0;
  };
  for (const GPUPlan &plan : getInstancePlans(prefill, space))
    for (int64_t batch : space.prefillBatches) {
      std::optional<ServingPhase> phase =
          price(prefillEstimator, plan, batch, workload.inputTokens, false);
      if (!phase)
        continue;
      auto key = degrees(plan);
      auto it = bestPrefill.find(key);
      if (it == bestPrefill.end() ||
          phase->tokensPerSecond > it->second.tokensPerSecond)
        bestPrefill[key] = *phase;
      double ttft = phase->seconds + transferSeconds(*phase);
      bool meets = workload.ttftLimit <= 0 || ttft <= workload.ttftLimit;
      Pool &pool = poolPrefill[plan.devices()];
      auto keep = [&](std::optional<Timed> &slot) {
        if (!slot || phase->tokensPerSecond > slot->first.tokensPerSecond)
          slot = Timed{*phase, ttft};
      };
      keep(pool.any);
      if (meets)
        keep(pool.meeting);
    }

  PlanEstimator decodeEstimator(decode, machine, space.routing);
  for (const GPUPlan &plan : getInstancePlans(decode, space))
    for (int64_t batch : space.decodeBatches) {
      std::optional<ServingPhase> step =
          price(decodeEstimator, plan, batch, 1, true);
      if (!step)
        continue;
      auto meets = [&](ServingCandidate &c) {
        c.tokensPerSecondPerUser = c.tpot > 0 ? 1 / c.tpot : 0;
        c.meetsTargets = meetsTargets(workload, c.ttft, c.tpot);
      };

      // Co-located: each step also prefills the chunk that keeps the
      // batch full: b sequences finish every `output` steps, so b * input
      // / output prompt tokens per step.
      if (auto it = bestPrefill.find(degrees(plan)); it != bestPrefill.end()) {
        ServingCandidate c;
        c.kind = ServingCandidate::Kind::Colocated;
        c.prefill = it->second;
        c.decode = *step;
        c.decodeInstances = space.devices / plan.devices();
        ColocatedStep colocated = colocate(c.decode.seconds, batch,
                                           c.prefill.tokensPerSecond, workload);
        c.chunkTokens = colocated.chunkTokens;
        c.tpot = colocated.tpot;
        c.ttft = colocated.ttft;
        c.tokensPerSecond = colocated.tokensPerSecond;
        meets(c);
        result.candidates.push_back(c);
      }

      // Disaggregated: the best prefill pool of each instance size, and the
      // split of the cluster between the pools that serves the most
      // requests.
      ServingCandidate best;
      bool found = false;
      for (const auto &[gpus, pool] : poolPrefill) {
        const auto &[phase, ttft] = pool.meeting ? *pool.meeting : *pool.any;
        int64_t decodeGpus = plan.devices();
        for (int64_t np = 1; np * gpus + decodeGpus <= space.devices; ++np) {
          int64_t nd = (space.devices - np * gpus) / decodeGpus;
          double prefillRate =
              static_cast<double>(np * gpus) * phase.tokensPerSecond / input;
          double decodeRate = static_cast<double>(nd * decodeGpus) *
                              step->tokensPerSecond / output;
          double requests = std::min(prefillRate, decodeRate);
          // Only the GPUs the slower pool keeps busy count: shrink the
          // faster pool to what it needs.
          int64_t usedP = np, usedD = nd;
          if (prefillRate > decodeRate)
            usedP = std::max<int64_t>(
                1,
                static_cast<int64_t>(std::ceil(
                    requests * input / (gpus * phase.tokensPerSecond) - 1e-9)));
          else
            usedD = std::max<int64_t>(
                1,
                static_cast<int64_t>(std::ceil(
                    requests * output / (decodeGpus * step->tokensPerSecond) -
                    1e-9)));
          double used = static_cast<double>(usedP * gpus + usedD * decodeGpus);
          double perGpu = requests * output / used;
          if (found && perGpu <= best.tokensPerSecond)
            continue;
          ServingCandidate c;
          c.kind = ServingCandidate::Kind::Disaggregated;
          c.prefill = phase;
          c.decode = *step;
          c.prefillInstances = usedP;
          c.decodeInstances = usedD;
          c.kvTransferSeconds = transferSeconds(phase);
          c.ttft = ttft;
          c.tpot = step->seconds;
          c.tokensPerSecond = perGpu;
          best = c;
          found = true;
        }
      }
      if (found) {
        meets(best);
        result.candidates.push_back(best);
      }
    }

  std::stable_sort(result.candidates.begin(), result.candidates.end(),
                   [](const ServingCandidate &a, const ServingCandidate &b) {
                     if (a.meetsTargets != b.meetsTargets)
                       return a.meetsTargets;
                     return a.tokensPerSecond > b.tokensPerSecond;
                   });
  markPareto(result.candidates);
  return result;
}

std::string mlir::moe::describeServingPlan(const GPUPlan &plan) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << plan.devices() << " GPU" << (plan.devices() == 1 ? "" : "s")
     << " (ep=" << plan.ep << " dp=" << plan.dp;
  if (plan.tp > 1)
    os << " tp=" << plan.tp;
  if (plan.etp > 1)
    os << " etp=" << plan.etp;
  if (plan.fp8)
    os << " fp8";
  os << ")";
  return out;
}
