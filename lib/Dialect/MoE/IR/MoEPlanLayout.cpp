//===- MoEPlanLayout.cpp - How plans lay out the moe ops --------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The plan rules of the moe ops: the one place that says how a plan splits
// each op over its grid. --moe-gpu-plan and --moe-wse-plan apply them to the
// IR (moe/Plan/PlanLayout.h), and the plan search evaluates them for every
// plan it prices (moe/Search/PlanSummary.h), so the two cannot disagree.
// Every other op follows the default rule: token tensors keep the device's
// tokens. docs/Plans.md describes each rule.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/IR/MoEOps.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

LogicalResult checkDivides(Operation *op, StringRef what, int64_t count,
                           StringRef degree, int64_t by) {
  if (count % by == 0)
    return success();
  return op->emitOpError() << "has " << count << " " << what << ", which "
                           << degree << " = " << by << " does not divide";
}

/// An attention op holds whole sequences: the rows its tensor-parallel
/// group runs on (with context parallelism, its context-parallel group)
/// must be a multiple of seq_len, and a context-parallel group must cut
/// every sequence into two equal chunks per device.
LogicalResult checkWholeSequences(Operation *op, const PlanLayoutState &state) {
  auto attention = cast<AttentionOpInterface>(op);
  int64_t tp = state.degrees.tp, cp = state.degrees.cp;
  int64_t seq = attention.getSequenceLength();
  if (cp > 1 && seq % (2 * cp) != 0)
    return op->emitOpError()
           << "cannot cut sequences of seq_len = " << seq
           << " into 2 * cp = " << 2 * cp
           << " equal chunks; choose a cp that divides seq_len / 2";
  int64_t rows = state.localTokens * tp * cp;
  if (rows % seq == 0)
    return success();
  StringRef unit = cp > 1   ? "context-parallel group"
                   : tp > 1 ? "tensor-parallel group"
                            : "GPU";
  int64_t groups = state.degrees.devices() / (tp * cp);
  return op->emitOpError() << "cannot split " << state.tokens << " tokens over "
                           << groups << " " << unit
                           << "s in whole sequences of " << seq << " (" << rows
                           << " tokens per " << unit
                           << "); give the program a multiple of " << groups
                           << " sequences (moe-translate --batch=N) or fewer "
                              "data- and expert-parallel replicas";
}

/// A weight the plan splits is a function argument read by this op alone:
/// the device then holds just its shard.
LogicalResult checkSplittable(Operation *op, unsigned operand, StringRef plan) {
  auto arg = dyn_cast<BlockArgument>(op->getOperand(operand));
  if (arg && arg.hasOneUse())
    return success();
  return op->emitOpError() << "operand #" << operand
                           << " must be a function argument used by this op "
                              "alone to be sharded over "
                           << plan;
}

/// Megatron-style tensor parallelism with sequence parallelism (Shoeybi et
/// al. 2019; Korthikanti et al. 2022): the op gathers its tensor-parallel
/// group's tokens, runs on 1/tp of its heads or columns (`weights`:
/// operand, dimension) and reduce-scatters the partial outputs back to
/// each device's tokens. Our attention ops include the output projection,
/// so a head shard's result is exactly that shard's partial sum.
LogicalResult
planTensorParallel(Operation *op, PlanLayoutState &state, OpPlan &plan,
                   ArrayRef<std::pair<unsigned, unsigned>> weights,
                   ArrayRef<StringRef> headAttrs) {
  int64_t tp = state.degrees.tp;
  Value input = op->getOperand(0);
  // Only ops on the plan's token rows take part; others stay replicated.
  if (tp == 1 || op->getNumResults() != 1 || !state.isToken(input))
    return success();
  int16_t axis = state.degrees.gridAxis(PlanAxis::TP);
  std::string degree = "tp = " + std::to_string(tp);
  for (auto [operand, dim] : weights) {
    if (failed(checkSplittable(op, operand, degree)))
      return failure();
    plan.weights.push_back({operand, dim, {axis}});
  }
  Builder b(op->getContext());
  for (StringRef name : headAttrs)
    plan.attrs.push_back(b.getNamedAttr(
        name, b.getI64IntegerAttr(
                  op->getAttrOfType<IntegerAttr>(name).getInt() / tp)));
  LocalShape local = state.shape(input);
  LocalShape group = multiplyDim(local, 0, tp);
  plan.before[0] = {
      PlanCollective{CollectiveKind::AllGather, {axis}, 0, 0, group}};
  plan.results[0] = group;
  plan.after[0] = {
      PlanCollective{CollectiveKind::ReduceScatter, {axis}, 0, 0, local}};
  return success();
}

