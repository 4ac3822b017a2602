//===- NormEmbedding.cpp - Lower moe.rms_norm and moe.embedding -----------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/MoEToLinalg/TensorBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::moe;
using namespace mlir::moe::detail;

namespace {

struct RMSNormLowering : ComputeLowering<RMSNormOp> {
  using ComputeLowering::ComputeLowering;

  Value compute(RMSNormOp op, OpAdaptor adaptor, TensorBuilder &tb,
                Type type) const override {
    // The sum of squares accumulates in at least f32, as the spec asks.
    Value x = tb.convert(adaptor.getInput(), type);
    Value w = tb.convert(adaptor.getWeight(), type);
    ArrayRef<int64_t> shape = shapeOf(x);
    unsigned rank = shape.size();

    Value sumSq =
        tb.reduceLast(x, 0.0, [](OpBuilder &b, Location l, ValueRange args) {
          Value sq = arith::MulFOp::create(b, l, args[0], args[0]);
          return arith::AddFOp::create(b, l, args[1], sq);
        });
    Value invD = tb.floatConst(type, 1.0 / static_cast<double>(shape.back()));
    Value eps = tb.floatConst(type, op.getEpsilon().convertToDouble());
    SmallVector<unsigned> outer =
        llvm::to_vector(llvm::seq<unsigned>(rank - 1));
    // y = x / sqrt(sumSq / D + eps) * w
    Value y = tb.generic(
        {x, sumSq, w}, tb.empty(shape, type),
        {tb.identity(rank), tb.dims(rank, outer), tb.dims(rank, {rank - 1}),
         tb.identity(rank)},
        iterators(rank), [&](OpBuilder &b, Location l, ValueRange args) {
          Value mean = arith::MulFOp::create(b, l, args[1], invD);
          Value rms = math::SqrtOp::create(
              b, l, arith::AddFOp::create(b, l, mean, eps));
          Value normed = arith::DivFOp::create(b, l, args[0], rms);
          return arith::MulFOp::create(b, l, normed, args[2]);
        });
    return y;
  }
};

struct EmbeddingLowering : StaticShapeLowering<EmbeddingOp> {
  using StaticShapeLowering::StaticShapeLowering;

  LogicalResult lower(EmbeddingOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter,
                      TensorBuilder &tb) const override {
    Value table = adaptor.getTable();
    ArrayRef<int64_t> shape = shapeOf(op.getResult());
    // y[t, h] = table[ids[t], h]: a gather in the body of a generic.
    Value y = tb.generic(
        adaptor.getIds(), tb.empty(shape, elementTypeOf(table)),
        {tb.dims(2, {0}), tb.identity(2)}, iterators(2),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value row =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value h = linalg::IndexOp::create(b, l, 1);
          return tensor::ExtractOp::create(b, l, table, ValueRange{row, h});
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void mlir::moe::detail::populateNormEmbeddingPatterns(
    RewritePatternSet &patterns) {
  patterns.add<RMSNormLowering, EmbeddingLowering>(patterns.getContext());
}
