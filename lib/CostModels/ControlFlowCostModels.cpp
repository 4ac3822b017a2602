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
        step.getSExtValue() <= 0)
      return failure();
    int64_t span = ub.getSExtValue() - lb.getSExtValue();
    int64_t s = step.getSExtValue();
    return span <= 0 ? 0 : (span + s - 1) / s;
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
