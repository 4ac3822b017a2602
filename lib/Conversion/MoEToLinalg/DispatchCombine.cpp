//===- DispatchCombine.cpp - Lower moe.dispatch and moe.combine -----------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Both ops need the spec's slot assignment: choice (t, j) takes the next free
// slot of expert indices[t, j], walking the choices in row-major order, and
// is dropped when that slot is >= C. That walk is inherently sequential, so
// it is an scf.for over the T*k choices that only touches small i32 tables
// (per-expert counters, the slot of every choice, the token of every slot).
// The H-wide data movement is then a parallel linalg.generic gather.
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/MoEToLinalg/TensorBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::moe;
using namespace mlir::moe::detail;

namespace {

/// Tables of the slot assignment of `indices` (`[T, k]`) for `experts`
/// experts of `capacity` slots.
struct SlotTables {
  /// `[T, k]`: slot(t, j), the number of earlier choices of the same expert.
  /// The choice is kept iff slot < C.
  Value slots;
  /// `[E, C]`: the token in slot (e, c), or -1 for an unused slot.
  Value sources;
};

SlotTables assignSlots(TensorBuilder &tb, Value indices, int64_t experts,
                       int64_t capacity, bool wantSlots, bool wantSources) {
  OpBuilder &b = tb.getBuilder();
  Location loc = tb.getLoc();
  Type i32 = b.getI32Type();
  int64_t tokens = shapeOf(indices)[0], topK = shapeOf(indices)[1];

  SmallVector<Value> inits = {tb.zeros({experts}, i32)};
  if (wantSlots)
    inits.push_back(tb.zeros({tokens, topK}, i32));
  if (wantSources)
    inits.push_back(tb.full({experts, capacity}, i32, -1));

  // Loop-invariant constants are built before the loops.
  Value zero = tb.index(0), one = tb.index(1);
  Value numTokens = tb.index(tokens), numChoices = tb.index(topK);
  Value oneI = tb.i32(1);
  Value cap = wantSources ? tb.i32(capacity) : Value();
  auto outer = scf::ForOp::create(
      b, loc, zero, numTokens, one, inits,
      [&](OpBuilder &ob, Location ol, Value t, ValueRange tIter) {
        auto inner = scf::ForOp::create(
            ob, ol, zero, numChoices, one, tIter,
            [&](OpBuilder &ib, Location il, Value j, ValueRange iter) {
              Value counts = iter[0];
              Value expert = arith::IndexCastOp::create(
                  ib, il, ib.getIndexType(),
                  tensor::ExtractOp::create(ib, il, indices, ValueRange{t, j}));
              Value slot = tensor::ExtractOp::create(ib, il, counts, expert);
              Value next = arith::AddIOp::create(ib, il, slot, oneI);
              SmallVector<Value> yields = {
                  tensor::InsertOp::create(ib, il, next, counts, expert)};
              unsigned pos = 1;
              if (wantSlots)
                yields.push_back(tensor::InsertOp::create(
                    ib, il, slot, iter[pos++], ValueRange{t, j}));
              if (wantSources) {
                Value sources = iter[pos++];
                Value kept = arith::CmpIOp::create(
                    ib, il, arith::CmpIPredicate::slt, slot, cap);
                auto ifOp = scf::IfOp::create(
                    ib, il, kept,
                    [&](OpBuilder &thenB, Location thenL) {
                      Value c = arith::IndexCastOp::create(
                          thenB, thenL, thenB.getIndexType(), slot);
                      Value token = arith::IndexCastOp::create(
                          thenB, thenL, thenB.getI32Type(), t);
                      Value updated = tensor::InsertOp::create(
                          thenB, thenL, token, sources, ValueRange{expert, c});
                      scf::YieldOp::create(thenB, thenL, updated);
                    },
                    [&](OpBuilder &elseB, Location elseL) {
                      scf::YieldOp::create(elseB, elseL, sources);
                    });
                yields.push_back(ifOp.getResult(0));
              }
              scf::YieldOp::create(ib, il, yields);
            });
        scf::YieldOp::create(ob, ol, inner.getResults());
      });
  SlotTables tables;
  unsigned pos = 1;
  if (wantSlots)
    tables.slots = outer.getResult(pos++);
  if (wantSources)
    tables.sources = outer.getResult(pos++);
  return tables;
}

struct DispatchLowering : StaticShapeLowering<DispatchOp> {
  using StaticShapeLowering::StaticShapeLowering;

