//===- FeedForward.cpp - Lower moe.experts and moe.ffn --------------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/MoEToLinalg/TensorBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::moe;
using namespace mlir::moe::detail;

namespace {

/// `(act(x @ gate) * (x @ up)) @ down`, or `act(x @ up) @ down` without a
/// gate, with `matmul` the plain or the batched product.
template <typename MatmulFn>
Value buildFfn(TensorBuilder &tb, Value x, Value gate, Value up, Value down,
               Activation act, MatmulFn matmul) {
  Type type = elementTypeOf(x);
  Value upProj = matmul(x, tb.convert(up, type));
  Value hidden;
  if (gate) {
    Value gated = tb.activation(matmul(x, tb.convert(gate, type)), act);
    hidden = tb.map({gated, upProj}, type,
                    [](OpBuilder &b, Location l, ValueRange args) {
                      return arith::MulFOp::create(b, l, args[0], args[1]);
                    });
  } else {
    hidden = tb.activation(upProj, act);
  }
  return matmul(hidden, tb.convert(down, type));
}

struct ExpertsLowering : ComputeLowering<ExpertsOp> {
  using ComputeLowering::ComputeLowering;

  Value compute(ExpertsOp op, OpAdaptor adaptor, TensorBuilder &tb,
                Type type) const override {
    // One batch per expert: [E, C, H] x [E, H, F] -> [E, C, F].
    Value y =
        buildFfn(tb, tb.convert(adaptor.getInput(), type), adaptor.getGate(),
                 adaptor.getUp(), adaptor.getDown(), op.getActivation(),
                 [&](Value a, Value b) { return tb.batchMatmul(a, b); });
    return y;
  }
};

struct FFNLowering : ComputeLowering<FFNOp> {
  using ComputeLowering::ComputeLowering;

  Value compute(FFNOp op, OpAdaptor adaptor, TensorBuilder &tb,
                Type type) const override {
    Value y =
        buildFfn(tb, tb.convert(adaptor.getInput(), type), adaptor.getGate(),
                 adaptor.getUp(), adaptor.getDown(), op.getActivation(),
                 [&](Value a, Value b) { return tb.matmul(a, b); });
    return y;
  }
};

} // namespace

void mlir::moe::detail::populateFeedForwardPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ExpertsLowering, FFNLowering>(patterns.getContext());
}