unsigned index(OpOperand &operand) { return operand.getOperandNumber(); }

} // namespace

//===----------------------------------------------------------------------===//
// Routing: dispatch and experts
//===----------------------------------------------------------------------===//

LogicalResult DispatchOp::planLayout(PlanLayoutState &state, OpPlan &plan) {
  // The capacity is planned for the tokens this device routes.
  int64_t rows = state.shape(getInput())[0];
  int64_t topK = getIndices().getType().getDimSize(1);
  int64_t experts = getResult().getType().getDimSize(0);
  std::optional<int64_t> capacity = getExpectedCapacity(rows, topK, experts);
  if (state.capacityFactor > 0 && !getDropless()) {
    Builder b(getContext());
    plan.attrs.push_back(b.getNamedAttr(
        getCapacityFactorAttrName(), b.getF64FloatAttr(state.capacityFactor)));
    capacity = computeExpertCapacity(state.capacityFactor, rows, topK, experts);
  }
  if (!capacity || ShapedType::isDynamic(*capacity))
    return emitOpError() << "has no capacity for " << rows
                         << " tokens per device (a capacity factor too "
                            "large, or dynamic sizes)";
  plan.results[0] = {experts, *capacity, getResult().getType().getDimSize(2)};
  return success();
}

LogicalResult ExpertsOp::planLayout(PlanLayoutState &state, OpPlan &plan) {
  // Expert parallelism: each device holds E / ep experts' weights; folded,
  // the group takes in the tensor-parallel ranks and holds E / (ep * tp).
  int64_t ep = state.degrees.expertDegree();
  const PlanDegrees &d = state.degrees;
  bool etp = d.splitsExperts();
  // Under expert tensor parallelism the tp ranks hold columns, not experts.
  bool tpInGroup = d.tp > 1 && !etp;
  std::string degree = "ep";
  if (d.splitsCp())
    degree = tpInGroup ? "fold-cp * tp" : "fold-cp";
  else if (d.fold)
    degree = std::string("ep") + (d.cp > 1 ? " * cp" : "") +
             (tpInGroup ? " * tp" : "");
  if (failed(checkDivides(*this, "experts", getNumExperts(), degree, ep)))
    return failure();
  // Expert tensor parallelism: each expert's FFN width over the tp axis.
  int16_t tpAxis = etp ? d.gridAxis(PlanAxis::TP) : 0;
  if (etp &&
      failed(checkDivides(*this, "FFN columns", getFfnSize(), "etp", d.etp)))
    return failure();
  SmallVector<int16_t, 3> axes = state.degrees.expertAxes();
  for (OpOperand *weight :
       {getGateMutable().empty() ? nullptr : &getGateMutable()[0],
        &getUpMutable(), &getDownMutable()}) {
    if (!weight)
      continue;
    if (!isa<BlockArgument>(weight->get())) {
      if (ep == 1 && !etp)
        continue;
      return emitOpError()
             << "expert weights must be function arguments to be sharded";
    }
    WeightSplit split{index(*weight), 0, axes};
    if (etp) {
      // gate and up are [E, H, F]; down is [E, F, H].
      split.innerDim = weight == &getDownMutable() ? 1 : 2;
      split.innerAxes = {tpAxis};
    }
    plan.weights.push_back(std::move(split));
  }
  // Dispatch: each expert's slots go to the device that owns it, which
  // receives ep senders' slots for its experts; the inverse exchange
  // returns the outputs to the senders (split the expert axis, concatenate
  // the capacity axis, and back). Under expert tensor parallelism the
  // received slots are then gathered over the tp ranks holding the other
  // columns of the same experts, and each rank's partial outputs are
  // summed and scattered back before the return exchange (Megatron-Core's
  // all-to-all dispatcher with ETP).
  LocalShape buffer = state.shape(getInput());
  LocalShape local = {buffer[0] / ep, buffer[1] * ep, buffer[2]};
  if (ep > 1) {
    plan.before[0].push_back(
        PlanCollective{CollectiveKind::AllToAll, axes, 0, 1, local});
    plan.after[0].push_back(
        PlanCollective{CollectiveKind::AllToAll, axes, 1, 0, buffer});
  }
  if (etp) {
    LocalShape gathered = multiplyDim(local, 1, d.tp);
    plan.before[0].push_back(
        PlanCollective{CollectiveKind::AllGather, {tpAxis}, 1, 1, gathered});
    plan.after[0].insert(
        plan.after[0].begin(),
        PlanCollective{CollectiveKind::ReduceScatter, {tpAxis}, 1, 1, local});
    local = gathered;
  }
  plan.results[0] = local;
  return success();
}

