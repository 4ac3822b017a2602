//===- PlanLayoutOpInterface.h - How a plan lays out an op ------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The vocabulary of plan rules: a grid of devices (data-, expert- and
// tensor-parallel axes), the local shape each device holds of a tensor, the
// collectives that move tensors between layouts (in the shard dialect's
// terms), and what a plan does to one op. moe/Plan/PlanLayout.h applies the
// rules to a function; the rules of the moe ops are in
// lib/Dialect/MoE/IR/MoEPlanLayout.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_INTERFACES_PLANLAYOUTOPINTERFACE_H
#define MOE_INTERFACES_PLANLAYOUTOPINTERFACE_H

#include "moe/Interfaces/CostModelOpInterface.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::moe {

/// The parallel axes of a plan's grid, in grid order. Devices are numbered
/// row-major, so the last axis varies fastest and a group along it stays
/// inside a node first (Megatron-Core's default rank order, tp-cp-ep-dp).
enum class PlanAxis : int16_t {
  /// Data parallel: replicas of everything but the tokens.
  DP,
  /// Expert parallel: each device holds E / ep experts.
  EP,
  /// Context parallel: each device holds 1 / cp of every sequence it
  /// attends within; a grid axis only when cp > 1.
  CP,
  /// Tensor parallel (attention heads, FFN columns); a grid axis only when
  /// tp > 1.
  TP,
};

/// The degrees of a plan's grid.
struct PlanDegrees {
  int64_t dp = 1, ep = 1, tp = 1;
  /// MoE parallel folding: the experts are split over every axis but dp
  /// (an expert-parallel group of ep * cp * tp consecutive devices), not
  /// over the ep axis alone.
  bool fold = false;
  int64_t cp = 1;
  /// Folded with ep = 1, the context-parallel ranks the expert group takes
  /// (0: all cp of them). Fewer (a divisor of cp) split the cp axis in two,
  /// cp / foldCp and foldCp, and the group is the foldCp * tp consecutive
  /// devices: Megatron-Core's EP smaller than its TP x CP attention group.
  int64_t foldCp = 0;
  /// Expert tensor parallelism: 1, or tp to split each expert's FFN width
  /// over the tp axis (Megatron-Core's ETP); the experts are then split
  /// over the other expert axes only, and each expert-parallel rank's
  /// tokens are gathered over the tp ranks that share its experts.
  int64_t etp = 1;

  /// The grid's shape: dp x ep, then cp (one axis, or two when foldCp
  /// splits it) and tp where they are above 1.
  SmallVector<int64_t, 5> gridShape() const;
  int64_t size(PlanAxis axis) const;
  /// The grid axis of `axis` (which must be on the grid; for cp, its
  /// first).
  int16_t gridAxis(PlanAxis axis) const;
  /// The grid axes of the context-parallel group.
  SmallVector<int16_t, 2> contextAxes() const;
  /// Every grid axis: what the tokens are split over.
  SmallVector<int16_t, 5> tokenAxes() const;
  int64_t devices() const { return dp * ep * cp * tp; }
  /// The grid axes the experts are split over, and their devices.
  SmallVector<int16_t, 3> expertAxes() const;
  int64_t expertDegree() const {
    return fold ? ep * expertCp() * (splitsExperts() ? 1 : tp) : ep;
  }
  /// Whether expert tensor parallelism splits each expert over the tp axis.
  bool splitsExperts() const { return etp > 1; }
  /// Whether `etp` is a degree the plans model: 1, or the tp axis.
  bool hasValidEtp() const { return etp == 1 || etp == tp; }
  /// The context-parallel ranks inside a folded expert group.
  int64_t expertCp() const { return splitsCp() ? foldCp : cp; }
  /// Whether foldCp splits the cp axis in two.
  bool splitsCp() const { return fold && foldCp > 0 && foldCp < cp; }
  /// Whether folding has an axis to fold in (tp is the experts' own axis
  /// under expert tensor parallelism).
  bool canFold() const { return (tp > 1 && !splitsExperts()) || cp > 1; }
};

/// Members of a group over `axes` of a grid of `shape`, and the distance
/// between consecutive members in the device order. The shard cost models
/// and the plan estimate both size collectives with it.
std::pair<int64_t, int64_t> getGroup(ArrayRef<int64_t> shape,
                                     ArrayRef<int16_t> axes);

/// What one device holds of a tensor: its shape (the element type stays).
using LocalShape = SmallVector<int64_t, 4>;

