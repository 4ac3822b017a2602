//===- WSEToSCF.cpp - The --convert-wse-to-scf pass -----------------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The forward meaning of a wafer-scale plan: weight streaming moves values
// without changing them, and batch tiling is a loop over tiles of whole
// sequences whose results are written back in order (docs/Spec.md, "wse").
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/Passes.h"
#include "moe/Dialect/WSE/IR/WSEOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::moe {
#define GEN_PASS_DEF_CONVERTWSETOSCF
#include "moe/Conversion/Passes.h.inc"
} // namespace mlir::moe

using namespace mlir;

namespace {

/// `wse.batch_tiles` as `scf.for %i = 0 to G` with the tile sliced out of
/// the input and its result inserted into the loop-carried result.
struct BatchTilesLowering : OpConversionPattern<wse::BatchTilesOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(wse::BatchTilesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    RankedTensorType tileType = op.getTileType();
    Block &body = op.getBody().front();
    auto yield = cast<wse::YieldOp>(body.getTerminator());
    auto tileResultType = cast<RankedTensorType>(yield.getValue().getType());

    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType());
    Value lower = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value upper = arith::ConstantIndexOp::create(rewriter, loc, op.getTiles());
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(rewriter, loc, lower, upper, step, init);

    // Rows [i * R, (i + 1) * R) of a matrix of `cols` columns.
    Block *loopBody = loop.getBody();
    rewriter.setInsertionPointToStart(loopBody);
    Value iv = loop.getInductionVar();
    auto rowsOf = [&](RankedTensorType type, int64_t &cols) {
      cols = type.getDimSize(1);
      Value rows =
          arith::ConstantIndexOp::create(rewriter, loc, type.getDimSize(0));
      return arith::MulIOp::create(rewriter, loc, iv, rows).getResult();
    };
    auto strides = SmallVector<OpFoldResult>(2, rewriter.getIndexAttr(1));
    int64_t inCols = 0;
    Value inOffset = rowsOf(tileType, inCols);
    Value tile = tensor::ExtractSliceOp::create(
        rewriter, loc, tileType, adaptor.getInput(),
        ArrayRef<OpFoldResult>{inOffset, rewriter.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(tileType.getDimSize(0)),
                               rewriter.getIndexAttr(inCols)},
        strides);
    rewriter.inlineBlockBefore(&body, loopBody, loopBody->end(),
                               ValueRange{tile});

    rewriter.setInsertionPoint(yield);
    int64_t outCols = 0;
    Value outOffset = rowsOf(tileResultType, outCols);
    Value inserted = tensor::InsertSliceOp::create(
        rewriter, loc, yield.getValue(), loop.getRegionIterArgs()[0],
        ArrayRef<OpFoldResult>{outOffset, rewriter.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{
            rewriter.getIndexAttr(tileResultType.getDimSize(0)),
            rewriter.getIndexAttr(outCols)},
        strides);
    rewriter.replaceOpWithNewOp<scf::YieldOp>(yield, inserted);
    rewriter.replaceOp(op, loop.getResults());
    return success();
  }
};

/// The wafer copy of a weight holds the weight's values.
struct StreamWeightsLowering : OpConversionPattern<wse::StreamWeightsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(wse::StreamWeightsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getWeight());
    return success();
  }
};

struct ConvertWSEToSCFPass
    : moe::impl::ConvertWSEToSCFBase<ConvertWSEToSCFPass> {
  void runOnOperation() override {
    Operation *root = getOperation();
    // The backward pass these ops stand for is not in the program: name
    // them rather than let the driver report a bare "failed to legalize".
    bool training = false;
    root->walk(
        [&](Operation *op) {
          if (!isa<wse::ReduceGradientsOp, wse::OptimizerStepOp>(op))
            return;
          op->emitOpError()
              << "stands for the training step's backward pass and weight "
                 "update, which the program does not compute; plan with "
                 "phase=forward to run the step's forward pass";
          training = true;
        });
    if (training)
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<wse::WSEDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    patterns.add<BatchTilesLowering, StreamWeightsLowering>(ctx);
    if (failed(applyPartialConversion(root, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
