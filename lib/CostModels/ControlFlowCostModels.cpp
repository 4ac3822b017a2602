//===- ControlFlowCostModels.cpp - Cost of scf and func ops -----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// scf.for costs its body times its static trip count; terminators are free.
// func.call needs no model: the analysis follows every CallOpInterface into
// its callee.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModels/ModelHelpers.h"
#include "moe/CostModels/UpstreamCostModels.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

struct ForCostModel
    : CostModelOpInterface::ExternalModel<ForCostModel, scf::ForOp> {
  LogicalResult getKernels(Operation *, KernelList &) const {
    return success();
  }
  FailureOr<int64_t> getRegionTripCount(Operation *op) const {
    auto loop = cast<scf::ForOp>(op);
    APInt lb, ub, step;
    if (!matchPattern(loop.getLowerBound(), m_ConstantInt(&lb)) ||
        !matchPattern(loop.getUpperBound(), m_ConstantInt(&ub)) ||
        !matchPattern(loop.getStep(), m_ConstantInt(&step)) ||
        !step.isStrictlyPositive())
      return failure();
    // In 128 bits: INT64_MIN to INT64_MAX is 2^64 - 1 trips, which 64-bit
    // arithmetic wraps to a negative span. Counts beyond int64 saturate;
    // the cost analysis rejects anything above kMaxCount.
    APInt span = ub.sext(128) - lb.sext(128);
    if (!span.isStrictlyPositive())
      return 0;
    APInt s = step.sext(128);
    APInt trips = (span + s - 1).udiv(s);
    return trips.getActiveBits() > 63 ? INT64_MAX : trips.getSExtValue();
  }
};

} // namespace

void mlir::moe::registerControlFlowCostModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, scf::SCFDialect *) {
    scf::ForOp::attachInterface<ForCostModel>(*ctx);
    attachCostModels<FreeCostModel, scf::YieldOp, scf::ConditionOp>(ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, func::FuncDialect *) {
    attachCostModels<FreeCostModel, func::ReturnOp>(ctx);
  });
}

void mlir::moe::registerUpstreamCostModels(DialectRegistry &registry) {
  registerLinalgCostModels(registry);
  registerElementwiseCostModels(registry);
  registerTensorCostModels(registry);
  registerShardCostModels(registry);
  registerControlFlowCostModels(registry);
}
