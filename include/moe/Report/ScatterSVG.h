//===- ScatterSVG.h - Scatter plots of searched plans -----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_REPORT_SCATTERSVG_H
#define MOE_REPORT_SCATTERSVG_H

#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlir::moe {

/// A scatter plot of plans with their Pareto front: what the plan and the
/// serving searches draw.
struct ScatterChart {
  std::string title, xLabel, yLabel;
  /// Tick labels of an axis value (in the units the points use).
  std::function<std::string(double)> xTick, yTick;
  struct Point {
    double x = 0, y = 0;
    enum class Style { Excluded, Other, Front } style = Style::Other;
    /// For front points: their line in the legend.
    std::string legend;
  };
  std::vector<Point> points;
  /// A dashed vertical line (a capacity, a target) and its label.
  std::optional<double> xLimit;
  std::string xLimitLabel;
  /// The chosen point and its label.
  std::optional<Point> best;
  std::string bestLabel;
  /// What the colours mean.
  std::string footnote;
};

void writeScatterSVG(const ScatterChart &chart, llvm::raw_ostream &os);

} // namespace mlir::moe

#endif // MOE_REPORT_SCATTERSVG_H
