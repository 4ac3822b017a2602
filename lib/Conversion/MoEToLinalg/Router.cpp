//===- Router.cpp - Lower moe.router to linalg ----------------------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Top-k is computed as a rank rather than a sequential arg-max: expert e's
// rank in token t is the number of experts that beat it, where e' beats e
// when u[t, e'] > u[t, e], or when they are equal and e' < e. That order is
// total, so the ranks of a row are a permutation of 0..E-1; expert e is
// chosen in column rank[t, e] when that rank is below k. This is exactly the
// spec's rule (decreasing score, ties to the lower index) and a parallel
// linalg.generic, with no data-dependent control flow. The same rank picks
// the best groups of group-limited routing.
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/MoEToLinalg/TensorBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace mlir::moe;
using namespace mlir::moe::detail;

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// `rank[t, e]` over the last dimension of `scores` (`[T, N]`, i32 result):
/// how many entries of row t beat entry e. With `eligible` (`[T, N]`, i1),
/// an eligible entry beats every ineligible one whatever the scores, so an
/// ineligible expert is never chosen while enough eligible ones remain.
Value rankLast(TensorBuilder &tb, Value scores, Value eligible = {}) {
  int64_t rows = shapeOf(scores)[0], cols = shapeOf(scores)[1];
  SmallVector<Value> inputs = {scores, scores};
  // (t, e, e'): compare entry e (parallel) against every e' (reduction).
  SmallVector<AffineMap> maps = {tb.dims(3, {0, 1}), tb.dims(3, {0, 2})};
  if (eligible) {
    inputs.append({eligible, eligible});
    maps.append({tb.dims(3, {0, 1}), tb.dims(3, {0, 2})});
  }
  maps.push_back(tb.dims(3, {0, 1}));
  Value init = tb.zeros({rows, cols}, tb.getBuilder().getI32Type());
  bool masked = static_cast<bool>(eligible);
  return tb.generic(
      inputs, init, maps, iterators(2, 1),
      [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value self = args[0], other = args[1], acc = args.back();
        Value e = linalg::IndexOp::create(b, loc, 1);
        Value otherE = linalg::IndexOp::create(b, loc, 2);
        Value greater = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                              other, self);
        Value equal = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                            other, self);
        Value lower =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, otherE, e);
        Value tieWin = arith::AndIOp::create(b, loc, equal, lower);
        Value beats = arith::OrIOp::create(b, loc, greater, tieWin);
        if (masked) {
          // (other eligible and self not) or (same eligibility and beats).
          Value selfOk = args[2], otherOk = args[3];
          Value sameOk = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                               selfOk, otherOk);
          Value trueVal = arith::ConstantIntOp::create(b, loc, 1, 1);
          Value selfNot = arith::XOrIOp::create(b, loc, selfOk, trueVal);
          Value onlyOther = arith::AndIOp::create(b, loc, otherOk, selfNot);
          Value beatsSame = arith::AndIOp::create(b, loc, sameOk, beats);
          beats = arith::OrIOp::create(b, loc, onlyOther, beatsSame);
        }
        Value one = arith::ExtUIOp::create(b, loc, b.getI32Type(), beats);
        return arith::AddIOp::create(b, loc, acc, one);
      });
}

/// DeepSeek-V3 group limit: `[T, E]` i1, true for experts in one of the
/// `topkGroup` best of `nGroup` contiguous groups, ranked by the sum of each
/// group's two largest selection scores.
Value groupEligibility(TensorBuilder &tb, Value u, int64_t nGroup,
                       int64_t topkGroup) {
  OpBuilder &b = tb.getBuilder();
  Location loc = tb.getLoc();
  int64_t tokens = shapeOf(u)[0], experts = shapeOf(u)[1];
  int64_t perGroup = experts / nGroup;
  Type type = elementTypeOf(u);
  Value grouped = tb.expandShape(u, {tokens, nGroup, perGroup}, {{0}, {1, 2}});

  // Largest and second largest score of each group in one pass:
  // top1' = max(top1, x), top2' = max(top2, min(top1, x)).
  Value init1 = tb.full({tokens, nGroup}, type, kNegInf);
  Value init2 = tb.full({tokens, nGroup}, type, kNegInf);
  auto tops = linalg::GenericOp::create(
      b, loc, TypeRange{init1.getType(), init2.getType()}, ValueRange{grouped},
      ValueRange{init1, init2},
      ArrayRef<AffineMap>{tb.identity(3), tb.dims(3, {0, 1}),
                          tb.dims(3, {0, 1})},
      iterators(2, 1), [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value x = args[0], top1 = args[1], top2 = args[2];
        Value newTop1 = arith::MaximumFOp::create(nb, nl, top1, x);
        Value demoted = arith::MinimumFOp::create(nb, nl, top1, x);
        Value newTop2 = arith::MaximumFOp::create(nb, nl, top2, demoted);
        linalg::YieldOp::create(nb, nl, ValueRange{newTop1, newTop2});
      });
  Value groupScore = tops.getResult(0);
  if (perGroup > 1)
    groupScore =
        tb.map({tops.getResult(0), tops.getResult(1)}, type,
               [](OpBuilder &nb, Location nl, ValueRange args) {
                 return arith::AddFOp::create(nb, nl, args[0], args[1]);
               });

  Value groupRank = rankLast(tb, groupScore);
  Value limit = tb.i32(topkGroup);
  Value keepInit = tb.empty({tokens, nGroup, perGroup}, b.getI1Type());
  Value keep = tb.generic(
      groupRank, keepInit, {tb.dims(3, {0, 1}), tb.identity(3)}, iterators(3),
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        return arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt, args[0],
                                     limit);
      });
  return tb.collapseShape(keep, {{0}, {1, 2}});
}