/// A collective a plan inserts on one tensor, as the shard op it becomes.
struct PlanCollective {
  CollectiveKind kind = CollectiveKind::AllToAll;
  /// The grid axes of the group.
  SmallVector<int16_t, 3> axes;
  /// all_to_all: the axis split and the one concatenated; all_gather: the
  /// gathered axis (concatAxis); reduce_scatter: the scattered one
  /// (splitAxis).
  int64_t splitAxis = 0, concatAxis = 0;
  /// The tensor's local shape after the collective.
  LocalShape shape;
};

/// A weight operand split along one dimension over grid axes, and maybe a
/// second dimension over other axes (expert tensor parallelism splits the
/// experts and each expert's FFN width).
struct WeightSplit {
  unsigned operand = 0;
  unsigned dim = 0;
  SmallVector<int16_t, 3> axes;
  /// The second split; none when `innerAxes` is empty.
  unsigned innerDim = 0;
  SmallVector<int16_t, 1> innerAxes = {};

  /// Each split dimension with its axes.
  SmallVector<std::pair<unsigned, ArrayRef<int16_t>>, 2> dims() const {
    SmallVector<std::pair<unsigned, ArrayRef<int16_t>>, 2> result = {
        {dim, axes}};
    if (!innerAxes.empty())
      result.push_back({innerDim, innerAxes});
    return result;
  }
  /// Whether the weight is split over grid axis `axis`.
  bool splitsOver(int16_t axis) const {
    return llvm::is_contained(axes, axis) ||
           llvm::is_contained(innerAxes, axis);
  }
  bool operator==(const WeightSplit &other) const {
    return dim == other.dim && axes == other.axes &&
           innerDim == other.innerDim && innerAxes == other.innerAxes;
  }
};

/// The collectives a plan puts on one tensor, in the order they run.
using CollectiveChain = SmallVector<PlanCollective, 1>;

/// What a plan does to one op.
struct OpPlan {
  /// Collectives on each operand before the op (none for most).
  SmallVector<CollectiveChain, 4> before;
  /// The local shape of each result as the op produces it.
  SmallVector<LocalShape, 2> results;
  /// Collectives on each result after the op.
  SmallVector<CollectiveChain, 2> after;
  /// Weight operands the plan splits (each must be a function argument).
  SmallVector<WeightSplit, 4> weights;
  /// Attributes that change (heads per device, the capacity factor).
  SmallVector<NamedAttribute, 2> attrs;
};

/// What a rule sees: the plan's grid and tokens, and the local shape of
/// every value computed so far.
class PlanLayoutState {
public:
  /// `weights` (the program's trainable weights) must outlive the state.
  PlanLayoutState(PlanDegrees degrees, int64_t tokens, int64_t localTokens,
                  double capacityFactor, const llvm::DenseSet<Value> &weights,
                  StringRef grid = "")
      : degrees(degrees), tokens(tokens), localTokens(localTokens),
        capacityFactor(capacityFactor), grid(grid), weights(weights) {}

  const PlanDegrees degrees;
  /// Tokens of the unplanned program (a tensor is a token tensor when its
  /// leading dimension is this), and the tokens each device keeps.
  const int64_t tokens, localTokens;
  /// Capacity factor every dispatch is re-planned with (0 keeps each one's).
  const double capacityFactor;
  /// The `shard.grid` the plan runs on, for ops that name their group.
  const std::string grid;

  /// The local shape of `value`: as its producer's rule left it, or, for a
  /// value the state has not seen, its own shape with the token dimension
  /// split.
  LocalShape shape(Value value) const;
  /// Sets the local shape of `value`.
  void setShape(Value value, LocalShape shape) {
    shapes[value] = std::move(shape);
  }
  /// Whether a rule has set the local shape of `value`.
  bool hasShape(Value value) const { return shapes.contains(value); }
  /// A tensor of the unplanned program whose leading dimension is the
  /// token count, and not a weight.
  bool isToken(Value value) const;
  bool isWeight(Value value) const { return weights.contains(value); }
  /// The default rule for a result: a token tensor keeps the device's
  /// tokens, anything else its shape.
  LocalShape defaultShape(Value result) const;

private:
  DenseMap<Value, LocalShape> shapes;
  /// The program's trainable weights (function arguments).
  const llvm::DenseSet<Value> &weights;
};

/// `shape` with dimension `dim` divided by `factor` (or multiplied).
LocalShape divideDim(ArrayRef<int64_t> shape, unsigned dim, int64_t factor);
LocalShape multiplyDim(ArrayRef<int64_t> shape, unsigned dim, int64_t factor);

} // namespace mlir::moe

#include "moe/Interfaces/PlanLayoutOpInterface.h.inc"

#endif // MOE_INTERFACES_PLANLAYOUTOPINTERFACE_H
