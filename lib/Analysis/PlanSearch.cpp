//===- PlanSearch.cpp - Search GPU plans on a program summary ---*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Analysis/PlanSearch.h"
#include "moe/Analysis/Report.h"

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

void mlir::moe::writeSearchText(const SearchResult &result, int64_t seqLen,
                                size_t top, llvm::raw_ostream &os) {
  size_t feasible = llvm::count_if(
      result.plans, [](const PlanCandidate &c) { return c.feasible; });
  os << "moe-mlir plan search: " << result.plans.size() << " plans on "
     << result.machine << ", " << feasible << " fit in "
     << formatBytes(result.memoryCapacity) << " per device\n\n";
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
    j.attributeArray("plans", [&] {
      for (const PlanCandidate &c : result.plans)
        j.object([&] {
          j.attribute("plan", describePlan(c.plan, seqLen));
          j.attribute("ep", c.plan.ep);
          j.attribute("dp", c.plan.dp);
          j.attribute("sequences_per_micro_batch",
                      c.plan.tokensPerDevice / std::max<int64_t>(1, seqLen));
          j.attribute("micro_batches", c.plan.microBatches);
          j.attribute("capacity_factor", c.plan.capacityFactor);
          j.attribute("recompute", c.plan.recompute);
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
        "bound,feasible,pareto\n";
  size_t rank = 0;
  for (const PlanCandidate &c : result.plans)
    os << ++rank << "," << c.plan.ep << "," << c.plan.dp << ","
       << c.plan.tokensPerDevice / std::max<int64_t>(1, seqLen) << ","
       << c.plan.microBatches << llvm::format(",%.2f,", c.plan.capacityFactor)
       << (c.plan.recompute ? 1 : 0) << ","
       << llvm::format("%.9g,%.9g,%.6f,%.9g,", c.estimate.seconds,
                       c.estimate.tokensPerSecond, c.estimate.mfu,
                       c.estimate.memoryBytes)
       << stringifyBound(c.estimate.bound) << "," << (c.feasible ? 1 : 0) << ","
       << (c.pareto ? 1 : 0) << "\n";
}

namespace {

/// Round numbers for axis ticks: 1, 2 or 5 times a power of ten.
double niceStep(double span, int ticks) {
  double raw = span / ticks;
  double power = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= raw)
      return m * power;
  return 10 * power;
}

std::string escapeXML(StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

} // namespace

void mlir::moe::writeParetoSVG(const SearchResult &result, int64_t seqLen,
                               StringRef title, llvm::raw_ostream &os) {
  const double width = 820, height = 520, left = 80, right = 200, topPad = 50,
               bottom = 60;
  double plotW = width - left - right, plotH = height - topPad - bottom;
  double maxMem = result.memoryCapacity, maxTime = 0;
  for (const PlanCandidate &c : result.plans) {
    maxMem = std::max(maxMem, c.estimate.memoryBytes);
    maxTime = std::max(maxTime, c.estimate.seconds);
  }
  double memStep = niceStep(maxMem / 1e9, 5);
  double timeStep = niceStep(maxTime, 5);
  double memMax = std::ceil(maxMem / 1e9 / memStep) * memStep;
  double timeMax = std::max(timeStep, std::ceil(maxTime / timeStep) * timeStep);
  auto x = [&](double bytes) { return left + plotW * (bytes / 1e9) / memMax; };
  auto y = [&](double s) { return topPad + plotH * (1 - s / timeMax); };

  os << llvm::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                     "height=\"%.0f\" font-family=\"sans-serif\" "
                     "font-size=\"12\">\n",
                     width, height);
  os << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  os << llvm::format("<text x=\"%.0f\" y=\"28\" font-size=\"15\" "
                     "font-weight=\"bold\">%s</text>\n",
                     left, escapeXML(title).c_str());
  // Axes, grid and ticks.
  for (double v = 0; v <= memMax + 1e-9; v += memStep) {
    double px = x(v * 1e9);
    os << llvm::format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#eee\"/>\n",
                       px, topPad, px, topPad + plotH);
    os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                       "%g</text>\n",
                       px, topPad + plotH + 18, v);
  }
  for (double v = 0; v <= timeMax + 1e-12; v += timeStep) {
    double py = y(v);
    os << llvm::format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#eee\"/>\n",
                       left, py, left + plotW, py);
    os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
                       "%s</text>\n",
                       left - 6, py + 4, formatSeconds(v).c_str());
  }
  os << llvm::format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                     "height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n",
                     left, topPad, plotW, plotH);
  os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                     "memory per device (GB)</text>\n",
                     left + plotW / 2, height - 18);
  os << llvm::format("<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" "
                     "transform=\"rotate(-90 18 %.1f)\">step time</text>\n",
                     topPad + plotH / 2, topPad + plotH / 2);
  // Memory capacity.
  double capX = x(result.memoryCapacity);
  os << llvm::format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                     "stroke=\"#c00\" stroke-dasharray=\"6 4\"/>\n",
                     capX, topPad, capX, topPad + plotH);
  os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" fill=\"#c00\">capacity "
                     "%s</text>\n",
                     capX + 4, topPad + 14,
                     formatBytes(result.memoryCapacity).c_str());
  // Every plan, then the front on top.
  for (const PlanCandidate &c : result.plans)
    os << llvm::format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                       "fill=\"%s\"/>\n",
                       x(c.estimate.memoryBytes), y(c.estimate.seconds),
                       c.feasible ? "#9ab" : "#ddd");
  std::vector<const PlanCandidate *> front;
  for (const PlanCandidate &c : result.plans)
    if (c.pareto)
      front.push_back(&c);
  std::sort(front.begin(), front.end(), [](auto *a, auto *b) {
    return a->estimate.memoryBytes < b->estimate.memoryBytes;
  });
  if (!front.empty()) {
    os << "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\" "
          "points=\"";
    for (const PlanCandidate *c : front)
      os << llvm::format("%.1f,%.1f ", x(c->estimate.memoryBytes),
                         y(c->estimate.seconds));
    os << "\"/>\n";
  }
  double legendY = topPad + 10;
  for (const PlanCandidate *c : front) {
    os << llvm::format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
                       "fill=\"#1f5fbf\"/>\n",
                       x(c->estimate.memoryBytes), y(c->estimate.seconds));
    os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s: "
                       "%s, %s</text>\n",
                       left + plotW + 10, legendY,
                       escapeXML(describePlan(c->plan, seqLen)).c_str(),
                       formatSeconds(c->estimate.seconds).c_str(),
                       formatBytes(c->estimate.memoryBytes).c_str());
    legendY += 16;
  }
  if (const PlanCandidate *best = result.best()) {
    double bx = x(best->estimate.memoryBytes), by = y(best->estimate.seconds);
    os << llvm::format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"9\" fill=\"none\" "
                       "stroke=\"#d60\" stroke-width=\"2.5\"/>\n",
                       bx, by);
    os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" fill=\"#d60\" "
                       "font-weight=\"bold\">best: %s</text>\n",
                       bx + 12, by - 10,
                       escapeXML(describePlan(best->plan, seqLen)).c_str());
  }
  os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
                     "fill=\"#555\">grey: other plans that fit; light: "
                     "pruned (too much memory); blue: Pareto front</text>\n",
                     left, height - 4);
  os << "</svg>\n";
}
