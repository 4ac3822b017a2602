//===- TensorCostModels.cpp - Cost of tensor ops ----------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Views and metadata (casts, reshapes, slices that a bufferizer turns into
// subviews) are free. Ops that build a new tensor move it: read and write the
// data once. insert_slice moves only its source, in place.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModels/ModelHelpers.h"
#include "moe/CostModels/UpstreamCostModels.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

/// Read and write the op's first result (or, for insert_slice, its source).
template <typename OpTy>
struct CopyCostModel
    : CostModelOpInterface::ExternalModel<CopyCostModel<OpTy>, OpTy> {
  LogicalResult getKernels(Operation *op, KernelList &kernels) const {
    Value moved = op->getResult(0);
    if (auto insert = dyn_cast<tensor::InsertSliceOp>(op))
      moved = insert.getSource();
    auto type = dyn_cast<ShapedType>(moved.getType());
    if (!type)
      return success(); // scalar insert/extract: a register move
    if (!type.hasStaticShape())
      return failure();
    Kernel copy =
        makeMemory("copy", 2 * tensorBytes(moved), 0, elementBytes(type));
    // The backward moves the gradient back: the same traffic.
    copy.backwardTraffic = 1;
    kernels.push_back(copy);
    return success();
  }
  /// tensor.generate's body is part of the copy.
  FailureOr<int64_t> getRegionTripCount(Operation *) const { return 0; }
};

} // namespace

void mlir::moe::registerTensorCostModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, tensor::TensorDialect *) {
    using namespace tensor;
    attachCostModels<FreeCostModel, BitcastOp, CastOp, DimOp, EmptyOp,
                     ExtractOp, ExtractSliceOp, RankOp, ExpandShapeOp,
                     CollapseShapeOp, YieldOp>(ctx);
    attachCostModels<CopyCostModel, ConcatOp, FromElementsOp, GatherOp,
                     GenerateOp, InsertOp, InsertSliceOp, PadOp, ScatterOp,
                     SplatOp>(ctx);
  });
}