struct RouterLowering : StaticShapeLowering<RouterOp> {
  using StaticShapeLowering::StaticShapeLowering;

  LogicalResult lower(RouterOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter,
                      TensorBuilder &tb) const override {
    Location loc = op.getLoc();
    Type elementType = elementTypeOf(op.getWeights());
    Type type = getComputeType(elementType);
    int64_t tokens = shapeOf(op.getInput())[0];
    int64_t topK = op.getTopKAttr().getInt();

    // 1-2. Logits and scores.
    Value logits = tb.matmul(tb.convert(adaptor.getInput(), type),
                             tb.convert(adaptor.getGate(), type));
    Value scores;
    if (op.getScoring() == Scoring::softmax) {
      scores = tb.softmaxLast(logits);
    } else {
      scores = tb.map(logits, type,
                      [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                        // sigmoid(z) = 1 / (1 + exp(-z))
                        Value one = arith::ConstantOp::create(
                            b, l, type, b.getFloatAttr(type, 1.0));
                        Value exp = math::ExpOp::create(
                            b, l, arith::NegFOp::create(b, l, args[0]));
                        return arith::DivFOp::create(
                            b, l, one, arith::AddFOp::create(b, l, one, exp));
                      });
    }

    // 3. Selection scores: the bias steers the choice only.
    Value selection = scores;
    if (Value bias = adaptor.getBias())
      selection = tb.generic(
          {scores, tb.convert(bias, type)}, tb.empty(shapeOf(scores), type),
          {tb.identity(2), tb.dims(2, {1}), tb.identity(2)}, iterators(2),
          [](OpBuilder &b, Location l, ValueRange args) {
            return arith::AddFOp::create(b, l, args[0], args[1]);
          });

    // 4-5. Group limit, then the rank of every expert.
    Value eligible;
    if (IntegerAttr nGroup = op.getNGroupAttr())
      eligible = groupEligibility(tb, selection, nGroup.getInt(),
                                  op.getTopkGroupAttr().getInt());
    Value rank = rankLast(tb, selection, eligible);

    // Column j of a row is the expert whose rank is j; exactly one matches,
    // so the sums below copy one index and one unbiased score.
    Value idxInit = tb.zeros({tokens, topK}, rewriter.getI32Type());
    Value wInit = tb.zeros({tokens, topK}, type);
    auto pick = linalg::GenericOp::create(
        rewriter, loc, TypeRange{idxInit.getType(), wInit.getType()},
        ValueRange{rank, scores}, ValueRange{idxInit, wInit},
        ArrayRef<AffineMap>{tb.dims(3, {0, 2}), tb.dims(3, {0, 2}),
                            tb.dims(3, {0, 1}), tb.dims(3, {0, 1})},
        iterators(2, 1), [&](OpBuilder &b, Location l, ValueRange args) {
          Value expertRank = args[0], score = args[1];
          Value idxAcc = args[2], wAcc = args[3];
          Value j = arith::IndexCastOp::create(
              b, l, b.getI32Type(), linalg::IndexOp::create(b, l, 1));
          Value e = arith::IndexCastOp::create(
              b, l, b.getI32Type(), linalg::IndexOp::create(b, l, 2));
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                            expertRank, j);
          Value zeroI = arith::ConstantIntOp::create(b, l, b.getI32Type(), 0);
          Value zeroF =
              arith::ConstantOp::create(b, l, type, b.getFloatAttr(type, 0.0));
          Value idx = arith::AddIOp::create(
              b, l, idxAcc, arith::SelectOp::create(b, l, hit, e, zeroI));
          Value w = arith::AddFOp::create(
              b, l, wAcc, arith::SelectOp::create(b, l, hit, score, zeroF));
          linalg::YieldOp::create(b, l, ValueRange{idx, w});
        });
    Value indices = pick.getResult(0);
    Value weights = pick.getResult(1);

    // 6. Renormalize, then scale.
    if (op.getRenormalize()) {
      Value sums = tb.reduceLast(
          weights, 0.0, [](OpBuilder &b, Location l, ValueRange args) {
            return arith::AddFOp::create(b, l, args[0], args[1]);
          });
      weights = tb.broadcastLast(
          weights, sums, type, [](OpBuilder &b, Location l, ValueRange args) {
            return arith::DivFOp::create(b, l, args[0], args[1]);
          });
    }
    if (FloatAttr scale = op.getScaleAttr()) {
      Value alpha = tb.floatConst(type, scale.getValueAsDouble());
      weights =
          tb.map(weights, type, [&](OpBuilder &b, Location l, ValueRange args) {
            return arith::MulFOp::create(b, l, args[0], alpha);
          });
    }
    rewriter.replaceOp(op, {indices, tb.convert(weights, elementType)});
    return success();
  }
};

} // namespace

void mlir::moe::detail::populateRouterPatterns(RewritePatternSet &patterns) {
  patterns.add<RouterLowering>(patterns.getContext());
}
