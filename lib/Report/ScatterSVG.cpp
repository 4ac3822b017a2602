//===- ScatterSVG.cpp - Scatter plots of searched plans ---------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Report/ScatterSVG.h"

#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::moe;

namespace {

/// Round numbers for axis ticks: 1, 2 or 5 times a power of ten.
double niceStep(double span, int ticks) {
  if (!(span > 0))
    return 1;
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

void mlir::moe::writeScatterSVG(const ScatterChart &chart,
                                llvm::raw_ostream &os) {
  const double width = 820, height = 520, left = 80, right = 200, topPad = 50,
               bottom = 60;
  double plotW = width - left - right, plotH = height - topPad - bottom;
  double maxX = chart.xLimit.value_or(0), maxY = 0;
  for (const ScatterChart::Point &p : chart.points) {
    maxX = std::max(maxX, p.x);
    maxY = std::max(maxY, p.y);
  }
  double xStep = niceStep(maxX, 5), yStep = niceStep(maxY, 5);
  double xMax = std::max(xStep, std::ceil(maxX / xStep) * xStep);
  double yMax = std::max(yStep, std::ceil(maxY / yStep) * yStep);
  auto x = [&](double v) { return left + plotW * v / xMax; };
  auto y = [&](double v) { return topPad + plotH * (1 - v / yMax); };

  os << llvm::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                     "height=\"%.0f\" font-family=\"sans-serif\" "
                     "font-size=\"12\">\n",
                     width, height);
  os << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  os << llvm::format("<text x=\"%.0f\" y=\"28\" font-size=\"15\" "
                     "font-weight=\"bold\">%s</text>\n",
                     left, escapeXML(chart.title).c_str());
  // Axes, grid and ticks.
  for (double v = 0; v <= xMax * (1 + 1e-9); v += xStep) {
    double px = x(v);
    os << llvm::format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#eee\"/>\n",
                       px, topPad, px, topPad + plotH);
    os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                       "%s</text>\n",
                       px, topPad + plotH + 18,
                       escapeXML(chart.xTick(v)).c_str());
  }
  for (double v = 0; v <= yMax * (1 + 1e-9); v += yStep) {
    double py = y(v);
    os << llvm::format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#eee\"/>\n",
                       left, py, left + plotW, py);
    os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
                       "%s</text>\n",
                       left - 6, py + 4, escapeXML(chart.yTick(v)).c_str());
  }
  os << llvm::format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                     "height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n",
                     left, topPad, plotW, plotH);
  os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                     "%s</text>\n",
                     left + plotW / 2, height - 18,
                     escapeXML(chart.xLabel).c_str());
  os << llvm::format("<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" "
                     "transform=\"rotate(-90 18 %.1f)\">%s</text>\n",
                     topPad + plotH / 2, topPad + plotH / 2,
                     escapeXML(chart.yLabel).c_str());
  if (chart.xLimit) {
    double px = x(*chart.xLimit);
    os << llvm::format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#c00\" stroke-dasharray=\"6 4\"/>\n",
                       px, topPad, px, topPad + plotH);
    os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" fill=\"#c00\">%s</text>\n",
                       px + 4, topPad + 14,
                       escapeXML(chart.xLimitLabel).c_str());
  }
  // Every point, then the front on top.
  using Style = ScatterChart::Point::Style;
  for (const ScatterChart::Point &p : chart.points)
    os << llvm::format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                       "fill=\"%s\"/>\n",
                       x(p.x), y(p.y),
                       p.style == Style::Excluded ? "#ddd" : "#9ab");
  std::vector<const ScatterChart::Point *> front;
  for (const ScatterChart::Point &p : chart.points)
    if (p.style == Style::Front)
      front.push_back(&p);
  std::stable_sort(front.begin(), front.end(),
                   [](auto *a, auto *b) { return a->x < b->x; });
  if (!front.empty()) {
    os << "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\" "
          "points=\"";
    for (const ScatterChart::Point *p : front)
      os << llvm::format("%.1f,%.1f ", x(p->x), y(p->y));
    os << "\"/>\n";
  }
  double legendY = topPad + 10;
  for (const ScatterChart::Point *p : front) {
    os << llvm::format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
                       "fill=\"#1f5fbf\"/>\n",
                       x(p->x), y(p->y));
    os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%s"
                       "</text>\n",
                       left + plotW + 10, legendY,
                       escapeXML(p->legend).c_str());
    legendY += 16;
  }
  if (chart.best) {
    double bx = x(chart.best->x), by = y(chart.best->y);
    os << llvm::format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"9\" fill=\"none\" "
                       "stroke=\"#d60\" stroke-width=\"2.5\"/>\n",
                       bx, by);
    os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" fill=\"#d60\" "
                       "font-weight=\"bold\">%s</text>\n",
                       bx + 12, by - 10, escapeXML(chart.bestLabel).c_str());
  }
  os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
                     "fill=\"#555\">%s</text>\n",
                     left, height - 4, escapeXML(chart.footnote).c_str());
  os << "</svg>\n";
}
