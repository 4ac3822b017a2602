//===- ParetoSVG.cpp - The Pareto fronts of searches as SVG ---*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Report/ScatterSVG.h"
#include "moe/Report/SearchReport.h"
#include "moe/Report/ServingReport.h"

#include "llvm/Support/Format.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

std::string plain(double value) {
  std::string out;
  llvm::raw_string_ostream(out) << llvm::format("%g", value);
  return out;
}

} // namespace

void mlir::moe::writeParetoSVG(const SearchResult &result, int64_t seqLen,
                               StringRef title, llvm::raw_ostream &os) {
  using Style = ScatterChart::Point::Style;
  ScatterChart chart;
  chart.title = title.str();
  chart.xLabel = "memory per device (GB)";
  chart.yLabel = "step time";
  chart.xTick = plain;
  chart.yTick = formatSeconds;
  for (const PlanCandidate &c : result.plans) {
    ScatterChart::Point p;
    p.x = c.estimate.memoryBytes / 1e9;
    p.y = c.estimate.seconds;
    p.style = !c.feasible ? Style::Excluded
              : c.pareto  ? Style::Front
                          : Style::Other;
    if (c.pareto)
      p.legend = describePlan(c.plan, seqLen) + ": " +
                 formatSeconds(c.estimate.seconds) + ", " +
                 formatBytes(c.estimate.memoryBytes);
    chart.points.push_back(std::move(p));
  }
  chart.xLimit = result.memoryCapacity / 1e9;
  chart.xLimitLabel = "capacity " + formatBytes(result.memoryCapacity);
  if (const PlanCandidate *best = result.best()) {
    chart.best = ScatterChart::Point{best->estimate.memoryBytes / 1e9,
                                     best->estimate.seconds};
    chart.bestLabel = "best: " + describePlan(best->plan, seqLen);
  }
  chart.footnote = "grey: other plans that fit; light: pruned (too much "
                   "memory); blue: Pareto front";
  writeScatterSVG(chart, os);
}

void mlir::moe::writeServingSVG(const ServingResult &result, StringRef title,
                                llvm::raw_ostream &os) {
  using Style = ScatterChart::Point::Style;
  ScatterChart chart;
  chart.title = title.str();
  chart.xLabel = "output tokens/s per user";
  chart.yLabel = "output tokens/s per GPU";
  chart.xTick = plain;
  chart.yTick = plain;
  for (const ServingCandidate &c : result.candidates) {
    ScatterChart::Point p;
    p.x = c.tokensPerSecondPerUser;
    p.y = c.tokensPerSecond;
    p.style = c.pareto          ? Style::Front
              : !c.meetsTargets ? Style::Excluded
                                : Style::Other;
    if (c.pareto)
      p.legend = stringifyServingKind(c.kind).str() + ": " +
                 formatScaled(c.tokensPerSecond, "tok/s") + "/GPU";
    chart.points.push_back(std::move(p));
  }
  if (result.workload.tpotLimit > 0) {
    chart.xLimit = 1 / result.workload.tpotLimit;
    chart.xLimitLabel =
        "TPOT target " + formatSeconds(result.workload.tpotLimit);
  }
  const ServingCandidate *best = nullptr;
  for (auto kind : {ServingCandidate::Kind::Colocated,
                    ServingCandidate::Kind::Disaggregated})
    if (const ServingCandidate *c = result.best(kind);
        c && (!best || c->tokensPerSecond > best->tokensPerSecond))
      best = c;
  if (best) {
    chart.best = ScatterChart::Point{best->tokensPerSecondPerUser,
                                     best->tokensPerSecond};
    chart.bestLabel = "best: " + stringifyServingKind(best->kind).str();
  }
  chart.footnote = "blue: Pareto front; grey: other plans meeting the "
                   "targets; light: plans missing them";
  writeScatterSVG(chart, os);
}
