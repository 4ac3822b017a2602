//===- PlanUtils.cpp - Shared helpers of the plan passes --------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Transforms/PlanUtils.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Interfaces/CostModelOpInterface.h"

#include "mlir/Dialect/Shard/IR/ShardOps.h"

using namespace mlir;
using namespace mlir::moe;

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

void mlir::moe::setSplit(FunctionOpInterface func, bool isResult,
                         unsigned index, unsigned dim, ArrayRef<int16_t> axes) {
  MLIRContext *ctx = func.getContext();
  SmallVector<shard::GridAxesAttr> perDim(dim + 1,
                                          DenseI16ArrayAttr::get(ctx, {}));
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

void mlir::moe::retypeTokenTensors(
    FunctionOpInterface func, int64_t tokens, int64_t local,
    llvm::function_ref<bool(Operation *)> handle) {
  Block &entry = func.getFunctionBody().front();
  for (BlockArgument arg : entry.getArguments())
    if (!isParameter(arg) && isTokenTensor(arg.getType(), tokens))
      arg.setType(withDim(arg.getType(), 0, local));

  SmallVector<Operation *> ops;
  func.getFunctionBody().walk<WalkOrder::PreOrder>(
      [&](Operation *op) { ops.push_back(op); });
  for (Operation *op : ops) {
    if (handle && handle(op))
      continue;
    if (auto dispatch = dyn_cast<DispatchOp>(op)) {
      // The tokens this dispatch routes: `local` when its input is a token
      // tensor of the program, otherwise as many as before.
      int64_t rows = dispatch.getInput().getType().getDimSize(0);
      int64_t topK = dispatch.getIndices().getType().getDimSize(1);
      int64_t experts = dispatch.getResult().getType().getDimSize(0);
      int64_t capacity = dispatch.getExpectedCapacity(rows, topK, experts);
      dispatch.getResult().setType(
          withDim(dispatch.getResult().getType(), 1, capacity));
      continue;
    }
    // An expert buffer keeps the shape the dispatch gave it.
    if (auto experts = dyn_cast<ExpertsOp>(op)) {
      experts.getResult().setType(
          cast<RankedTensorType>(experts.getInput().getType().clone(
              experts.getResult().getType().getElementType())));
      continue;
    }
    for (OpResult result : op->getResults())
      if (isTokenTensor(result.getType(), tokens))
        result.setType(withDim(result.getType(), 0, local));
  }
  refreshFunctionType(func);
}
