//===- TensorBuilder.cpp - Helpers for the moe-to-linalg patterns ---------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/MoEToLinalg/TensorBuilder.h"
#include "moe/Conversion/MoEToLinalg/MoEToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::moe;
using namespace mlir::moe::detail;

ArrayRef<int64_t> mlir::moe::detail::shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

Type mlir::moe::detail::elementTypeOf(Value v) {
  return cast<ShapedType>(v.getType()).getElementType();
}

Type mlir::moe::detail::getComputeType(Type elementType) {
  auto floatType = cast<FloatType>(elementType);
  if (floatType.getWidth() < 32)
    return Float32Type::get(elementType.getContext());
  return elementType;
}

SmallVector<utils::IteratorType>
mlir::moe::detail::iterators(unsigned parallel, unsigned reductions) {
  SmallVector<utils::IteratorType> result(parallel,
                                          utils::IteratorType::parallel);
  result.append(reductions, utils::IteratorType::reduction);
  return result;
}

LogicalResult
mlir::moe::detail::requireStaticShapes(Operation *op,
                                       PatternRewriter &rewriter) {
  if (hasStaticTensorShapes(op))
    return success();
  return rewriter.notifyMatchFailure(
      op, "dynamic shapes are not supported: capacity, sequences and heads "
          "are laid out at compile time");
}

bool mlir::moe::hasStaticTensorShapes(Operation *op) {
  auto isStatic = [](Type type) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor && tensor.hasStaticShape();
  };
  return llvm::all_of(op->getOperandTypes(), isStatic) &&
         llvm::all_of(op->getResultTypes(), isStatic);
}

Value mlir::moe::detail::applyActivation(OpBuilder &b, Location loc, Value x,
                                         Activation act) {
  Type type = x.getType();
  auto cst = [&](double v) {
    return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, v));
  };
  switch (act) {
  case Activation::swiglu:
  case Activation::silu: {
    // silu(z) = z / (1 + exp(-z))
    Value negated = arith::NegFOp::create(b, loc, x);
    Value exp = math::ExpOp::create(b, loc, negated);
    Value denom = arith::AddFOp::create(b, loc, cst(1.0), exp);
    return arith::DivFOp::create(b, loc, x, denom);
  }
  case Activation::geglu:
  case Activation::gelu: {
    // gelu(z) = z * (1 + erf(z / sqrt(2))) / 2, the exact form of the spec.
    Value scaled = arith::MulFOp::create(b, loc, x, cst(M_SQRT1_2));
    Value erf = math::ErfOp::create(b, loc, scaled);
    Value onePlus = arith::AddFOp::create(b, loc, cst(1.0), erf);
    Value half = arith::MulFOp::create(b, loc, x, cst(0.5));
    return arith::MulFOp::create(b, loc, half, onePlus);
  }
  case Activation::relu:
    return arith::MaximumFOp::create(b, loc, x, cst(0.0));
  }
  llvm_unreachable("unknown activation");
}

//===----------------------------------------------------------------------===//
// TensorBuilder
//===----------------------------------------------------------------------===//

Value TensorBuilder::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value TensorBuilder::i32(int64_t value) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
}

Value TensorBuilder::floatConst(Type type, double value) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, value));
}

Value TensorBuilder::empty(ArrayRef<int64_t> shape, Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, elementType);
}

Value TensorBuilder::filled(ArrayRef<int64_t> shape, Value scalar) {
  Value init = empty(shape, scalar.getType());
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{init})
      .getResult(0);
}

Value TensorBuilder::full(ArrayRef<int64_t> shape, Type elementType,
                          double value) {
  Value scalar;
  if (isa<FloatType>(elementType))
    scalar = floatConst(elementType, value);
  else
    scalar = arith::ConstantIntOp::create(b, loc, elementType,
                                          static_cast<int64_t>(value));
  return filled(shape, scalar);
}

Value TensorBuilder::generic(ValueRange inputs, Value init,
                             ArrayRef<AffineMap> maps,
                             ArrayRef<utils::IteratorType> iteratorTypes,
                             BodyFn body) {
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iteratorTypes,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                body(nested, nestedLoc, args));
      });
  return op.getResult(0);
}

Value TensorBuilder::map(ValueRange inputs, Type resultElementType,
                         BodyFn body) {
  ArrayRef<int64_t> shape = shapeOf(inputs.front());
  unsigned rank = shape.size();
  SmallVector<AffineMap> maps(inputs.size() + 1, identity(rank));
  return generic(inputs, empty(shape, resultElementType), maps, iterators(rank),
                 body);
}

Value TensorBuilder::matmul(Value a, Value bm) {
  Type type = elementTypeOf(a);
  Value acc = zeros({shapeOf(a)[0], shapeOf(bm)[1]}, type);
  return linalg::MatmulOp::create(b, loc, TypeRange{acc.getType()},
                                  ValueRange{a, bm}, ValueRange{acc})
      .getResult(0);
}

