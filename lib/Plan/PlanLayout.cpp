//===- PlanLayout.cpp - Applying the plan rules to a program ----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Plan/PlanLayout.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::moe;

RankedTensorType mlir::moe::withShape(Type type, ArrayRef<int64_t> shape) {
  return cast<RankedTensorType>(type).clone(shape);
}

RankedTensorType mlir::moe::withDim(Type type, unsigned index, int64_t size) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape[index] = size;
  return tensor.clone(shape);
}

bool mlir::moe::isTokenTensor(Type type, int64_t tokens) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() >= 1 && tensor.getDimSize(0) == tokens;
}

llvm::DenseSet<Value> mlir::moe::getWeights(FunctionOpInterface func) {
  llvm::DenseSet<Value> weights;
  for (BlockArgument arg : func.getFunctionBody().front().getArguments())
    if (isParameter(arg))
      weights.insert(arg);
  return weights;
}

//===----------------------------------------------------------------------===//
// Laying out ops
//===----------------------------------------------------------------------===//

namespace {

/// Lays out one op: its rule, or the default one (the state's default
/// shapes, already in `plan`).
LogicalResult layOutOp(Operation *op, PlanLayoutState &state,
                       FunctionLayout &layout) {
  OpPlan plan;
  plan.before.resize(op->getNumOperands());
  plan.after.resize(op->getNumResults());
  for (Value result : op->getResults())
    plan.results.push_back(state.defaultShape(result));
  if (auto rule = dyn_cast<PlanLayoutOpInterface>(op))
    if (failed(rule.planLayout(state, plan)))
      return failure();

  // Split weights: the device holds its shard of each.
  SmallVector<int64_t, 5> grid = state.degrees.gridShape();
  for (const WeightSplit &split : plan.weights) {
    Value weight = op->getOperand(split.operand);
    auto [it, inserted] = layout.splits.try_emplace(weight, split);
    if (!inserted && !(it->second == split))
      return op->emitOpError() << "splits operand #" << split.operand
                               << " unlike an earlier op that reads it";
    if (!inserted)
      continue;
    LocalShape shape = state.shape(weight);
    for (auto [dim, axes] : split.dims())
      for (int16_t axis : axes)
        shape = divideDim(shape, dim, grid[axis]);
    state.setShape(weight, shape);
    layout.argShapes[weight] = shape;
  }
  for (auto [i, result] : llvm::enumerate(op->getResults()))
    state.setShape(result, plan.after[i].empty() ? plan.results[i]
                                                 : plan.after[i].back().shape);
  layout.ops.insert({op, std::move(plan)});
  return success();
}

} // namespace

FailureOr<FunctionLayout> mlir::moe::layOutOps(ArrayRef<Operation *> ops,
                                               FunctionOpInterface func,
                                               PlanLayoutState &state) {
  FunctionLayout layout;
  for (Operation *op : ops)
    if (failed(layOutOp(op, state, layout)))
      return failure();
  return layout;
}

FailureOr<FunctionLayout> mlir::moe::layOutFunction(FunctionOpInterface func,
                                                    PlanLayoutState &state) {
  SmallVector<Operation *> ops;
  func.getFunctionBody().walk<WalkOrder::PreOrder>(
      [&](Operation *op) { ops.push_back(op); });
  FailureOr<FunctionLayout> layout = layOutOps(ops, func, state);
  if (failed(layout))
    return failure();
  // Token arguments keep the device's tokens; others (KV caches) take the
  // shape their reader's rule gave them.
  for (BlockArgument arg : func.getFunctionBody().front().getArguments())
    if (state.isToken(arg) || state.hasShape(arg))
      layout->argShapes.try_emplace(arg, state.shape(arg));
  return layout;
}

//===----------------------------------------------------------------------===//
// Writing a layout into the IR
//===----------------------------------------------------------------------===//

Value mlir::moe::createCollective(OpBuilder &b, Location loc, StringRef grid,
                                  const PlanCollective &c, Value input) {
  Type type = withShape(input.getType(), c.shape);
  switch (c.kind) {
  case CollectiveKind::AllToAll:
    return shard::AllToAllOp::create(b, loc, type, grid, c.axes, input,
                                     APInt(64, c.splitAxis),
                                     APInt(64, c.concatAxis));
  case CollectiveKind::AllGather:
    return shard::AllGatherOp::create(b, loc, type, grid, c.axes, input,
                                      APInt(64, c.concatAxis));
  case CollectiveKind::ReduceScatter:
    return shard::ReduceScatterOp::create(b, loc, type, grid, c.axes, input,
                                          shard::ReductionKind::Sum,
                                          APInt(64, c.splitAxis));
  case CollectiveKind::AllReduce:
    return shard::AllReduceOp::create(b, loc, type, grid, c.axes, input);
  case CollectiveKind::Broadcast:
  case CollectiveKind::PointToPoint:
    break;
  }
  llvm_unreachable("a plan rule asked for a collective plans do not insert");
}

