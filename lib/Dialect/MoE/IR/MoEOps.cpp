//===- MoEOps.cpp - moe dialect operations ----------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Verifiers check every cross-operand fact ODS cannot express. Sizes are only
// compared when both are static, so dynamically shaped programs still verify.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "moe/Support/Checked.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

#include "moe/Dialect/MoE/IR/MoEOpInterfaces.cpp.inc"

PlanAttrInterface mlir::moe::getPlan(Operation *module) {
  return module->getAttrOfType<PlanAttrInterface>(
      MoEDialect::PlanAttrHelper::getNameStr());
}

LogicalResult mlir::moe::verifyDeviceGrids(Operation *root) {
  WalkResult result = root->walk([](shard::GridOp grid) {
    ArrayRef<int64_t> shape = grid.getShape();
    SmallVector<int64_t> sizes;
    for (int64_t size : shape)
      if (!ShapedType::isDynamic(size))
        sizes.push_back(size);
    if (llvm::is_contained(sizes, 0)) {
      InFlightDiagnostic diag = emitError(grid.getLoc())
                                << "grid @" << grid.getSymName()
                                << " has an axis of size 0 (";
      llvm::interleave(
          shape,
          [&](int64_t size) {
            if (ShapedType::isDynamic(size))
              diag << "?";
            else
              diag << size;
          },
          [&] { diag << "x"; });
      diag << "); a device grid needs at least one device on every axis";
      return WalkResult::interrupt();
    }
    if (!checkedProduct(sizes)) {
      emitError(grid.getLoc()) << "grid @" << grid.getSymName()
                               << " has more than " << kMaxCount << " devices";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

bool mlir::moe::isWeightCopy(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->hasTrait<OpTrait::moe::WeightCopy>() &&
         def->getNumOperands() > 0;
}

StringAttr mlir::moe::getParamName(Operation *op, unsigned index) {
  auto func = dyn_cast<FunctionOpInterface>(op);
  if (!func || index >= func.getNumArguments())
    return {};
  return func.getArgAttrOfType<StringAttr>(
      index, MoEDialect::ParamAttrHelper::getNameStr());
}

bool mlir::moe::isParameter(Value value) {
  if (isWeightCopy(value))
    return isParameter(value.getDefiningOp()->getOperand(0));
  auto arg = dyn_cast<BlockArgument>(value);
  if (!arg)
    return false;
  auto func =
      dyn_cast_or_null<FunctionOpInterface>(arg.getOwner()->getParentOp());
  if (!func || arg.getOwner() != &func.getFunctionBody().front())
    return false;
  return static_cast<bool>(getParamName(func, arg.getArgNumber()));
}

bool mlir::moe::isGated(Activation activation) {
  return activation == Activation::swiglu || activation == Activation::geglu;
}

std::optional<int64_t> mlir::moe::computeExpertCapacity(double capacityFactor,
                                                        int64_t tokens,
                                                        int64_t topK,
                                                        int64_t experts) {
  if (!(capacityFactor > 0) || tokens < 0 || topK <= 0 || experts <= 0)
    return std::nullopt;
  double perExpert = capacityFactor * static_cast<double>(tokens) *
                     static_cast<double>(topK) / static_cast<double>(experts);
  return toCount(perExpert - 1e-9);
}

double mlir::moe::getActivationFlops(Activation activation) {
  switch (activation) {
  case Activation::swiglu:
  case Activation::geglu:
    return 5;
  case Activation::gelu:
  case Activation::silu:
    return 4;
  case Activation::relu:
    return 1;
  }
  llvm_unreachable("unknown activation");
}

int64_t mlir::moe::getProgramTokenCount(Operation *root) {
  int64_t tokens = 0;
  root->walk([&](Operation *op) {
    Value rows;
    if (auto embed = dyn_cast<EmbeddingOp>(op))
      rows = embed.getIds();
    else if (auto router = dyn_cast<RouterOp>(op))
      rows = router.getInput();
    if (!rows)
      return WalkResult::advance();
    int64_t n = cast<ShapedType>(rows.getType()).getDimSize(0);
    if (!ShapedType::isDynamic(n))
      tokens = n;
    return WalkResult::interrupt();
  });
  return tokens;
}

namespace {

/// Compares sizes that may be dynamic and reports the first mismatch. Each
/// check names what is being compared so the message says which operand is
/// wrong and by how much.
class ShapeChecker {
public:
  explicit ShapeChecker(Operation *op) : op(op) {}

  /// `what` (`actual`) must equal `reference` (`expected`).
  ShapeChecker &eq(StringRef what, int64_t actual, StringRef reference,
                   int64_t expected) {
    if (failed || ShapedType::isDynamic(actual) ||
        ShapedType::isDynamic(expected) || actual == expected)
      return *this;
    op->emitOpError() << what << " (" << actual << ") must equal " << reference
                      << " (" << expected << ")";
    failed = true;
    return *this;
  }

  /// Every value in `others` must have the element type of `refValue`.
  ShapeChecker &sameElementType(StringRef refName, Value refValue,
                                ArrayRef<std::pair<StringRef, Value>> others) {
    Type expected = getElementTypeOrSelf(refValue.getType());
    for (auto [name, value] : others) {
      if (failed || !value)
        continue;
      Type actual = getElementTypeOrSelf(value.getType());
      if (actual == expected)
        continue;
      op->emitOpError() << "element type of " << name << " (" << actual
                        << ") must match " << refName << " (" << expected
                        << ")";
      failed = true;
    }
    return *this;
  }

  /// Reports `message` unless `condition` holds.
  InFlightDiagnostic *require(bool condition) {
    if (failed || condition)
      return nullptr;
    failed = true;
    diag.emplace(op->emitOpError());
    return &*diag;
  }

  LogicalResult result() const { return failure(failed); }

private:
  Operation *op;
  bool failed = false;
  std::optional<InFlightDiagnostic> diag;
};

int64_t dim(Value v, unsigned i) {
  return cast<ShapedType>(v.getType()).getDimSize(i);
}

bool isStatic(int64_t size) { return !ShapedType::isDynamic(size); }

std::optional<double> toDouble(FloatAttr attr) {
  if (!attr)
    return std::nullopt;
  return attr.getValueAsDouble();
}

/// Shared by `moe.experts` (batched, `[E, ...]`) and `moe.ffn`: weights carry
/// an optional leading expert dimension at `lead`.
LogicalResult verifyFfnWeights(Operation *op, Value input, Value gate, Value up,
                               Value down, Value result, Activation activation,
                               unsigned lead) {
  ShapeChecker c(op);
  if (auto *d = c.require(!isGated(activation) || gate))
    *d << "activation '" << stringifyActivation(activation)
       << "' is gated and requires a 'gate' weight";
  if (auto *d = c.require(isGated(activation) || !gate))
    *d << "activation '" << stringifyActivation(activation)
       << "' is not gated and takes no 'gate' weight";
  int64_t hidden = dim(input, lead + 1);
  int64_t ffn = dim(up, lead + 1);
  if (lead == 1) {
    int64_t experts = dim(input, 0);
    c.eq("expert count of 'up'", dim(up, 0), "the input's", experts)
        .eq("expert count of 'down'", dim(down, 0), "the input's", experts);
    if (gate)
      c.eq("expert count of 'gate'", dim(gate, 0), "the input's", experts);
  }
  c.eq("hidden size of 'up'", dim(up, lead), "the input's", hidden)
      .eq("hidden size of 'down'", dim(down, lead + 1), "the input's", hidden)
      .eq("FFN size of 'down'", dim(down, lead), "the FFN size of 'up'", ffn);
  if (gate)
    c.eq("hidden size of 'gate'", dim(gate, lead), "the input's", hidden)
        .eq("FFN size of 'gate'", dim(gate, lead + 1), "the FFN size of 'up'",
            ffn);
  auto resultType = cast<ShapedType>(result.getType());
  for (unsigned i = 0, e = resultType.getRank(); i < e; ++i)
    c.eq(("result dimension " + Twine(i)).str(), resultType.getDimSize(i),
         "the input's", dim(input, i));
  c.sameElementType("the input", input,
                    {{"'gate'", gate},
                     {"'up'", up},
                     {"'down'", down},
                     {"the result", result}});
  return c.result();
}

/// Token count must be a whole number of sequences.
void checkSequences(ShapeChecker &c, Value input, int64_t seqLen) {
  int64_t tokens = dim(input, 0);
  if (auto *d = c.require(!isStatic(tokens) || tokens % seqLen == 0))
    *d << "token count (" << tokens << ") must be a multiple of seq_len ("
       << seqLen << ")";
}

/// A serving cache `[B, L, columns]`: one row of `columns` per cached token
/// of each of the input's `B = T / seq_len` sequences.
void checkCache(ShapeChecker &c, StringRef name, Value cache, Value input,
                int64_t seqLen, StringRef columnsName, int64_t columns) {
  int64_t tokens = dim(input, 0);
  c.eq(("sequences of " + name).str(), dim(cache, 0),
       "the input's tokens / seq_len",
       isStatic(tokens) ? tokens / seqLen : ShapedType::kDynamic)
      .eq(("columns of " + name).str(), dim(cache, 2), columnsName, columns);
  int64_t length = dim(cache, 1);
  if (auto *d = c.require(!isStatic(length) || length >= 1))
    *d << name << " holds no tokens (" << length
       << "); a step without past tokens has no cache";
}

void checkSameAsInput(ShapeChecker &c, Value input, Value result) {
  c.eq("result rows", dim(result, 0), "the input's", dim(input, 0))
      .eq("result columns", dim(result, 1), "the input's", dim(input, 1));
}

} // namespace

//===----------------------------------------------------------------------===//
// RouterOp
//===----------------------------------------------------------------------===//

LogicalResult RouterOp::verify() {
  ShapeChecker c(*this);
  int64_t tokens = dim(getInput(), 0);
  int64_t experts = getNumExperts();
  int64_t topK = getTopKAttr().getInt();
  c.eq("hidden size of 'gate'", dim(getGate(), 0), "the input's",
       dim(getInput(), 1));
  if (auto *d = c.require(!isStatic(experts) || topK <= experts))
    *d << "top_k (" << topK << ") exceeds the number of experts (" << experts
       << ")";
  c.eq("rows of 'indices'", dim(getIndices(), 0), "the token count", tokens)
      .eq("columns of 'indices'", dim(getIndices(), 1), "top_k", topK)
      .eq("rows of 'weights'", dim(getWeights(), 0), "the token count", tokens)
      .eq("columns of 'weights'", dim(getWeights(), 1), "top_k", topK);
  if (getBias())
    c.eq("size of 'bias'", dim(getBias(), 0), "the number of experts", experts);
  c.sameElementType("the input", getInput(),
                    {{"'gate'", getGate()},
                     {"'bias'", getBias()},
                     {"'weights'", getWeights()}});

  IntegerAttr nGroupAttr = getNGroupAttr(), topkGroupAttr = getTopkGroupAttr();
  if (auto *d = c.require(!nGroupAttr == !topkGroupAttr))
    *d << "requires both 'n_group' and 'topk_group' or neither";
  if (nGroupAttr && topkGroupAttr) {
    int64_t nGroup = nGroupAttr.getInt(), topkGroup = topkGroupAttr.getInt();
    if (auto *d = c.require(nGroup > 0 && topkGroup > 0 && topkGroup <= nGroup))
      *d << "group routing needs 0 < topk_group (" << topkGroup
         << ") <= n_group (" << nGroup << ")";
    if (auto *d = c.require(!isStatic(experts) || nGroup <= 0 ||
                            experts % nGroup == 0))
      *d << "number of experts (" << experts
         << ") must be divisible by n_group (" << nGroup << ")";
    if (isStatic(experts) && nGroup > 0 && experts % nGroup == 0) {
      int64_t eligible = topkGroup * (experts / nGroup);
      if (auto *d = c.require(topK <= eligible))
        *d << "top_k (" << topK << ") exceeds the " << eligible
           << " experts in the topk_group (" << topkGroup << ") best groups";
    }
  }
  if (std::optional<double> scale = toDouble(getScaleAttr()))
    if (auto *d = c.require(*scale > 0))
      *d << "scale (" << *scale << ") must be positive";
  return c.result();
}

//===----------------------------------------------------------------------===//
// DispatchOp
//===----------------------------------------------------------------------===//

std::optional<int64_t> DispatchOp::getExpectedCapacity(int64_t numTokens,
                                                       int64_t topK,
                                                       int64_t numExperts) {
  if (!isStatic(numTokens) || !isStatic(topK) || !isStatic(numExperts))
    return ShapedType::kDynamic;
  if (getDropless())
    return numTokens;
  return computeExpertCapacity(toDouble(getCapacityFactorAttr()).value_or(1.0),
                               numTokens, topK, numExperts);
}

LogicalResult DispatchOp::verify() {
  ShapeChecker c(*this);
  std::optional<double> factor = toDouble(getCapacityFactorAttr());
  if (auto *d = c.require(factor.has_value() != getDropless()))
    *d << (getDropless() ? "cannot be both 'dropless' and have a "
                           "'capacity_factor'"
                         : "requires a 'capacity_factor' or 'dropless'");
  if (factor)
    if (auto *d = c.require(*factor > 0))
      *d << "capacity_factor (" << *factor << ") must be positive";
  int64_t tokens = dim(getInput(), 0);
  int64_t topK = dim(getIndices(), 1);
  int64_t experts = dim(getResult(), 0);
  c.eq("rows of 'indices'", dim(getIndices(), 0), "the token count", tokens)
      .eq("hidden size of the result", dim(getResult(), 2), "the input's",
          dim(getInput(), 1));
  if (auto *d =
          c.require(!isStatic(topK) || !isStatic(experts) || topK <= experts))
    *d << "top_k (" << topK << ") exceeds the number of experts (" << experts
       << ")";
  if (factor && *factor > 0) {
    std::optional<int64_t> capacity =
        getExpectedCapacity(tokens, topK, experts);
    if (auto *d = c.require(capacity.has_value()))
      *d << "capacity_factor (" << *factor
         << ") gives no capacity the model can hold (more than " << kMaxCount
         << " slots per expert)";
    else if (capacity)
      c.eq("capacity of the result", dim(getResult(), 1),
           "ceil(capacity_factor * T * top_k / E)", *capacity);
  } else if (getDropless())
    c.eq("capacity of the result", dim(getResult(), 1),
         "the token count (dropless)", tokens);
  c.sameElementType("the input", getInput(), {{"the result", getResult()}});
  return c.result();
}

//===----------------------------------------------------------------------===//
// ExpertsOp
//===----------------------------------------------------------------------===//

LogicalResult ExpertsOp::verify() {
  return verifyFfnWeights(*this, getInput(), getGate(), getUp(), getDown(),
                          getResult(), getActivation(), /*lead=*/1);
}

//===----------------------------------------------------------------------===//
// CombineOp
//===----------------------------------------------------------------------===//

LogicalResult CombineOp::verify() {
  ShapeChecker c(*this);
  int64_t tokens = dim(getIndices(), 0);
  c.eq("rows of 'weights'", dim(getWeights(), 0), "the rows of 'indices'",
       tokens)
      .eq("columns of 'weights'", dim(getWeights(), 1),
          "the columns of 'indices'", dim(getIndices(), 1))
      .eq("rows of the result", dim(getResult(), 0), "the token count", tokens)
      .eq("hidden size of the result", dim(getResult(), 1),
          "the expert outputs'", dim(getInput(), 2));
  int64_t topK = dim(getIndices(), 1), experts = dim(getInput(), 0);
  if (auto *d =
          c.require(!isStatic(topK) || !isStatic(experts) || topK <= experts))
    *d << "top_k (" << topK << ") exceeds the number of experts (" << experts
       << ")";
  c.sameElementType("the expert outputs", getInput(),
                    {{"'weights'", getWeights()}, {"the result", getResult()}});
  return c.result();
}

//===----------------------------------------------------------------------===//
// Context parallelism
//===----------------------------------------------------------------------===//

LogicalResult mlir::moe::lookupGridGroup(Operation *op,
                                         FlatSymbolRefAttr gridName,
                                         ArrayRef<int16_t> axes, int64_t &size,
                                         int64_t &stride) {
  auto grid = SymbolTable::lookupNearestSymbolFrom<shard::GridOp>(op, gridName);
  if (!grid)
    return failure();
  ArrayRef<int64_t> shape = grid.getShape();
  if (llvm::any_of(shape, ShapedType::isDynamic) ||
      llvm::any_of(axes, [&](int16_t axis) {
        return axis < 0 || axis >= static_cast<int16_t>(shape.size());
      }))
    return failure();
  std::tie(size, stride) = getGroup(shape, axes);
  return success();
}

LogicalResult mlir::moe::getContextGroup(AttentionOpInterface op, int64_t &size,
                                         int64_t &stride) {
  size = stride = 1;
  ContextAttr group = op.getContextGroup();
  if (!group)
    return success();
  return lookupGridGroup(op, group.getGrid(), group.getAxes(), size, stride);
}

LogicalResult mlir::moe::verifyContextGroup(AttentionOpInterface op,
                                            SymbolTableCollection &tables) {
  ContextAttr group = op.getContextGroup();
  if (!group)
    return success();
  auto grid =
      tables.lookupNearestSymbolFrom<shard::GridOp>(op, group.getGrid());
  if (!grid)
    return op->emitOpError()
           << "has a context-parallel group on " << group.getGrid()
           << ", which is not a shard.grid";
  if (llvm::any_of(grid.getShape(), ShapedType::isDynamic))
    return op->emitOpError()
           << "has a context-parallel group on grid " << group.getGrid()
           << ", whose shape is not static";
  // The grid the symbol table found sizes the group: no second lookup.
  ArrayRef<int64_t> shape = grid.getShape();
  if (llvm::any_of(group.getAxes(), [&](int16_t axis) {
        return axis >= static_cast<int16_t>(shape.size());
      }))
    return op->emitOpError()
           << "has a context-parallel group over axes that grid "
           << group.getGrid() << " (of rank " << shape.size()
           << ") does not have";
  int64_t parts = getGroup(shape, group.getAxes()).first;
  // Two chunks per device keep the causal work balanced.
  int64_t seq = op.getSequenceLength();
  if (seq % (2 * parts) != 0)
    return op->emitOpError()
           << "cannot cut sequences of seq_len = " << seq << " into 2 * "
           << parts << " equal chunks for its context-parallel group of "
           << parts << " devices";
  int64_t rows = cast<ShapedType>(op->getOperand(0).getType()).getDimSize(0);
  if (!ShapedType::isDynamic(rows) && rows % (seq / parts) != 0)
    return op->emitOpError()
           << "has " << rows << " rows, not a whole number of its sequences' "
           << "shares (seq_len / " << parts << " = " << seq / parts << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  ShapeChecker c(*this);
  int64_t heads = getNumHeadsAttr().getInt();
  int64_t kvHeads = getNumKvHeadsAttr().getInt();
  int64_t headDim = getHeadDimAttr().getInt();
  if (auto *d = c.require(heads % kvHeads == 0))
    *d << "heads (" << heads << ") must be a multiple of kv_heads (" << kvHeads
       << ")";
  if (!getContextParallel())
    checkSequences(c, getInput(), getSeqLenAttr().getInt());
  else if (auto *d = c.require(!getKCache()))
    *d << "splits its sequences over a context-parallel group, which a "
          "serving step with a KV cache does not do";
  int64_t hidden = dim(getInput(), 1);
  c.eq("rows of 'wq'", dim(getWq(), 0), "the hidden size", hidden)
      .eq("columns of 'wq'", dim(getWq(), 1), "heads * head_dim",
          heads * headDim)
      .eq("rows of 'wk'", dim(getWk(), 0), "the hidden size", hidden)
      .eq("columns of 'wk'", dim(getWk(), 1), "kv_heads * head_dim",
          kvHeads * headDim)
      .eq("rows of 'wv'", dim(getWv(), 0), "the hidden size", hidden)
      .eq("columns of 'wv'", dim(getWv(), 1), "kv_heads * head_dim",
          kvHeads * headDim)
      .eq("rows of 'wo'", dim(getWo(), 0), "heads * head_dim", heads * headDim)
      .eq("columns of 'wo'", dim(getWo(), 1), "the hidden size", hidden);
  if (auto *d = c.require(!getKCache() == !getVCache()))
    *d << "needs both a key and a value cache, or neither";
  if (getKCache() && getVCache()) {
    if (auto *d = c.require(getKCache().getType() == getVCache().getType()))
      *d << "key cache (" << getKCache().getType() << ") and value cache ("
         << getVCache().getType() << ") must have one type";
    checkCache(c, "the key cache", getKCache(), getInput(),
               getSeqLenAttr().getInt(), "kv_heads * head_dim",
               kvHeads * headDim);
  }
  checkSameAsInput(c, getInput(), getResult());
  c.sameElementType("the input", getInput(),
                    {{"'wq'", getWq()},
                     {"'wk'", getWk()},
                     {"'wv'", getWv()},
                     {"'wo'", getWo()},
                     {"the result", getResult()}});
  return c.result();
}

LogicalResult
AttentionOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyContextGroup(*this, symbolTable);
}

void AttentionOp::getCacheColumns(SmallVectorImpl<int64_t> &columns) {
  int64_t perToken = getNumKvHeads() * getHeadDim();
  columns.append({perToken, perToken});
}

void AttentionOp::setCaches(ValueRange caches) {
  assert((caches.empty() || caches.size() == 2) && "keys and values");
  getKCacheMutable().assign(caches.empty() ? ValueRange()
                                           : caches.take_front());
  getVCacheMutable().assign(caches.empty() ? ValueRange()
                                           : caches.drop_front());
}

//===----------------------------------------------------------------------===//
// MLAttentionOp
//===----------------------------------------------------------------------===//

LogicalResult
MLAttentionOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyContextGroup(*this, symbolTable);
}

void MLAttentionOp::getCacheColumns(SmallVectorImpl<int64_t> &columns) {
  columns.push_back(getKvRank() + getQkRopeDim());
}

void MLAttentionOp::setCaches(ValueRange caches) {
  assert(caches.size() <= 1 && "one latent cache");
  getCacheMutable().assign(caches);
}

LogicalResult MLAttentionOp::verify() {
  ShapeChecker c(*this);
  int64_t heads = getNumHeadsAttr().getInt();
  int64_t nope = getQkNopeDimAttr().getInt();
  int64_t rope = getQkRopeDimAttr().getInt();
  int64_t vDim = getVHeadDimAttr().getInt();
  int64_t hidden = dim(getInput(), 1);
  if (!getContextParallel())
    checkSequences(c, getInput(), getSeqLenAttr().getInt());
  else if (auto *d = c.require(!getCache()))
    *d << "splits its sequences over a context-parallel group, which a "
          "serving step with a KV cache does not do";
  if (Value qDown = getQDown())
    c.eq("rows of 'q_down'", dim(qDown, 0), "the hidden size", hidden)
        .eq("rows of 'q_up'", dim(getQUp(), 0), "the query rank of 'q_down'",
            dim(qDown, 1));
  else
    c.eq("rows of 'q_up'", dim(getQUp(), 0), "the hidden size", hidden);
  c.eq("columns of 'q_up'", dim(getQUp(), 1),
       "heads * (qk_nope_dim + qk_rope_dim)", heads * (nope + rope))
      .eq("rows of 'kv_down'", dim(getKvDown(), 0), "the hidden size", hidden)
      .eq("columns of 'kv_down'", dim(getKvDown(), 1), "kv rank + qk_rope_dim",
          isStatic(getKvRank()) ? getKvRank() + rope : ShapedType::kDynamic)
      .eq("columns of 'kv_up'", dim(getKvUp(), 1),
          "heads * (qk_nope_dim + v_head_dim)", heads * (nope + vDim))
      .eq("rows of 'out'", dim(getOut(), 0), "heads * v_head_dim", heads * vDim)
      .eq("columns of 'out'", dim(getOut(), 1), "the hidden size", hidden);
  if (Value cache = getCache())
    checkCache(c, "the cache", cache, getInput(), getSeqLenAttr().getInt(),
               "kv rank + qk_rope_dim",
               isStatic(getKvRank()) ? getKvRank() + rope
                                     : ShapedType::kDynamic);
  checkSameAsInput(c, getInput(), getResult());
  c.sameElementType("the input", getInput(),
                    {{"'q_down'", getQDown()},
                     {"'q_up'", getQUp()},
                     {"'kv_down'", getKvDown()},
                     {"'kv_up'", getKvUp()},
                     {"'out'", getOut()},
                     {"the result", getResult()}});
  return c.result();
}

//===----------------------------------------------------------------------===//
// RMSNormOp
//===----------------------------------------------------------------------===//

LogicalResult RMSNormOp::verify() {
  ShapeChecker c(*this);
  // ODS admits unranked tensors (`tensor<*xf32>`); the normalised dimension
  // must be known, so reject them here rather than cast blindly.
  auto inputType = dyn_cast<RankedTensorType>(getInput().getType());
  if (auto *d = c.require(inputType != nullptr))
    *d << "input must be a ranked tensor";
  if (auto *d = c.require(!inputType || inputType.getRank() >= 1))
    *d << "input must have at least one dimension";
  double epsilon = getEpsilon().convertToDouble();
  if (auto *d = c.require(epsilon > 0))
    *d << "epsilon (" << epsilon << ") must be positive";
  if (inputType && inputType.getRank() >= 1)
    c.eq("size of 'weight'", dim(getWeight(), 0), "the input's last dimension",
         inputType.getDimSize(inputType.getRank() - 1));
  c.sameElementType("the input", getInput(), {{"'weight'", getWeight()}});
  return c.result();
}

//===----------------------------------------------------------------------===//
// FFNOp
//===----------------------------------------------------------------------===//

LogicalResult FFNOp::verify() {
  return verifyFfnWeights(*this, getInput(), getGate(), getUp(), getDown(),
                          getResult(), getActivation(), /*lead=*/0);
}

//===----------------------------------------------------------------------===//
// EmbeddingOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::verify() {
  ShapeChecker c(*this);
  c.eq("rows of the result", dim(getResult(), 0), "the number of token ids",
       dim(getIds(), 0))
      .eq("columns of the result", dim(getResult(), 1),
          "the hidden size of 'table'", dim(getTable(), 1));
  c.sameElementType("'table'", getTable(), {{"the result", getResult()}});
  return c.result();
}

#define GET_OP_CLASSES
#include "moe/Dialect/MoE/IR/MoEOps.cpp.inc"
