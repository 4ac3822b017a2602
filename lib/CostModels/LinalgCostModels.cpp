//===- LinalgCostModels.cpp - Cost of linalg structured ops -----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// One model for every structured op, driven by the LinalgOp interface:
// contractions (matmul, batch_matmul, generic contractions) become GEMMs with
// their M, N, K and batch; everything else is memory-bound with one FLOP per
// payload arithmetic op per iteration.
//
//===----------------------------------------------------------------------===//

#include "moe/CostModels/ModelHelpers.h"
#include "moe/CostModels/UpstreamCostModels.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

double product(ArrayRef<int64_t> ranges, ArrayRef<unsigned> dims) {
  double p = 1;
  for (unsigned d : dims)
    p *= static_cast<double>(ranges[d]);
  return p;
}

template <typename OpTy>
struct LinalgCostModel
    : CostModelOpInterface::ExternalModel<LinalgCostModel<OpTy>, OpTy> {
  LogicalResult getKernels(Operation *op, KernelList &kernels) const {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic))
      return failure();
    unsigned b = linalgOp.getNumDpsInits() > 0
                     ? elementBytes(linalgOp.getDpsInits()[0].getType())
                     : 2;

    if (linalg::isaContractionOpInterface(linalgOp)) {
      FailureOr<linalg::ContractionDimensions> dims =
          linalg::inferContractionDims(linalgOp);
      if (succeeded(dims)) {
        auto size = [&](ArrayRef<unsigned> d) {
          return static_cast<int64_t>(product(ranges, d));
        };
        bool weight = linalgOp.getNumDpsInputs() >= 2 &&
                      isParameter(linalgOp.getDpsInputs()[1]);
        kernels.push_back(makeGemm("matmul", size(dims->batch), size(dims->m),
                                   size(dims->n), size(dims->k), b, weight));
        return success();
      }
    }

    // Memory-bound: inputs read once, inits read only when the payload uses
    // them, results written once.
    double bytes = 0;
    for (OpOperand *input : linalgOp.getDpsInputOperands())
      bytes += tensorBytes(input->get());
    for (OpOperand &init : linalgOp.getDpsInitsMutable()) {
      if (linalgOp.payloadUsesValueFromOperand(&init))
        bytes += tensorBytes(init.get());
      bytes += tensorBytes(init.get());
    }
    double payloadOps = 0;
    for (Operation &inner : linalgOp.getBlock()->without_terminator())
      if (inner.getNumResults() > 0 &&
          isa<FloatType>(inner.getResult(0).getType()))
        payloadOps += 1;
    double iterations =
        product(ranges, llvm::to_vector(llvm::seq<unsigned>(0, ranges.size())));
    kernels.push_back(makeMemory("linalg", bytes, iterations * payloadOps, b));
    return success();
  }

  void getParameters(Operation *op,
                     SmallVectorImpl<ParameterUse> &params) const {
    for (Value input : cast<linalg::LinalgOp>(op).getDpsInputs())
      if (isParameter(input))
        params.push_back({input, 1.0});
  }

  /// The payload is part of the op's own kernels.
  FailureOr<int64_t> getRegionTripCount(Operation *) const { return 0; }
};

template <typename... Ops>
void attachLinalg(MLIRContext *ctx) {
  attachCostModels<LinalgCostModel, Ops...>(ctx);
}

} // namespace

void mlir::moe::registerLinalgCostModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, linalg::LinalgDialect *) {
    attachLinalg<
#define GET_OP_LIST
#include "mlir/Dialect/Linalg/IR/LinalgStructuredOps.cpp.inc"
        >(ctx);
    // The payload's terminator and iteration indices are part of the
    // structured op's kernel.
    attachCostModels<FreeCostModel, linalg::YieldOp, linalg::IndexOp>(ctx);
  });
}
