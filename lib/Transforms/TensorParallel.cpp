//===- TensorParallel.cpp - Tensor parallelism of the GPU plan --*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Megatron-style tensor parallelism with sequence parallelism (Shoeybi et
// al. 2019; Korthikanti et al. 2022): outside attention and the dense FFNs
// every GPU of a tensor-parallel group holds its own tokens; each attention
// and dense FFN gathers the group's tokens, runs on its share of the heads or
// of the FFN width, and reduce-scatters the partial outputs back. Our
// attention ops include the output projection, so a head shard's result is
// exactly that shard's partial sum of the output.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Transforms/PlanUtils.h"

#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

/// An op to shard: its weight operands and the dimension each splits on.
struct ShardedOp {
  Operation *op;
  SmallVector<std::pair<unsigned, unsigned>> weights;
  /// Head attributes divided by tp.
  SmallVector<StringRef> headAttrs;
};

LogicalResult checkDivides(Operation *op, StringRef what, int64_t count,
                           int64_t tp) {
  if (count % tp == 0)
    return success();
  return op->emitOpError() << "has " << count << " " << what
                           << ", which tp = " << tp << " does not divide";
}

} // namespace

LogicalResult
mlir::moe::applyTensorParallel(FunctionOpInterface func, StringRef grid,
                               int16_t axis, int64_t tp, int64_t local,
                               DenseMap<Value, unsigned> &sharded) {
  SmallVector<ShardedOp> ops;
  WalkResult walk = func.walk([&](Operation *op) {
    // Only ops on the plan's token rows take part; others stay replicated.
    if (op->getNumOperands() == 0 || op->getNumResults() != 1 ||
        !isTokenTensor(op->getOperand(0).getType(), local))
      return WalkResult::advance();
    ShardedOp s{op, {}, {}};
    auto index = [](OpOperand &operand) { return operand.getOperandNumber(); };
    if (auto a = dyn_cast<AttentionOp>(op)) {
      // Whole KV groups per GPU: the query heads of a shard read its own
      // KV heads.
      if (failed(checkDivides(op, "KV heads", a.getNumKvHeads(), tp)))
        return WalkResult::interrupt();
      s.weights = {{index(a.getWqMutable()), 1},
                   {index(a.getWkMutable()), 1},
                   {index(a.getWvMutable()), 1},
                   {index(a.getWoMutable()), 0}};
      s.headAttrs = {"num_heads", "num_kv_heads"};
    } else if (auto m = dyn_cast<MLAttentionOp>(op)) {
      // The latent projections (q_down, kv_down) are computed by every GPU.
      if (failed(checkDivides(op, "heads", m.getNumHeads(), tp)))
        return WalkResult::interrupt();
      s.weights = {{index(m.getQUpMutable()), 1},
                   {index(m.getKvUpMutable()), 1},
                   {index(m.getOutMutable()), 0}};
      s.headAttrs = {"num_heads"};
    } else if (auto f = dyn_cast<FFNOp>(op)) {
      int64_t width = f.getUp().getType().getDimSize(1);
      if (failed(checkDivides(op, "FFN columns", width, tp)))
        return WalkResult::interrupt();
      if (f.getGate())
        s.weights.push_back({index(f.getGateMutable()[0]), 1});
      s.weights.push_back({index(f.getUpMutable()), 1});
      s.weights.push_back({index(f.getDownMutable()), 0});
    } else {
      return WalkResult::advance();
    }
    for (auto [operand, dim] : s.weights) {
      auto arg = dyn_cast<BlockArgument>(op->getOperand(operand));
      if (!arg || !arg.hasOneUse()) {
        op->emitOpError() << "operand #" << operand
                          << " must be a function argument used by this op "
                             "alone to be sharded over tp = "
                          << tp;
        return WalkResult::interrupt();
      }
    }
    ops.push_back(std::move(s));
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();

  OpBuilder b(func.getContext());
  for (ShardedOp &s : ops) {
    Operation *op = s.op;
    Location loc = op->getLoc();
    for (auto [operand, dim] : s.weights) {
      auto arg = cast<BlockArgument>(op->getOperand(operand));
      auto type = cast<RankedTensorType>(arg.getType());
      arg.setType(withDim(type, dim, type.getDimSize(dim) / tp));
      sharded[arg] = dim;
    }
    for (StringRef name : s.headAttrs)
      op->setAttr(name,
                  b.getI64IntegerAttr(
                      op->getAttrOfType<IntegerAttr>(name).getInt() / tp));
    // Gather the group's tokens in device order, run on them, and give
    // each GPU the sum of the partial outputs for its own tokens.
    Value input = op->getOperand(0);
    b.setInsertionPoint(op);
    Value gathered = shard::AllGatherOp::create(
        b, loc, withDim(input.getType(), 0, local * tp), grid,
        ArrayRef<int16_t>{axis}, input, APInt(64, 0));
    op->setOperand(0, gathered);
    Value result = op->getResult(0);
    Type localType = result.getType();
    result.setType(withDim(localType, 0, local * tp));
    b.setInsertionPointAfter(op);
    auto scatter = shard::ReduceScatterOp::create(
        b, loc, localType, grid, ArrayRef<int16_t>{axis}, result,
        shard::ReductionKind::Sum, APInt(64, 0));
    result.replaceAllUsesExcept(scatter, scatter);
  }
  return success();
}