void mlir::moe::applyLayout(FunctionOpInterface func,
                            const FunctionLayout &layout, StringRef grid) {
  for (BlockArgument arg : func.getFunctionBody().front().getArguments())
    if (auto it = layout.argShapes.find(arg); it != layout.argShapes.end())
      arg.setType(withShape(arg.getType(), it->second));
  OpBuilder b(func.getContext());
  for (const auto &[op, plan] : layout.ops) {
    for (const NamedAttribute &attr : plan.attrs)
      op->setAttr(attr.getName(), attr.getValue());
    b.setInsertionPoint(op);
    for (auto [i, chain] : llvm::enumerate(plan.before))
      for (const PlanCollective &collective : chain)
        op->setOperand(i, createCollective(b, op->getLoc(), grid, collective,
                                           op->getOperand(i)));
    for (auto [i, result] : llvm::enumerate(op->getResults()))
      if (auto tensor = dyn_cast<RankedTensorType>(result.getType()))
        result.setType(tensor.clone(plan.results[i]));
    b.setInsertionPointAfter(op);
    for (auto [i, chain] : llvm::enumerate(plan.after)) {
      Value result = op->getResult(i);
      for (const PlanCollective &collective : chain) {
        Value next =
            createCollective(b, op->getLoc(), grid, collective, result);
        result.replaceAllUsesExcept(next, next.getDefiningOp());
        result = next;
      }
    }
  }
  refreshFunctionType(func);
}

GradSync mlir::moe::getGradSync(Value weight, const FunctionLayout &layout,
                                const PlanDegrees &degrees) {
  SmallVector<int64_t, 5> grid = degrees.gridShape();
  auto split = layout.splits.find(weight);
  GradSync sync{weight, {}, 1};
  for (int16_t axis : degrees.tokenAxes()) {
    if (split != layout.splits.end() && split->second.splitsOver(axis))
      continue;
    sync.axes.push_back(axis);
    sync.group *= grid[axis];
  }
  return sync;
}

SmallVector<GradSync> mlir::moe::getGradSyncs(FunctionOpInterface func,
                                              const FunctionLayout &layout,
                                              const PlanDegrees &degrees) {
  SmallVector<GradSync> syncs;
  for (BlockArgument arg : func.getFunctionBody().front().getArguments()) {
    if (!isParameter(arg))
      continue;
    GradSync sync = getGradSync(arg, layout, degrees);
    if (sync.group > 1)
      syncs.push_back(std::move(sync));
  }
  return syncs;
}

LogicalResult mlir::moe::resizeTokens(FunctionOpInterface func,
                                      int64_t tokens) {
  int64_t programTokens = getProgramTokenCount(func);
  llvm::DenseSet<Value> weights = getWeights(func);
  PlanLayoutState state(PlanDegrees(), programTokens, tokens, 0, weights);
  FailureOr<FunctionLayout> layout = layOutFunction(func, state);
  if (failed(layout))
    return failure();
  applyLayout(func, *layout, "");
  return success();
}

FailureOr<FunctionLayout> mlir::moe::planFunction(FunctionOpInterface func,
                                                  PlanLayoutState &state,
                                                  StringRef grid,
                                                  ArrayRef<int16_t> tokenAxes,
                                                  StringRef plan) {
  SmallVector<Type> argTypes(func.getArgumentTypes());
  SmallVector<Type> resultTypes(func.getResultTypes());
  FailureOr<FunctionLayout> layout = layOutFunction(func, state);
  if (failed(layout))
    return failure();
  applyLayout(func, *layout, grid);
  // Token tensors are recognised by their leading dimension, so a weight
  // not marked moe.param whose rows equal T is split like one.
  if (failed(verify(func)))
    return func.emitError()
           << "the " << plan
           << " could not re-type this function consistently; mark every "
              "weight argument with {moe.param = \"name\"} so that it is "
              "not taken for a tensor of "
           << state.tokens << " tokens";
  if (failed(checkPlannedResults(func, resultTypes, state.tokens, plan)))
    return failure();
  // How the program's tensors map onto the grid (--moe-simulate-grid).
  markTokenSplits(func, argTypes, resultTypes, state.tokens, tokenAxes);
  SmallVector<int64_t, 5> shape = state.degrees.gridShape();
  for (const auto &[weight, split] : layout->splits) {
    SmallVector<std::pair<unsigned, ArrayRef<int16_t>>, 2> dims;
    for (auto [dim, axes] : split.dims()) {
      int64_t members = 1;
      for (int16_t axis : axes)
        members *= shape[axis];
      if (members > 1)
        dims.push_back({dim, axes});
    }
    if (!dims.empty())
      setSplit(func, /*isResult=*/false,
               cast<BlockArgument>(weight).getArgNumber(), dims);
  }
  return layout;
}

