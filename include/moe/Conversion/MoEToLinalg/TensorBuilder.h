//===- TensorBuilder.h - Helpers for the moe-to-linalg patterns -*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The building blocks the moe-to-linalg patterns share: tensors filled with a
// constant, matmuls with a zero accumulator, `linalg.generic`s from a body
// callback, reductions and softmax over the last dimension, activations and
// element-type conversions. All shapes are static.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_CONVERSION_MOETOLINALG_TENSORBUILDER_H
#define MOE_CONVERSION_MOETOLINALG_TENSORBUILDER_H

#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::moe::detail {

/// Computes the body of a `linalg.generic` from its block arguments (the
/// input elements, then the output elements) and returns the value to yield.
using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// Builds tensor computations at one location.
class TensorBuilder {
public:
  TensorBuilder(OpBuilder &builder, Location loc) : b(builder), loc(loc) {}

  OpBuilder &getBuilder() { return b; }
  Location getLoc() const { return loc; }

  //===--------------------------------------------------------------------===//
  // Scalars
  //===--------------------------------------------------------------------===//

  Value index(int64_t value);
  Value i32(int64_t value);
  /// A constant of the float type `type`.
  Value floatConst(Type type, double value);

  //===--------------------------------------------------------------------===//
  // Tensors
  //===--------------------------------------------------------------------===//

  Value empty(ArrayRef<int64_t> shape, Type elementType);
  /// A tensor with every element `scalar` (`linalg.fill`).
  Value filled(ArrayRef<int64_t> shape, Value scalar);
  /// A float tensor of `value`s, or an integer tensor of zeros when
  /// `elementType` is an integer type.
  Value full(ArrayRef<int64_t> shape, Type elementType, double value);
  Value zeros(ArrayRef<int64_t> shape, Type elementType) {
    return full(shape, elementType, 0.0);
  }

  /// `linalg.generic` with one output `init`. `maps` holds the indexing maps
  /// of the inputs followed by the output's.
  Value generic(ValueRange inputs, Value init, ArrayRef<AffineMap> maps,
                ArrayRef<utils::IteratorType> iterators, BodyFn body);
  /// Element-wise `linalg.generic` over inputs of one shape; the result has
  /// that shape and `resultElementType`.
  Value map(ValueRange inputs, Type resultElementType, BodyFn body);

  /// `a @ b` for `[M, K] x [K, N]`, accumulated from zero.
  Value matmul(Value a, Value bm);
  /// Batched `a @ b` for `[B, M, K] x [B, K, N]`.
  Value batchMatmul(Value a, Value bm);

  /// Reduces the last dimension of `x` with `combine(element, accumulator)`
  /// starting from `init`; the result drops that dimension.
  Value reduceLast(Value x, double init, BodyFn combine);
  /// `y[..., j] = x[..., j] op r[...]` for a tensor `r` shaped like `x`
  /// without its last dimension.
  Value broadcastLast(Value x, Value r, Type resultElementType, BodyFn body);
  /// Softmax over the last dimension, shifted by the row maximum. Entries of
  /// -inf get weight zero; every row needs one finite entry.
  Value softmaxLast(Value x);

  /// Converts every element to the float type `elementType` (extf/truncf);
  /// returns `x` when it already has that element type.
  Value convert(Value x, Type elementType);
  /// Applies an FFN activation element-wise (silu, gelu or relu; the gated
  /// kinds name the activation of their gate).
  Value activation(Value x, Activation act);

  Value expandShape(Value x, ArrayRef<int64_t> shape,
                    ArrayRef<ReassociationIndices> reassociation);
  Value collapseShape(Value x, ArrayRef<ReassociationIndices> reassociation);
  /// A unit-stride static slice.
  Value slice(Value x, ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes);
  /// Inserts all of `source` into `dest` at `offsets` (unit strides).
  Value insertSlice(Value source, Value dest, ArrayRef<int64_t> offsets);

  /// The affine map `(d0, ..., d{numDims-1}) -> (d{results[0]}, ...)`.
  AffineMap dims(unsigned numDims, ArrayRef<unsigned> results);
  AffineMap identity(unsigned numDims);

private:
  OpBuilder &b;
  Location loc;
};

/// Static shape of a ranked tensor value.
ArrayRef<int64_t> shapeOf(Value v);
/// Element type of a shaped value.
Type elementTypeOf(Value v);

/// The float type an op computes in: f32 for narrower floats (bf16, f16,
/// f8), else the element type itself. Results are rounded once, at the end.
Type getComputeType(Type elementType);

/// An activation applied to one scalar: silu for swiglu/silu, gelu (the erf
/// form) for geglu/gelu, relu.
Value applyActivation(OpBuilder &b, Location loc, Value x, Activation act);

/// `n` iterator types, all parallel, then `reductions` reductions.
SmallVector<utils::IteratorType> iterators(unsigned parallel,
                                           unsigned reductions = 0);

/// Reports a match failure unless every tensor of `op` has a static shape.
LogicalResult requireStaticShapes(Operation *op, PatternRewriter &rewriter);

/// The lowering of a moe op: its shapes are laid out at compile time, so it
/// applies to static shapes only; `lower` builds the replacement with a
/// TensorBuilder at the op.
template <typename OpTy>
struct StaticShapeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const final {
    if (failed(requireStaticShapes(op, rewriter)))
      return failure();
    TensorBuilder tb(rewriter, op.getLoc());
    return lower(op, adaptor, rewriter, tb);
  }

  virtual LogicalResult lower(OpTy op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter,
                              TensorBuilder &tb) const = 0;
};

/// The lowering of a moe op with one result, computed in the compute type
/// of its element type (getComputeType) and converted back.
template <typename OpTy>
struct ComputeLowering : StaticShapeLowering<OpTy> {
  using StaticShapeLowering<OpTy>::StaticShapeLowering;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult lower(OpTy op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter,
                      TensorBuilder &tb) const final {
    Type elementType = elementTypeOf(op->getResult(0));
    Value y = compute(op, adaptor, tb, getComputeType(elementType));
    rewriter.replaceOp(op, tb.convert(y, elementType));
    return success();
  }

  /// The op's result, in compute type `type`.
  virtual Value compute(OpTy op, OpAdaptor adaptor, TensorBuilder &tb,
                        Type type) const = 0;
};

void populateRouterPatterns(RewritePatternSet &patterns);
void populateDispatchCombinePatterns(RewritePatternSet &patterns);
void populateFeedForwardPatterns(RewritePatternSet &patterns);
void populateAttentionPatterns(RewritePatternSet &patterns);
void populateNormEmbeddingPatterns(RewritePatternSet &patterns);

} // namespace mlir::moe::detail

#endif // MOE_CONVERSION_MOETOLINALG_TENSORBUILDER_H
