//===- WSECostModel.cpp - Kernels of the wse ops ----------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The wse ops describe weight streaming, gradient reduction and batch tiling
// as kernels; docs/CostModel.md ("Wafer-scale plans") gives the formulas.
// None of them keeps activations for the backward pass: the moe ops they
// wrap or feed account for those.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/WSE/IR/WSEOps.h"

using namespace mlir;
using namespace mlir::wse;

namespace {
bool isStatic(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  return shaped && shaped.hasStaticShape();
}
} // namespace

LogicalResult StreamWeightsOp::getKernels(moe::KernelList &kernels) {
  if (!isStatic(getWeight().getType()))
    return failure();
  kernels.push_back(moe::makeWeightStream(
      "stream-in", moe::tensorBytes(getWeight()), getSystems(), false));
  return success();
}

double StreamWeightsOp::getSavedActivationBytes() { return 0; }

LogicalResult ReduceGradientsOp::getKernels(moe::KernelList &kernels) {
  if (!isStatic(getWeight().getType()))
    return failure();
  kernels.push_back(moe::makeWeightStream(
      "grad-out", moe::tensorBytes(getWeight()), getSystems(), true));
  return success();
}

double ReduceGradientsOp::getSavedActivationBytes() { return 0; }

// MemoryX runs the update: no wafer kernel (docs/CostModel.md).
LogicalResult OptimizerStepOp::getKernels(moe::KernelList &) {
  return success();
}

double OptimizerStepOp::getSavedActivationBytes() { return 0; }

LogicalResult BatchTilesOp::getKernels(moe::KernelList &kernels) {
  if (!isStatic(getInput().getType()) || !isStatic(getResult().getType()))
    return failure();
  // Splitting is a view; regrouping writes the G tiles into one batch: read
  // and write the result once. One tile needs no regrouping.
  if (getTiles() > 1) {
    double bytes = moe::tensorBytes(getResult());
    kernels.push_back(moe::makeMemory(
        "regroup", 2 * bytes, 0, moe::elementBytes(getResult().getType())));
  }
  return success();
}

double BatchTilesOp::getSavedActivationBytes() { return 0; }

FailureOr<int64_t> BatchTilesOp::getRegionTripCount() { return getTiles(); }

LogicalResult YieldOp::getKernels(moe::KernelList &) { return success(); }

double YieldOp::getSavedActivationBytes() { return 0; }
