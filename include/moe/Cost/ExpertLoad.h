//===- ExpertLoad.h - How routed tokens spread over experts -----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The routing model of a step: each expert's share of a layer's routed
// tokens (uniform, one hot expert, Zipf, or a histogram from a router
// trace) and which experts each expert-parallel rank holds (contiguous
// blocks, or a placement file, which may replicate an expert as EPLB does).
// The cost analysis prices an expert layer on its most loaded rank
// (docs/CostModel.md, "Skewed routing").
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COST_EXPERTLOAD_H
#define MOE_COST_EXPERTLOAD_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::moe {

/// Tokens each expert received in a router trace: for every MoE layer
/// (`default`) and for layers named as the program names them (`layers.3`).
struct RoutingTrace {
  std::string path;
  std::vector<double> defaultCounts;
  llvm::StringMap<std::vector<double>> layers;
  /// The counts of layer `layer` (its own, else the default; null if none).
  const std::vector<double> *lookup(StringRef layer) const;
};

/// The experts each expert-parallel rank holds; an expert on several ranks
/// splits its tokens evenly over its copies.
struct ExpertPlacement {
  std::string path;
  std::vector<std::vector<int64_t>> ranks;
};

/// Reads `{"default": [counts], "layers": {"layers.3": [counts]}}`.
llvm::Expected<RoutingTrace> readRoutingTrace(StringRef path);
/// Reads `{"ranks": [[experts of rank 0], [experts of rank 1], ...]}`.
llvm::Expected<ExpertPlacement> readExpertPlacement(StringRef path);

/// How a step's routed tokens spread over each layer's experts.
struct RoutingModel {
  /// The hot experts' tokens over the mean (1: none hot), and how many are
  /// hot (experts 0 to hotExperts - 1).
  double hot = 1;
  int64_t hotExperts = 1;
  /// Zipf exponent: expert `i` (from 0) gets a share proportional to
  /// `1 / (i + 1)^zipf` (0: uniform).
  double zipf = 0;
  std::shared_ptr<const RoutingTrace> trace;
  std::shared_ptr<const ExpertPlacement> placement;

  bool isUniform() const {
    return hot == 1 && zipf == 0 && !trace && !placement;
  }
  /// Checks the model against a layer of `experts` experts over `ranks`
  /// expert-parallel ranks: an error naming the file and what is wrong.
  llvm::Error check(StringRef layer, int64_t experts, int64_t ranks) const;
  /// Each expert's share of layer `layer`'s routed tokens (they add up to
  /// 1); `check` must have passed.
  SmallVector<double> shares(StringRef layer, int64_t experts) const;
};

/// The routing model of the cost options: `hot` (imbalance), `zipf`, a
/// router trace file and a placement file (empty paths: none). At most one
/// of the first three may skew the loads; an error names the option.
llvm::Expected<RoutingModel> makeRoutingModel(double hot, double zipf,
                                              StringRef routingFile,
                                              StringRef placementFile,
                                              int64_t hotExperts = 1);

/// The expert copies one rank holds and each copy's share of the layer's
/// routed tokens.
struct RankLoad {
  int64_t rank = 0;
  SmallVector<double> copies;
  /// The rank's share of the layer's routed tokens (1/ranks when balanced).
  double total() const;
};

/// The most loaded of `ranks` ranks for experts with `shares`, placed by
/// `placement` (null: rank r holds the r-th contiguous block); the first
/// such rank on a tie.
RankLoad busiestRank(ArrayRef<double> shares, int64_t ranks,
                     const ExpertPlacement *placement);

} // namespace mlir::moe

#endif // MOE_COST_EXPERTLOAD_H
