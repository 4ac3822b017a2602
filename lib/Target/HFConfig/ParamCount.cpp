//===- ParamCount.cpp - Count the weights of an imported model --*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// This file counts total and active parameters from the weight arguments of
// an imported `@forward`, so the counts follow from the IR rather than from
// a second reading of the config. An argument counts once however many ops
// read it (a tied embedding table is one argument).
//
//===----------------------------------------------------------------------===//

#include "moe/Target/HFConfig/HFConfig.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/Support/CheckedArithmetic.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

namespace {

/// The `moe.experts` op reading `arg` as a weight, if any.
ExpertsOp getExpertsUser(Value arg) {
  for (Operation *user : arg.getUsers()) {
    auto experts = dyn_cast<ExpertsOp>(user);
    if (experts && (experts.getGate() == arg || experts.getUp() == arg ||
                    experts.getDown() == arg))
      return experts;
  }
  return {};
}

bool isEmbeddingTable(Value arg) {
  return llvm::any_of(arg.getUsers(), [&](Operation *user) {
    auto embedding = dyn_cast<EmbeddingOp>(user);
    return embedding && embedding.getTable() == arg;
  });
}

/// True if `arg` is the weight of the LM head: the right-hand side of a
/// `linalg.matmul` (the importer uses no other matmul).
bool isLMHead(Value arg) {
  return llvm::any_of(arg.getUsers(), [&](Operation *user) {
    auto matmul = dyn_cast<linalg::MatmulOp>(user);
    return matmul && matmul.getDpsInputs()[1] == arg;
  });
}

} // namespace

FailureOr<ParamCount> mlir::moe::countParameters(func::FuncOp func) {
  // The share of each weight one token uses is what the ops reading it say
  // (CostModelOpInterface::getParameters: top_k / E for routed experts), as
  // the cost analysis counts active parameters.
  llvm::DenseMap<Value, double> activeFraction;
  func.walk([&](CostModelOpInterface op) {
    SmallVector<ParameterUse> uses;
    op.getParameters(uses);
    for (const ParameterUse &use : uses)
      activeFraction.try_emplace(use.weight, use.activeFraction);
  });

  ParamCount count;
  auto overflow = [&](BlockArgument arg) {
    emitError(arg.getLoc()) << "parameter count overflows a 64-bit integer";
    return failure();
  };
  for (BlockArgument arg : func.getArguments()) {
    if (!getParamName(func, arg.getArgNumber()))
      continue;
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape()) {
      emitError(arg.getLoc()) << "weight argument #" << arg.getArgNumber()
                              << " needs a statically shaped tensor type";
      return failure();
    }
    std::optional<int64_t> numel = 1;
    for (int64_t size : type.getShape())
      if (numel)
        numel = llvm::checkedMul(*numel, size);
    if (!numel)
      return overflow(arg);

    auto fraction = activeFraction.find(arg);
    int64_t active =
        fraction == activeFraction.end()
            ? *numel
            : std::llround(static_cast<double>(*numel) * fraction->second);
    if (getExpertsUser(arg)) {
      std::optional<int64_t> expert = llvm::checkedAdd(count.expert, *numel);
      if (!expert)
        return overflow(arg);
      count.expert = *expert;
    }
    if (isEmbeddingTable(arg))
      count.embedding += *numel;
    else if (isLMHead(arg))
      count.lmHead += *numel;
    std::optional<int64_t> total = llvm::checkedAdd(count.total, *numel);
    std::optional<int64_t> activeSum = llvm::checkedAdd(count.active, active);
    if (!total || !activeSum)
      return overflow(arg);
    count.total = *total;
    count.active = *activeSum;
  }
  return count;
}
