//===- Attention.cpp - Lower moe.attention and moe.mla_attention ----------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Both ops share one attention core on tensors with the sequences and heads
// made explicit by tensor.expand_shape: `[T, heads * d]` becomes
// `[B, S, G, R, d]`, where query head h = g * R + r reads key/value head g.
// Splitting the heads this way keeps every indexing map a projection (no
// floordiv for the GQA head mapping), and the collapse back to `[T, n * d]`
// puts head h in columns h*d ... h*d + d - 1 as the spec requires.
//
// With a KV cache of L tokens per sequence, the keys and values are the
// cached ones followed by the new ones, `[B, L + S, ...]`, and new token i
// sits at position L + i of its sequence for the mask. MLA concatenates the
// cached latents and expands them with kv_up like the new ones: the
// non-absorbed form, which gives the absorbed form's values.
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/MoEToLinalg/TensorBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::moe;
using namespace mlir::moe::detail;

namespace {

/// `[past, cur]` along the sequence axis (1): `[B, L, ...]` and
/// `[B, S, ...]` give `[B, L + S, ...]`.
Value concatSequence(TensorBuilder &tb, Value past, Value cur) {
  SmallVector<int64_t> shape(shapeOf(cur));
  int64_t cached = shapeOf(past)[1];
  shape[1] += cached;
  SmallVector<int64_t> offsets(shape.size(), 0);
  Value all = tb.empty(shape, elementTypeOf(cur));
  all = tb.insertSlice(past, all, offsets);
  offsets[1] = cached;
  return tb.insertSlice(cur, all, offsets);
}

/// Masked softmax attention within each sequence.
/// q: `[B, S, G, R, Dq]`, k: `[B, P, G, Dq]`, v: `[B, P, G, Dv]` with
/// `P = past + S`: the first `past` keys are cached, query i is at position
/// past + i. Returns o: `[B, S, G, R, Dv]`.
Value attentionCore(TensorBuilder &tb, Value q, Value k, Value v, bool causal,
                    std::optional<int64_t> window, int64_t past = 0) {
  ArrayRef<int64_t> qShape = shapeOf(q);
  int64_t batch = qShape[0], seq = qShape[1], groups = qShape[2],
          reps = qShape[3], qkDim = qShape[4], vDim = shapeOf(v)[3];
  int64_t keys = shapeOf(k)[1];
  assert(keys == past + seq && "keys must be the cached then the new ones");
  Type type = elementTypeOf(q);

  // scores[b, g, r, i, j] = sum_d q[b, i, g, r, d] * k[b, j, g, d]
  // over (b, g, r, i, j, d).
  Value scores = tb.generic(
      {q, k}, tb.zeros({batch, groups, reps, seq, keys}, type),
      {tb.dims(6, {0, 3, 1, 2, 5}), tb.dims(6, {0, 4, 1, 5}),
       tb.dims(6, {0, 1, 2, 3, 4})},
      iterators(5, 1), [](OpBuilder &b, Location l, ValueRange args) {
        Value prod = arith::MulFOp::create(b, l, args[0], args[1]);
        return arith::AddFOp::create(b, l, args[2], prod);
      });

  // Scale by 1/sqrt(d) and mask: position j is visible from position i when
  // (causal => j <= i) and (window w => |i - j| < w). i always sees itself.
  // Query i is at position past + i.
  double scale = 1.0 / std::sqrt(static_cast<double>(qkDim));
  Value masked = tb.map(
      scores, type, [&](OpBuilder &b, Location l, ValueRange args) -> Value {
        Value scaled = arith::MulFOp::create(
            b, l, args[0],
            arith::ConstantOp::create(b, l, type, b.getFloatAttr(type, scale)));
        if (!causal && !window)
          return scaled;
        Value i = linalg::IndexOp::create(b, l, 3);
        if (past)
          i = arith::AddIOp::create(b, l, i,
                                    arith::ConstantIndexOp::create(b, l, past));
        Value j = linalg::IndexOp::create(b, l, 4);
        Value visible;
        auto both = [&](Value cond) {
          visible = visible ? arith::AndIOp::create(b, l, visible, cond) : cond;
        };
        if (causal)
          both(arith::CmpIOp::create(b, l, arith::CmpIPredicate::sle, j, i));
        if (window) {
          Value diff = arith::SubIOp::create(b, l, i, j);
          Value w = arith::ConstantIndexOp::create(b, l, *window);
          Value negW = arith::ConstantIndexOp::create(b, l, -*window);
          both(arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, diff, w));
          both(arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, diff,
                                     negW));
        }
        Value negInf = arith::ConstantOp::create(
            b, l, type,
            b.getFloatAttr(type, -std::numeric_limits<double>::infinity()));
        return arith::SelectOp::create(b, l, visible, scaled, negInf);
      });
  Value probs = tb.softmaxLast(masked);

  // o[b, i, g, r, d] = sum_j probs[b, g, r, i, j] * v[b, j, g, d]
  // over (b, g, r, i, d, j).
  return tb.generic(
      {probs, v}, tb.zeros({batch, seq, groups, reps, vDim}, type),
      {tb.dims(6, {0, 1, 2, 3, 5}), tb.dims(6, {0, 5, 1, 4}),
       tb.dims(6, {0, 3, 1, 2, 4})},
      iterators(5, 1), [](OpBuilder &b, Location l, ValueRange args) {
        Value prod = arith::MulFOp::create(b, l, args[0], args[1]);
        return arith::AddFOp::create(b, l, args[2], prod);
      });
}

