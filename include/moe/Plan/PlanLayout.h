//===- PlanLayout.h - Applying the plan rules to a program ------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A plan rewrites a whole-step program into what one device runs. How it
// lays out each op is the op's rule (PlanLayoutOpInterface; the moe ops'
// rules are in lib/Dialect/MoE/IR/MoEPlanLayout.cpp). This file holds what
// is common to every plan and every op: laying out a function op by op
// (local shapes propagate from producers to users), writing a layout into
// the IR (types, attributes, shard collectives), and the gradient
// synchronisation every replicated weight needs. The plan passes and the
// plan search's estimate are both built on it.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PLAN_PLANLAYOUT_H
#define MOE_PLAN_PLANLAYOUT_H

#include "moe/Interfaces/PlanLayoutOpInterface.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::moe {

/// How a plan lays out a function (or some of its ops).
struct FunctionLayout {
  /// What the plan does to each op, in program order.
  llvm::MapVector<Operation *, OpPlan> ops;
  /// Local shapes of the entry block's arguments (token tensors, split
  /// weights).
  DenseMap<Value, LocalShape> argShapes;
  /// Weights the rules split: the dimension and the grid axes.
  llvm::MapVector<Value, WeightSplit> splits;
};

/// The program's trainable weights: entry-block arguments marked moe.param.
llvm::DenseSet<Value> getWeights(FunctionOpInterface func);

/// Lays out `ops` (in program order) with their rules, or the default one;
/// values they read that no op of `ops` produces keep the default layout.
/// Fails with the rule's error.
FailureOr<FunctionLayout> layOutOps(ArrayRef<Operation *> ops,
                                    FunctionOpInterface func,
                                    PlanLayoutState &state);
/// Lays out every op of `func`.
FailureOr<FunctionLayout> layOutFunction(FunctionOpInterface func,
                                         PlanLayoutState &state);

/// The shard op collective `c` becomes, on `input`, on grid `grid`.
Value createCollective(OpBuilder &b, Location loc, StringRef grid,
                       const PlanCollective &c, Value input);

/// Writes `layout` into `func`: argument and result types, attributes, and
/// the collectives as shard ops on grid `grid`.
void applyLayout(FunctionOpInterface func, const FunctionLayout &layout,
                 StringRef grid);

/// Fails, naming what it found, when `module` is already planned (it has a
/// `moe.plan`, a `shard.grid` or wafer ops): each plan applies to the
/// unplanned program once. The plan passes check this before anything else.
LogicalResult checkUnplanned(ModuleOp module);

/// Plans `func`: lays it out with `state`, writes the layout into the IR on
/// grid `grid`, checks the result (consistent types; results that are the
/// program's token tensors or unchanged) and marks how the program's
/// tensors split over the grid (token tensors over every axis of
/// `tokenAxes`, split weights over theirs). `plan` names the plan in
/// errors.
FailureOr<FunctionLayout> planFunction(FunctionOpInterface func,
                                       PlanLayoutState &state, StringRef grid,
                                       ArrayRef<int16_t> tokenAxes,
                                       StringRef plan);

/// A weight's gradient, summed over the grid axes the weight is replicated
/// on (all of them but those it is split over).
struct GradSync {
  Value weight;
  SmallVector<int16_t, 3> axes;
  /// Members of the group.
  int64_t group = 1;
};
/// The gradient synchronisation of `weight`.
GradSync getGradSync(Value weight, const FunctionLayout &layout,
                     const PlanDegrees &degrees);
/// The gradient synchronisations of `func`'s weights (groups of one
/// device need none).
SmallVector<GradSync> getGradSyncs(FunctionOpInterface func,
                                   const FunctionLayout &layout,
                                   const PlanDegrees &degrees);

/// Gives every token tensor of `func` `tokens` rows instead of the
/// program's, re-planning the dispatch capacities: the program of a step
/// of another size.
LogicalResult resizeTokens(FunctionOpInterface func, int64_t tokens);

/// `type` (a ranked tensor) with the shape `shape`.
RankedTensorType withShape(Type type, ArrayRef<int64_t> shape);
/// `type` (a ranked tensor) with dimension `index` set to `size`.
RankedTensorType withDim(Type type, unsigned index, int64_t size);

/// A ranked tensor whose first dimension is `tokens`.
bool isTokenTensor(Type type, int64_t tokens);

/// Marks argument (or result) `index` of `func` with `moe.split_axes`:
/// dimension `dim` is split over the grid axes `axes`.
void setSplit(FunctionOpInterface func, bool isResult, unsigned index,
              unsigned dim, ArrayRef<int16_t> axes);
/// The same, with several dimensions each split over its axes.
void setSplit(FunctionOpInterface func, bool isResult, unsigned index,
              ArrayRef<std::pair<unsigned, ArrayRef<int16_t>>> dims);

/// Marks the token tensors of `func` as split over `axes` along dimension 0:
/// the non-weight arguments and the results whose types before planning
/// (`argTypes`, `resultTypes`) were token tensors of `tokens` rows.
void markTokenSplits(FunctionOpInterface func, ArrayRef<Type> argTypes,
                     ArrayRef<Type> resultTypes, int64_t tokens,
                     ArrayRef<int16_t> axes);

/// Checks that every result of planned `func` is either a token tensor of
/// the program (split over the devices: `resultTypes`, the types before
/// planning, had `tokens` rows) or has kept its type (the same on every
/// device). Any other result, such as a returned dispatch buffer whose
/// capacity depends on how the tokens are split, has no value in the
/// program that the devices' values make up; it is an error naming `plan`.
LogicalResult checkPlannedResults(FunctionOpInterface func,
                                  ArrayRef<Type> resultTypes, int64_t tokens,
                                  StringRef plan);

/// Sets the function type from the entry block's arguments and the
/// terminator's operands.
void refreshFunctionType(FunctionOpInterface func);

} // namespace mlir::moe

#endif // MOE_PLAN_PLANLAYOUT_H
