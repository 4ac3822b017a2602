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

#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

/// Group size and member stride of a collective on `grid` over `axes`.
LogicalResult getGroup(Operation *op, FlatSymbolRefAttr gridName,
                       ArrayRef<int16_t> axes, int64_t &size, int64_t &stride) {
  auto grid = SymbolTable::lookupNearestSymbolFrom<shard::GridOp>(op, gridName);
  if (!grid)
    return failure();
  ArrayRef<int64_t> shape = grid.getShape();
  size = 1;
  stride = 1;
  int16_t last = -1;
  for (int16_t axis : axes) {
    if (axis < 0 || axis >= static_cast<int16_t>(shape.size()) ||
        ShapedType::isDynamic(shape[axis]))
      return failure();
    size *= shape[axis];
    last = std::max(last, axis);
  }
  for (size_t i = last + 1; i < shape.size(); ++i) {
    if (ShapedType::isDynamic(shape[i]))
      return failure();
    stride *= shape[i];
  }
  return success();
}

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
    Kernel kernel;
    kernel.kind = KernelKind::Collective;
    kernel.name = "collective";
    kernel.collective = kindOf(op);
    if (failed(getGroup(op, collective.getGridAttr(), collective.getGridAxes(),
                        kernel.groupSize, kernel.groupStride)))
      return failure();
    // The buffer each device holds: the gathered result for all-gather, the
    // input otherwise.
    Value buffer = kernel.collective == CollectiveKind::AllGather
                       ? op->getResult(0)
                       : op->getOperand(0);
    auto type = dyn_cast<ShapedType>(buffer.getType());
    if (!type || !type.hasStaticShape())
      return failure();
    kernel.bufferBytes = tensorBytes(buffer);
    kernel.elemBytes = elementBytes(type);
    kernel.backwardOnly =
        op->hasAttr(MoEDialect::GradSyncAttrHelper::getNameStr());
    kernels.push_back(kernel);
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
