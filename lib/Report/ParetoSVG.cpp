//===- ParetoSVG.cpp - The Pareto front of a search as SVG - -*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Report/SearchReport.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::moe;

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