//===----------------------------------------------------------------------===//
// Tensor parallelism: attention, MLA, dense FFN
//===----------------------------------------------------------------------===//

namespace {

/// An attention op: whole sequences per device (or tensor-parallel group),
/// then tensor parallelism over its heads, `heads` (named `what`) of which
/// must split evenly. Its KV caches (`caches`, each a function argument
/// `[sequences, context, columns]`) hold the sequences the op runs on; a
/// cache whose columns are per head (`splitColumns`) holds the device's
/// heads only, a shared latent (MLA) is whole on every device.
LogicalResult planAttention(Operation *op, PlanLayoutState &state, OpPlan &plan,
                            StringRef what, int64_t heads,
                            ArrayRef<std::pair<unsigned, unsigned>> weights,
                            ArrayRef<StringRef> headAttrs,
                            ArrayRef<unsigned> caches, bool splitColumns,
                            StringAttr contextName) {
  int64_t tp = state.degrees.tp, cp = state.degrees.cp;
  if (cp > 1 && !caches.empty())
    return op->emitOpError()
           << "reads KV caches: a serving step does not split its sequences "
              "over cp = "
           << cp << " devices";
  if (failed(checkWholeSequences(op, state)))
    return failure();
  bool split = tp > 1 && state.isToken(op->getOperand(0));
  if (split && failed(checkDivides(op, what, heads, "tp", tp)))
    return failure();
  // Context parallelism: the device holds its share of each sequence and
  // exchanges keys and values over the cp axis.
  if (cp > 1 && state.isToken(op->getOperand(0))) {
    MLIRContext *ctx = op->getContext();
    plan.attrs.push_back(NamedAttribute(
        contextName,
        ContextAttr::get(ctx, FlatSymbolRefAttr::get(ctx, state.grid),
                         state.degrees.contextAxes())));
  }
  int64_t seq = cast<AttentionOpInterface>(op).getSequenceLength();
  int64_t rows = state.shape(op->getOperand(0))[0] * (split ? tp : 1);
  for (unsigned operand : caches) {
    if (failed(checkSplittable(op, operand, "the plan's devices")))
      return failure();
    Value cache = op->getOperand(operand);
    LocalShape shape(cast<ShapedType>(cache.getType()).getShape());
    shape[0] = rows / seq;
    if (split && splitColumns)
      shape[2] /= tp;
    state.setShape(cache, shape);
  }
  return planTensorParallel(op, state, plan, weights, headAttrs);
}

} // namespace

LogicalResult AttentionOp::planLayout(PlanLayoutState &state, OpPlan &plan) {
  // Whole KV groups per GPU: the query heads of a shard read its own KV
  // heads.
  SmallVector<unsigned, 2> caches;
  if (getKCache() && getVCache())
    caches = {index(getKCacheMutable()[0]), index(getVCacheMutable()[0])};
  return planAttention(*this, state, plan, "KV heads", getNumKvHeads(),
                       {{index(getWqMutable()), 1},
                        {index(getWkMutable()), 1},
                        {index(getWvMutable()), 1},
                        {index(getWoMutable()), 0}},
                       {getNumHeadsAttrName(), getNumKvHeadsAttrName()}, caches,
                       /*splitColumns=*/true, getContextParallelAttrName());
}

LogicalResult MLAttentionOp::planLayout(PlanLayoutState &state, OpPlan &plan) {
  // The latent projections (q_down, kv_down) are computed by every GPU.
  SmallVector<unsigned, 1> caches;
  if (getCache())
    caches.push_back(index(getCacheMutable()[0]));
  return planAttention(*this, state, plan, "heads", getNumHeads(),
                       {{index(getQUpMutable()), 1},
                        {index(getKvUpMutable()), 1},
                        {index(getOutMutable()), 0}},
                       {getNumHeadsAttrName()}, caches,
                       /*splitColumns=*/false, getContextParallelAttrName());
}

LogicalResult FFNOp::planLayout(PlanLayoutState &state, OpPlan &plan) {
  int64_t tp = state.degrees.tp;
  if (tp > 1 && state.isToken(getInput()) &&
      failed(checkDivides(*this, "FFN columns", getUp().getType().getDimSize(1),
                          "tp", tp)))
    return failure();
  SmallVector<std::pair<unsigned, unsigned>, 3> weights;
  if (getGate())
    weights.push_back({index(getGateMutable()[0]), 1});
  weights.push_back({index(getUpMutable()), 1});
  weights.push_back({index(getDownMutable()), 0});
  return planTensorParallel(*this, state, plan, weights, {});
}