Value TensorBuilder::batchMatmul(Value a, Value bm) {
  Type type = elementTypeOf(a);
  Value acc = zeros({shapeOf(a)[0], shapeOf(a)[1], shapeOf(bm)[2]}, type);
  return linalg::BatchMatmulOp::create(b, loc, TypeRange{acc.getType()},
                                       ValueRange{a, bm}, ValueRange{acc})
      .getResult(0);
}

Value TensorBuilder::reduceLast(Value x, double init, BodyFn combine) {
  ArrayRef<int64_t> shape = shapeOf(x);
  unsigned rank = shape.size();
  SmallVector<unsigned> outer = llvm::to_vector(llvm::seq<unsigned>(rank - 1));
  Value acc = full(shape.drop_back(), elementTypeOf(x), init);
  return generic(x, acc, {identity(rank), dims(rank, outer)},
                 iterators(rank - 1, 1), combine);
}

Value TensorBuilder::broadcastLast(Value x, Value r, Type resultElementType,
                                   BodyFn body) {
  ArrayRef<int64_t> shape = shapeOf(x);
  unsigned rank = shape.size();
  SmallVector<unsigned> outer = llvm::to_vector(llvm::seq<unsigned>(rank - 1));
  return generic({x, r}, empty(shape, resultElementType),
                 {identity(rank), dims(rank, outer), identity(rank)},
                 iterators(rank), body);
}

Value TensorBuilder::softmaxLast(Value x) {
  Type type = elementTypeOf(x);
  double negInf = -std::numeric_limits<double>::infinity();
  Value rowMax =
      reduceLast(x, negInf, [](OpBuilder &nb, Location nl, ValueRange args) {
        return arith::MaximumFOp::create(nb, nl, args[0], args[1]);
      });
  Value exps = broadcastLast(
      x, rowMax, type, [](OpBuilder &nb, Location nl, ValueRange args) {
        Value shifted = arith::SubFOp::create(nb, nl, args[0], args[1]);
        return math::ExpOp::create(nb, nl, shifted);
      });
  Value sums =
      reduceLast(exps, 0.0, [](OpBuilder &nb, Location nl, ValueRange args) {
        return arith::AddFOp::create(nb, nl, args[0], args[1]);
      });
  return broadcastLast(exps, sums, type,
                       [](OpBuilder &nb, Location nl, ValueRange args) {
                         return arith::DivFOp::create(nb, nl, args[0], args[1]);
                       });
}

Value TensorBuilder::convert(Value x, Type elementType) {
  Type from = elementTypeOf(x);
  if (from == elementType)
    return x;
  bool widen = cast<FloatType>(from).getWidth() <
               cast<FloatType>(elementType).getWidth();
  return map(x, elementType,
             [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
               if (widen)
                 return arith::ExtFOp::create(nb, nl, elementType, args[0]);
               return arith::TruncFOp::create(nb, nl, elementType, args[0]);
             });
}

Value TensorBuilder::activation(Value x, Activation act) {
  return map(x, elementTypeOf(x),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               return applyActivation(nb, nl, args[0], act);
             });
}

Value TensorBuilder::expandShape(Value x, ArrayRef<int64_t> shape,
                                 ArrayRef<ReassociationIndices> reassociation) {
  auto type = RankedTensorType::get(shape, elementTypeOf(x));
  return tensor::ExpandShapeOp::create(b, loc, type, x, reassociation);
}

Value TensorBuilder::collapseShape(
    Value x, ArrayRef<ReassociationIndices> reassociation) {
  return tensor::CollapseShapeOp::create(b, loc, x, reassociation);
}

Value TensorBuilder::slice(Value x, ArrayRef<int64_t> offsets,
                           ArrayRef<int64_t> sizes) {
  SmallVector<OpFoldResult> ones(offsets.size(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(
      b, loc, x, getAsIndexOpFoldResult(b.getContext(), offsets),
      getAsIndexOpFoldResult(b.getContext(), sizes), ones);
}

Value TensorBuilder::insertSlice(Value source, Value dest,
                                 ArrayRef<int64_t> offsets) {
  SmallVector<OpFoldResult> ones(offsets.size(), b.getIndexAttr(1));
  return tensor::InsertSliceOp::create(
      b, loc, source, dest, getAsIndexOpFoldResult(b.getContext(), offsets),
      getAsIndexOpFoldResult(b.getContext(), shapeOf(source)), ones);
}

AffineMap TensorBuilder::dims(unsigned numDims, ArrayRef<unsigned> results) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : results)
    exprs.push_back(b.getAffineDimExpr(d));
  return AffineMap::get(numDims, 0, exprs, b.getContext());
}

AffineMap TensorBuilder::identity(unsigned numDims) {
  return b.getMultiDimIdentityMap(numDims);
}
