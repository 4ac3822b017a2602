//===- SearchReport.cpp - Ranked tables of searched plans ----- -*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Report/SearchReport.h"
#include "moe/Support/Options.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::moe;

void mlir::moe::writeSearchText(const SearchResult &result, int64_t seqLen,
                                size_t top, llvm::raw_ostream &os) {
  size_t feasible = llvm::count_if(
      result.plans, [](const PlanCandidate &c) { return c.feasible; });
  os << "moe-mlir plan search: " << result.plans.size() << " plans on "
     << result.machine << ", " << feasible << " fit in "
     << formatBytes(result.memoryCapacity) << " per device\n";
  if (result.unpricedOverMemory > 0)
    os << "(" << result.unpricedOverMemory
       << " larger micro-batch sizes not priced: a smaller one of the same "
          "degrees already does not fit)\n";
  os << "\n";
  os << llvm::format("  %4s  %-36s %12s %14s %6s %10s  %-8s %s\n", "rank",
                     "plan (mb = sequences x micro-batches)", "step",
                     "throughput", "MFU", "memory", "bound", "");
  size_t rank = 0;
  for (const PlanCandidate &c : result.plans) {
    if (rank == top)
      break;
    ++rank;
    const PlanEstimate &e = c.estimate;
    os << llvm::format("  %4zu  %-36s %12s %14s %5.1f%% %10s  %-8s %s\n", rank,
                       describePlan(c.plan, seqLen).c_str(),
                       formatSeconds(e.seconds).c_str(),
                       formatScaled(e.tokensPerSecond, "tok/s").c_str(),
                       100 * e.mfu, formatBytes(e.memoryBytes).c_str(),
                       stringifyBound(e.bound).str().c_str(),
                       c.feasible ? (c.pareto ? "pareto" : "")
                                  : ("pruned: " + c.reason).c_str());
  }
  if (rank < result.plans.size())
    os << "  ... " << result.plans.size() - rank << " more\n";
}

void mlir::moe::writeSearchJSON(const SearchResult &result, int64_t seqLen,
                                llvm::raw_ostream &os) {
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("machine", result.machine);
    j.attribute("memory_capacity", result.memoryCapacity);
    j.attribute("unpriced_over_memory", result.unpricedOverMemory);
    j.attributeArray("plans", [&] {
      for (const PlanCandidate &c : result.plans)
        j.object([&] {
          j.attribute("plan", describePlan(c.plan, seqLen));
          j.attribute("ep", c.plan.ep);
          j.attribute("dp", c.plan.dp);
          j.attribute("tp", c.plan.tp);
          j.attribute("cp", c.plan.cp);
          j.attribute("pp", c.plan.pp);
          j.attribute("fold", c.plan.fold);
          j.attribute("fold_cp", c.plan.foldCp);
          j.attribute("etp", c.plan.etp);
          j.attribute("dispatcher", stringifyDispatcher(c.plan.dispatcher));
          j.attribute("sequences_per_micro_batch",
                      getSequencesPerMicroBatch(c.plan, seqLen));
          j.attribute("micro_batches", c.plan.microBatches);
          j.attribute("capacity_factor", c.plan.capacityFactor);
          j.attribute("recompute", c.plan.recompute);
          j.attribute("recompute_modules",
                      describeRecomputeModules(c.plan.recomputeModules));
          j.attribute("zero", c.plan.zero);
          j.attribute("seconds", c.estimate.seconds);
          j.attribute("tokens_per_second", c.estimate.tokensPerSecond);
          j.attribute("mfu", c.estimate.mfu);
          j.attribute("memory_bytes_per_device", c.estimate.memoryBytes);
          j.attribute("bound", stringifyBound(c.estimate.bound));
          j.attribute("feasible", c.feasible);
          j.attribute("pareto", c.pareto);
          if (!c.feasible)
            j.attribute("reason", c.reason);
        });
    });
  });
  os << "\n";
}

void mlir::moe::writeSearchCSV(const SearchResult &result, int64_t seqLen,
                               llvm::raw_ostream &os) {
  os << "rank,ep,dp,sequences_per_micro_batch,micro_batches,capacity_factor,"
        "recompute,seconds,tokens_per_second,mfu,memory_bytes_per_device,"
        "bound,feasible,pareto,tp,pp,zero,recompute_modules,fold,cp,fold_cp,"
        "etp\n";
  size_t rank = 0;
  for (const PlanCandidate &c : result.plans)
    os << ++rank << "," << c.plan.ep << "," << c.plan.dp << ","
       << getSequencesPerMicroBatch(c.plan, seqLen) << ","
       << c.plan.microBatches << llvm::format(",%.2f,", c.plan.capacityFactor)
       << (c.plan.recompute ? 1 : 0) << ","
       << llvm::format("%.9g,%.9g,%.6f,%.9g,", c.estimate.seconds,
                       c.estimate.tokensPerSecond, c.estimate.mfu,
                       c.estimate.memoryBytes)
       << stringifyBound(c.estimate.bound) << "," << (c.feasible ? 1 : 0) << ","
       << (c.pareto ? 1 : 0) << "," << c.plan.tp << "," << c.plan.pp << ","
       << c.plan.zero << ",\""
       << describeRecomputeModules(c.plan.recomputeModules) << "\","
       << (c.plan.fold ? 1 : 0) << "," << c.plan.cp << "," << c.plan.foldCp
       << "," << c.plan.etp << "\n";
}