//===----------------------------------------------------------------------===//
// Annotations and checks of planned functions
//===----------------------------------------------------------------------===//

void mlir::moe::setSplit(FunctionOpInterface func, bool isResult,
                         unsigned index, unsigned dim, ArrayRef<int16_t> axes) {
  setSplit(func, isResult, index, {{dim, axes}});
}

void mlir::moe::setSplit(
    FunctionOpInterface func, bool isResult, unsigned index,
    ArrayRef<std::pair<unsigned, ArrayRef<int16_t>>> dims) {
  MLIRContext *ctx = func.getContext();
  unsigned rank = 0;
  for (auto [dim, axes] : dims)
    rank = std::max(rank, dim + 1);
  SmallVector<shard::GridAxesAttr> perDim(rank,
                                          DenseI16ArrayAttr::get(ctx, {}));
  for (auto [dim, axes] : dims)
    perDim[dim] = DenseI16ArrayAttr::get(ctx, axes);
  auto split = shard::GridAxesArrayAttr::get(ctx, perDim);
  StringRef name = MoEDialect::SplitAxesAttrHelper::getNameStr();
  if (isResult)
    func.setResultAttr(index, name, split);
  else
    func.setArgAttr(index, name, split);
}

void mlir::moe::markTokenSplits(FunctionOpInterface func,
                                ArrayRef<Type> argTypes,
                                ArrayRef<Type> resultTypes, int64_t tokens,
                                ArrayRef<int16_t> axes) {
  Block &entry = func.getFunctionBody().front();
  for (BlockArgument arg : entry.getArguments())
    if (!isParameter(arg) &&
        isTokenTensor(argTypes[arg.getArgNumber()], tokens))
      setSplit(func, /*isResult=*/false, arg.getArgNumber(), 0, axes);
  for (auto [i, type] : llvm::enumerate(resultTypes))
    if (isTokenTensor(type, tokens))
      setSplit(func, /*isResult=*/true, i, 0, axes);
}

LogicalResult mlir::moe::checkPlannedResults(FunctionOpInterface func,
                                             ArrayRef<Type> resultTypes,
                                             int64_t tokens, StringRef plan) {
  for (auto [i, before, after] :
       llvm::enumerate(resultTypes, func.getResultTypes())) {
    if (before == after || isTokenTensor(before, tokens))
      continue;
    return func.emitOpError()
           << "returns " << before << " (result #" << i << "), which is "
           << after << " on each device of the " << plan
           << ": a value whose shape depends on how the tokens are split "
              "(such as a dispatch buffer) is not a result of the program; "
              "return token tensors";
  }
  return success();
}

void mlir::moe::refreshFunctionType(FunctionOpInterface func) {
  Block &entry = func.getFunctionBody().front();
  func.setType(FunctionType::get(func.getContext(), entry.getArgumentTypes(),
                                 entry.getTerminator()->getOperandTypes()));
}

LogicalResult mlir::moe::checkUnplanned(ModuleOp module) {
  if (PlanAttrInterface plan = getPlan(module))
    return emitError(module.getLoc())
           << "the module is already planned (moe.plan = " << plan
           << "); plan the unplanned program";
  for (auto grid : module.getOps<shard::GridOp>())
    return emitError(module.getLoc())
           << "the module is already partitioned (it has shard.grid @"
           << grid.getSymName() << "); plan the unpartitioned program";
  WalkResult walk = module.walk([](Operation *op) {
    return op->getDialect() && op->getDialect()->getNamespace() == "wse"
               ? WalkResult::interrupt()
               : WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return emitError(module.getLoc())
           << "the module is already planned (it has wse ops); plan the "
              "unplanned program";
  return success();
}