  LogicalResult lower(DispatchOp op, OpAdaptor adaptor,
                      ConversionPatternRewriter &rewriter,
                      TensorBuilder &tb) const override {
    ArrayRef<int64_t> shape = shapeOf(op.getResult());
    int64_t experts = shape[0], capacity = shape[1];
    Value input = adaptor.getInput();
    Type type = elementTypeOf(input);
    Value sources = assignSlots(tb, adaptor.getIndices(), experts, capacity,
                                /*wantSlots=*/false, /*wantSources=*/true)
                        .sources;
    // result[e, c, h] = x[sources[e, c], h], or 0 for an unused slot.
    Value buffer = tb.generic(
        sources, tb.empty(shape, type), {tb.dims(3, {0, 1}), tb.identity(3)},
        iterators(3), [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value token = args[0];
          Value zeroI = arith::ConstantIntOp::create(b, l, b.getI32Type(), 0);
          Value used = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                             token, zeroI);
          // Read row 0 for unused slots so the load stays in bounds.
          Value row = arith::IndexCastOp::create(
              b, l, b.getIndexType(),
              arith::MaxSIOp::create(b, l, token, zeroI));
          Value h = linalg::IndexOp::create(b, l, 2);
          Value x = tensor::ExtractOp::create(b, l, input, ValueRange{row, h});
          Value zero =
              arith::ConstantOp::create(b, l, type, b.getFloatAttr(type, 0.0));
          return arith::SelectOp::create(b, l, used, x, zero);
        });
    rewriter.replaceOp(op, buffer);
    return success();
  }
};

struct CombineLowering : ComputeLowering<CombineOp> {
  using ComputeLowering::ComputeLowering;

  Value compute(CombineOp op, OpAdaptor adaptor, TensorBuilder &tb,
                Type type) const override {
    ArrayRef<int64_t> inShape = shapeOf(op.getInput());
    int64_t experts = inShape[0], capacity = inShape[1], hidden = inShape[2];
    int64_t tokens = shapeOf(op.getIndices())[0];
    Value zeros = tb.zeros({tokens, hidden}, type);
    if (capacity == 0) {
      // Every choice is dropped.
      return zeros;
    }
    Value indices = adaptor.getIndices();
    Value slots = assignSlots(tb, indices, experts, capacity,
                              /*wantSlots=*/true, /*wantSources=*/false)
                      .slots;
    Value out = tb.convert(adaptor.getInput(), type);
    Value weights = tb.convert(adaptor.getWeights(), type);
    // y[t, h] = sum_j (slot < C ? w[t, j] * out[e, slot, h] : 0): a dropped
    // choice adds zero and the kept weights are used as given.
    Value result = tb.generic(
        {indices, slots, weights}, zeros,
        {tb.dims(3, {0, 2}), tb.dims(3, {0, 2}), tb.dims(3, {0, 2}),
         tb.dims(3, {0, 1})},
        iterators(2, 1),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value expert = args[0], slot = args[1], w = args[2], acc = args[3];
          Value cap =
              arith::ConstantIntOp::create(b, l, b.getI32Type(), capacity);
          Value last =
              arith::ConstantIntOp::create(b, l, b.getI32Type(), capacity - 1);
          Value kept =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, slot, cap);
          // Clamp so the load of a dropped choice stays in bounds.
          Value c = arith::IndexCastOp::create(
              b, l, b.getIndexType(), arith::MinSIOp::create(b, l, slot, last));
          Value e = arith::IndexCastOp::create(b, l, b.getIndexType(), expert);
          Value h = linalg::IndexOp::create(b, l, 1);
          Value y = tensor::ExtractOp::create(b, l, out, ValueRange{e, c, h});
          Value zero =
              arith::ConstantOp::create(b, l, type, b.getFloatAttr(type, 0.0));
          Value term = arith::SelectOp::create(
              b, l, kept, arith::MulFOp::create(b, l, w, y), zero);
          return arith::AddFOp::create(b, l, acc, term);
        });
    return result;
  }
};

} // namespace

void mlir::moe::detail::populateDispatchCombinePatterns(
    RewritePatternSet &patterns) {
  patterns.add<DispatchLowering, CombineLowering>(patterns.getContext());
}