struct AttentionLowering : ComputeLowering<AttentionOp> {
  using ComputeLowering::ComputeLowering;

  Value compute(AttentionOp op, OpAdaptor adaptor, TensorBuilder &tb,
                Type type) const override {
    int64_t tokens = shapeOf(op.getInput())[0];
    int64_t seq = op.getSeqLenAttr().getInt();
    int64_t heads = op.getNumHeadsAttr().getInt();
    int64_t kvHeads = op.getNumKvHeadsAttr().getInt();
    int64_t headDim = op.getHeadDimAttr().getInt();
    int64_t batch = tokens / seq, reps = heads / kvHeads;

    Value x = tb.convert(adaptor.getInput(), type);
    Value q = tb.matmul(x, tb.convert(adaptor.getWq(), type));
    Value k = tb.matmul(x, tb.convert(adaptor.getWk(), type));
    Value v = tb.matmul(x, tb.convert(adaptor.getWv(), type));
    Value q5 = tb.expandShape(q, {batch, seq, kvHeads, reps, headDim},
                              {{0, 1}, {2, 3, 4}});
    Value k4 =
        tb.expandShape(k, {batch, seq, kvHeads, headDim}, {{0, 1}, {2, 3}});
    Value v4 =
        tb.expandShape(v, {batch, seq, kvHeads, headDim}, {{0, 1}, {2, 3}});
    int64_t past = op.getCachedLength();
    if (past) {
      // The cached keys and values come first, in the compute type.
      auto cached = [&](Value cache) {
        return tb.expandShape(tb.convert(cache, type),
                              {batch, past, kvHeads, headDim},
                              {{0}, {1}, {2, 3}});
      };
      k4 = concatSequence(tb, cached(adaptor.getKCache()), k4);
      v4 = concatSequence(tb, cached(adaptor.getVCache()), v4);
    }
    std::optional<int64_t> window;
    if (IntegerAttr w = op.getWindowAttr())
      window = w.getInt();
    Value o5 = attentionCore(tb, q5, k4, v4, op.getCausal(), window, past);
    Value o = tb.collapseShape(o5, {{0, 1}, {2, 3, 4}});
    Value y = tb.matmul(o, tb.convert(adaptor.getWo(), type));
    return y;
  }
};

