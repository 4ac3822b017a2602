//===- ShardCostModels.cpp - Cost of shard collectives ----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A collective's group is read off its grid and grid axes: the group size is
// the product of those axes, and the stride between members is the product of
// the faster-varying axes after them (devices are numbered row-major, so
// stride-1 groups share a node first). `moe.grad_sync` marks gradient
// synchronisation, which only runs in a training step.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModels/ModelHelpers.h"
#include "moe/CostModels/UpstreamCostModels.h"
#include "moe/Dialect/MoE/IR/MoEDialect.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Interfaces/PlanLayoutOpInterface.h"

#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

CollectiveKind kindOf(Operation *op) {
  if (isa<shard::AllToAllOp>(op))
    return CollectiveKind::AllToAll;
  if (isa<shard::AllReduceOp, shard::ReduceOp>(op))
    return CollectiveKind::AllReduce;
  if (isa<shard::AllGatherOp, shard::GatherOp>(op))
    return CollectiveKind::AllGather;
  if (isa<shard::ReduceScatterOp, shard::ScatterOp>(op))
    return CollectiveKind::ReduceScatter;
  if (isa<shard::BroadcastOp>(op))
    return CollectiveKind::Broadcast;
  return CollectiveKind::PointToPoint;
}

template <typename OpTy>
struct CollectiveCostModel
    : CostModelOpInterface::ExternalModel<CollectiveCostModel<OpTy>, OpTy> {
  LogicalResult getKernels(Operation *op, KernelList &kernels) const {
    auto collective = cast<OpTy>(op);
    int64_t size = 1, stride = 1;
    if (failed(lookupGridGroup(op, collective.getGridAttr(),
                               collective.getGridAxes(), size, stride)))
      return failure();
    auto isStatic = [](Value v) {
      auto type = dyn_cast<ShapedType>(v.getType());
      return type && type.hasStaticShape();
    };
    if (op->getNumResults() == 0 || !isStatic(op->getOperand(0)) ||
        !isStatic(op->getResult(0)))
      return failure();
    Value input = op->getOperand(0);
    kernels.push_back(makeExchange(
        kindOf(op), input, cast<ShapedType>(input.getType()).getShape(),
        tensorBytes(input), tensorBytes(op->getResult(0)), size, stride,
        op->hasAttr(MoEDialect::GradSyncAttrHelper::getNameStr())));
    return success();
  }
  /// A collective's backward is the transposed collective on the output
  /// gradient: it keeps nothing.
  double getSavedActivationBytes(Operation *) const { return 0; }
};

} // namespace

void mlir::moe::registerShardCostModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, shard::ShardDialect *) {
    using namespace shard;
    attachCostModels<CollectiveCostModel, AllGatherOp, AllReduceOp, AllToAllOp,
                     BroadcastOp, GatherOp, ReduceOp, ReduceScatterOp,
                     ScatterOp, SendOp, RecvOp, ShiftOp>(ctx);
    // Local slicing and metadata.
    attachCostModels<FreeCostModel, GridOp, GridShapeOp, ProcessMultiIndexOp,
                     ProcessLinearIndexOp, ShardingOp, ShardOp, ShardShapeOp,
                     GetShardingOp, AllSliceOp>(ctx);
  });
}
