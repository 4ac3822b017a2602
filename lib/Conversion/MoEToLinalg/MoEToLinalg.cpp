//===- MoEToLinalg.cpp - The --convert-moe-to-linalg pass -----------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/MoEToLinalg/MoEToLinalg.h"
#include "moe/Conversion/MoEToLinalg/TensorBuilder.h"
#include "moe/Conversion/Passes.h"
#include "moe/Dialect/MoE/IR/MoEDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::moe {
#define GEN_PASS_DEF_CONVERTMOETOLINALG
#include "moe/Conversion/Passes.h.inc"
} // namespace mlir::moe

using namespace mlir;
using namespace mlir::moe;

void mlir::moe::populateMoEToLinalgPatterns(RewritePatternSet &patterns) {
  mlir::moe::detail::populateRouterPatterns(patterns);
  mlir::moe::detail::populateDispatchCombinePatterns(patterns);
  mlir::moe::detail::populateFeedForwardPatterns(patterns);
  mlir::moe::detail::populateAttentionPatterns(patterns);
  mlir::moe::detail::populateNormEmbeddingPatterns(patterns);
}

namespace {

struct ConvertMoEToLinalgPass
    : moe::impl::ConvertMoEToLinalgBase<ConvertMoEToLinalgPass> {
  void runOnOperation() override {
    Operation *root = getOperation();
    // Name every op the patterns cannot handle rather than let the driver
    // report a bare "failed to legalize".
    bool unsupported = false;
    root->walk([&](Operation *op) {
      if (!isa<MoEDialect>(op->getDialect()))
        return;
      if (!hasStaticTensorShapes(op)) {
        op->emitOpError() << "has a dynamic shape; --convert-moe-to-linalg "
                             "needs static shapes";
        unsupported = true;
      }
      // A device's share of a context-parallel sequence is two chunks that
      // the token split (contiguous rows) does not describe, so the op has
      // no per-device program to lower to.
      auto attention = dyn_cast<AttentionOpInterface>(op);
      if (attention && attention.getContextGroup()) {
        op->emitOpError() << "is context-parallel; --convert-moe-to-linalg "
                             "lowers plans without cp only";
        unsupported = true;
      }
    });
    if (unsupported)
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<MoEDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    RewritePatternSet patterns(ctx);
    populateMoEToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(root, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