struct MLAttentionLowering : ComputeLowering<MLAttentionOp> {
  using ComputeLowering::ComputeLowering;

  Value compute(MLAttentionOp op, OpAdaptor adaptor, TensorBuilder &tb,
                Type type) const override {
    int64_t tokens = shapeOf(op.getInput())[0];
    int64_t seq = op.getSeqLenAttr().getInt();
    int64_t heads = op.getNumHeadsAttr().getInt();
    int64_t nope = op.getQkNopeDimAttr().getInt();
    int64_t rope = op.getQkRopeDimAttr().getInt();
    int64_t vDim = op.getVHeadDimAttr().getInt();
    int64_t kvRank = op.getKvRank();
    int64_t batch = tokens / seq;

    // 1. Queries, one group per head: [B, S, n, 1, dn + dr].
    Value x = tb.convert(adaptor.getInput(), type);
    Value qIn = x;
    if (Value qDown = adaptor.getQDown())
      qIn = tb.matmul(x, tb.convert(qDown, type));
    Value q = tb.matmul(qIn, tb.convert(adaptor.getQUp(), type));
    Value q5 = tb.expandShape(q, {batch, seq, heads, 1, nope + rope},
                              {{0, 1}, {2, 3, 4}});

    // 2-3. Latent and shared rotary key; per-head keys and values. With a
    // cache, the cached rows (latent and rotary key alike) come before the
    // new ones, and keys and values span all kvSeq = L + S positions.
    Value latent = tb.matmul(x, tb.convert(adaptor.getKvDown(), type));
    int64_t past = op.getCachedLength();
    int64_t kvSeq = past + seq, kvTokens = batch * kvSeq;
    if (past) {
      Value latent3 =
          tb.expandShape(latent, {batch, seq, kvRank + rope}, {{0, 1}, {2}});
      latent3 =
          concatSequence(tb, tb.convert(adaptor.getCache(), type), latent3);
      latent = tb.collapseShape(latent3, {{0, 1}, {2}});
    }
    Value cKv = tb.slice(latent, {0, 0}, {kvTokens, kvRank});
    Value kRope = tb.slice(latent, {0, kvRank}, {kvTokens, rope});
    Value kv = tb.matmul(cKv, tb.convert(adaptor.getKvUp(), type));
    Value kv4 = tb.expandShape(kv, {batch, kvSeq, heads, nope + vDim},
                               {{0, 1}, {2, 3}});
    Value kNope = tb.slice(kv4, {0, 0, 0, 0}, {batch, kvSeq, heads, nope});
    Value v4 = tb.slice(kv4, {0, 0, 0, nope}, {batch, kvSeq, heads, vDim});

    // 4. Key of head h: [k_nope[h], k_rope], the rotary part broadcast to
    // every head.
    Value kRope3 = tb.expandShape(kRope, {batch, kvSeq, rope}, {{0, 1}, {2}});
    Value kRopeHeads = tb.generic(
        kRope3, tb.empty({batch, kvSeq, heads, rope}, type),
        {tb.dims(4, {0, 1, 3}), tb.identity(4)}, iterators(4),
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    Value k4 = tb.empty({batch, kvSeq, heads, nope + rope}, type);
    k4 = tb.insertSlice(kNope, k4, {0, 0, 0, 0});
    k4 = tb.insertSlice(kRopeHeads, k4, {0, 0, 0, nope});

    Value o5 =
        attentionCore(tb, q5, k4, v4, op.getCausal(), std::nullopt, past);
    // 5. [T, n * dv] @ out.
    Value o = tb.collapseShape(o5, {{0, 1}, {2, 3, 4}});
    Value y = tb.matmul(o, tb.convert(adaptor.getOut(), type));
    return y;
  }
};

} // namespace

void mlir::moe::detail::populateAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionLowering, MLAttentionLowering>(patterns.getContext());
}
