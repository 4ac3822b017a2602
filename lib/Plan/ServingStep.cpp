//===- ServingStep.cpp - Reshape a program into a serving step --*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Plan/ServingStep.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Interfaces/CostModelOpInterface.h"
#include "moe/Plan/PlanLayout.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

/// Gives `op` caches of `shape.context` tokens: its own re-typed when they
/// are function arguments, new arguments of `func` otherwise. The leading
/// dimension is left to the layout (resizeTokens), which sizes caches by
/// the sequences the op runs on.
LogicalResult setCaches(AttentionOpInterface op, FunctionOpInterface func,
                        const ServingStepShape &shape,
                        SmallVectorImpl<Value> &dropped) {
  Operation *operation = op.getOperation();
  SmallVector<Value, 2> caches;
  if (auto costOp = dyn_cast<CostModelOpInterface>(operation))
    costOp.getCaches(caches);
  Type inputType = getElementTypeOrSelf(operation->getOperand(0).getType());
  if (shape.context <= 0) {
    op.setCaches({});
    dropped.append(caches);
    return success();
  }
  SmallVector<int64_t, 2> columns;
  op.getCacheColumns(columns);
  if (!caches.empty()) {
    for (Value cache : caches) {
      auto arg = dyn_cast<BlockArgument>(cache);
      if (!arg || arg.getOwner() != &func.getFunctionBody().front())
        return operation->emitOpError()
               << "reads a KV cache that is not a function argument; a "
                  "serving step re-sizes caches it can re-type";
      auto type = cast<RankedTensorType>(arg.getType());
      Type elem = shape.cacheType ? shape.cacheType : type.getElementType();
      arg.setType(RankedTensorType::get(
          {type.getDimSize(0), shape.context, type.getDimSize(2)}, elem));
    }
    return success();
  }
  Type elem = shape.cacheType ? shape.cacheType : inputType;
  SmallVector<Value, 2> added;
  for (int64_t cols : columns) {
    unsigned index = func.getNumArguments();
    func.insertArgument(
        index, RankedTensorType::get({1, shape.context, cols}, elem),
        DictionaryAttr::get(func.getContext()), operation->getLoc());
    added.push_back(func.getArgument(index));
  }
  op.setCaches(added);
  return success();
}

} // namespace

LogicalResult mlir::moe::makeServingStep(ModuleOp module,
                                         const ServingStepShape &shape) {
  if (shape.sequences <= 0 || shape.newTokens <= 0 || shape.context < 0)
    return emitError(module.getLoc())
           << "a serving step needs positive sequences and new tokens and a "
              "non-negative context";
  for (auto func : module.getOps<FunctionOpInterface>()) {
    if (func.isExternal())
      continue;
    SmallVector<AttentionOpInterface> attention;
    func.walk([&](AttentionOpInterface op) { attention.push_back(op); });
    SmallVector<Value> dropped;
    for (AttentionOpInterface op : attention) {
      op.setSequenceLength(shape.newTokens);
      if (failed(setCaches(op, func, shape, dropped)))
        return failure();
    }
    // Caches dropped from the program leave unused arguments.
    llvm::BitVector unused(func.getNumArguments());
    for (Value cache : dropped)
      if (auto arg = dyn_cast<BlockArgument>(cache);
          arg && arg.use_empty() &&
          arg.getOwner() == &func.getFunctionBody().front())
        unused.set(arg.getArgNumber());
    if (failed(func.eraseArguments(unused)))
      return failure();
    func.walk([&](DispatchOp dispatch) {
      dispatch.removeCapacityFactorAttr();
      dispatch.setDropless(true);
    });
    if (failed(resizeTokens(func, shape.sequences * shape.newTokens)))
      return failure();
  }
  return verify(module);
}

double mlir::moe::getKvBytesPerToken(ModuleOp module) {
  double bytes = 0;
  module.walk([&](CostModelOpInterface op) {
    SmallVector<Value, 2> caches;
    op.getCaches(caches);
    for (Value cache : caches) {
      auto type = dyn_cast<RankedTensorType>(cache.getType());
      if (!type || !type.hasStaticShape())
        continue;
      bytes += static_cast<double>(type.getDimSize(2)) * elementBytes(type);
    }
  });
  return bytes;
}
