//===- MoECostModel.cpp - Kernels of the moe ops ----------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Each moe op describes one forward execution as kernels (docs/CostModel.md,
// "Op kernels", gives every formula). Shapes must be static to be costed.
//
//===----------------------------------------------------------------------===//

#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Interfaces/CostModelOpInterface.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

namespace {

bool allStatic(Operation *op) {
  auto isStaticTensor = [](Type t) {
    auto shaped = dyn_cast<ShapedType>(t);
    return !shaped || shaped.hasStaticShape();
  };
  return llvm::all_of(op->getOperandTypes(), isStaticTensor) &&
         llvm::all_of(op->getResultTypes(), isStaticTensor);
}

int64_t dim(Value v, unsigned i) {
  return cast<ShapedType>(v.getType()).getDimSize(i);
}

unsigned bytesOf(Value v) { return elementBytes(v.getType()); }

/// The moe.dispatch that filled an expert buffer, found through the ops
/// between them that forward one tensor (all_to_all, casts, reshapes,
/// moe.experts); null when there is none within a few steps.
DispatchOp findDispatch(Value buffer) {
  for (int step = 0; step < 8 && buffer; ++step) {
    Operation *def = buffer.getDefiningOp();
    if (!def)
      return nullptr;
    if (auto dispatch = dyn_cast<DispatchOp>(def))
      return dispatch;
    if (def->getNumOperands() < 1 || def->getNumResults() != 1)
      return nullptr;
    buffer = def->getOperand(0);
  }
  return nullptr;
}

/// Routing facts an expert buffer inherits from the moe.dispatch that filled
/// it: tokens routed by the dispatching device, top_k, and the dispatch
/// buffer's experts and slots per expert.
struct Routing {
  int64_t tokens = 0, topK = 0, experts = 0, capacity = 0;
};

std::optional<Routing> findRouting(Value buffer) {
  DispatchOp dispatch = findDispatch(buffer);
  if (!dispatch)
    return std::nullopt;
  return Routing{dim(dispatch.getInput(), 0), dim(dispatch.getIndices(), 1),
                 dim(dispatch.getResult(), 0), dim(dispatch.getResult(), 1)};
}

/// Tokens each local expert processes: every sender routes `T * top_k / E`
/// tokens to each expert, and the expert's slots hold those of
/// `C_local / C` senders (the all-to-all's group, times the tp ranks that
/// gather under expert tensor parallelism): `T * top_k / E * C_local / C`
/// (see docs/CostModel.md), capped by the capacity.
double tokensPerExpert(ExpertsOp op) {
  int64_t experts = op.getNumExperts(), capacity = op.getCapacity();
  std::optional<Routing> routing = findRouting(op.getInput());
  if (!routing || experts <= 0 || routing->experts <= 0 ||
      routing->capacity <= 0)
    return static_cast<double>(capacity);
  double senders = static_cast<double>(capacity) / routing->capacity;
  double load = static_cast<double>(routing->tokens) * routing->topK /
                routing->experts * senders;
  return std::min<double>(capacity, load);
}

double activeExpertFraction(ExpertsOp op) {
  std::optional<Routing> routing = findRouting(op.getInput());
  if (!routing || routing->experts <= 0)
    return 1.0;
  return static_cast<double>(routing->topK) / routing->experts;
}

} // namespace

bool mlir::moe::isExpertBuffer(Value buffer) {
  return static_cast<bool>(findDispatch(buffer));
}

bool mlir::moe::isDispatchExchange(Value buffer) {
  for (int step = 0; step < 8 && buffer; ++step) {
    Operation *def = buffer.getDefiningOp();
    if (!def || isa<ExpertsOp>(def))
      return false;
    if (isa<DispatchOp>(def))
      return true;
    if (def->getNumOperands() < 1 || def->getNumResults() != 1)
      return false;
    buffer = def->getOperand(0);
  }
  return false;
}

Kernel mlir::moe::makeExchange(CollectiveKind kind, Value buffer,
                               ArrayRef<int64_t> inputShape, double inputBytes,
                               double resultBytes, int64_t groupSize,
                               int64_t groupStride, bool gradientSync) {
  Kernel kernel = makeCollective(
      kind,
      getMovedShare(kind, buffer) *
          collectiveBufferBytes(kind, inputBytes, resultBytes),
      elementBytes(buffer.getType()), groupSize, groupStride, gradientSync);
  kernel.expertDispatch =
      kind == CollectiveKind::AllToAll && isDispatchExchange(buffer);
  // A dropless buffer moves the routed rows, so a rank that receives more
  // (and, for the return, sends more) moves more; a padded buffer moves its
  // capacity whatever the load. Under expert tensor parallelism the rows a
  // rank received are gathered over (and scattered back to) its tp ranks:
  // they too move more on the busiest expert-parallel rank, whose group is
  // the ranks the layer's experts are spread over.
  if (kind == CollectiveKind::AllGather ||
      kind == CollectiveKind::ReduceScatter) {
    DispatchOp dispatch = findDispatch(buffer);
    if (dispatch && dispatch.getDropless() && allStatic(dispatch) &&
        inputShape.size() == 3 && inputShape[0] > 0) {
      kernel.layerExperts = dim(dispatch.getResult(), 0);
      kernel.expertGroup =
          std::max<int64_t>(1, kernel.layerExperts / inputShape[0]);
    }
  }
  if (kind == CollectiveKind::AllToAll) {
    DispatchOp dispatch = findDispatch(buffer);
    kernel.expertExchange = static_cast<bool>(dispatch);
    if (dispatch && dispatch.getDropless() && allStatic(dispatch)) {
      kernel.layerExperts = dim(dispatch.getResult(), 0);
      kernel.expertGroup = groupSize;
    }
    // Where each token's copies go, for a dispatcher that sends one per
    // node.
    if (auto router = dispatch ? dispatch.getIndices().getDefiningOp<RouterOp>()
                               : RouterOp()) {
      kernel.routedCopies = static_cast<double>(router.getTopK());
      if (IntegerAttr groups = router.getNGroupAttr()) {
        kernel.routeGroups = groups.getInt();
        kernel.routeGroupLimit = router.getTopkGroupAttr().getInt();
      }
    }
  }
  return kernel;
}

double mlir::moe::getMovedShare(CollectiveKind kind, Value buffer) {
  // Gradient all-reduces move whole weights; the others move the routed
  // rows of an expert buffer (all_to_all; all_gather and reduce_scatter
  // under expert tensor parallelism), every row of any other tensor.
  if (kind == CollectiveKind::AllReduce)
    return 1;
  return getRoutedShare(buffer);
}

double mlir::moe::getRoutedShare(Value buffer) {
  // Expert buffers are [experts, slots, hidden]; token tensors that a
  // combine derives from them are not.
  auto type = dyn_cast<RankedTensorType>(buffer.getType());
  if (!type || type.getRank() != 3)
    return 1;
  DispatchOp dispatch = findDispatch(buffer);
  if (!dispatch || !dispatch.getDropless() || !allStatic(dispatch))
    return 1;
  double slots = static_cast<double>(dim(dispatch.getResult(), 0)) *
                 dim(dispatch.getResult(), 1);
  double routed = static_cast<double>(dim(dispatch.getInput(), 0)) *
                  dim(dispatch.getIndices(), 1);
  return slots > 0 ? std::min(1.0, routed / slots) : 1;
}

//===----------------------------------------------------------------------===//
// RouterOp
//===----------------------------------------------------------------------===//

LogicalResult RouterOp::getKernels(KernelList &kernels) {
  if (!allStatic(*this))
    return failure();
  int64_t tokens = dim(getInput(), 0), hidden = dim(getInput(), 1);
  int64_t experts = getNumExperts(), topK = getTopKAttr().getInt();
  unsigned b = bytesOf(getInput());
  kernels.push_back(makeGemm("gate", 1, tokens, experts, hidden, b, true));
  double scores = static_cast<double>(tokens) * experts;
  // Softmax/sigmoid over the scores (about 5 FLOPs each), then the top-k
  // selection: read the scores, write indices (i32) and weights.
  double selected = static_cast<double>(tokens) * topK * (4 + b);
  Kernel topk = makeMemory("topk", scores * b + selected, 5 * scores, b);
  // Backward (one fused kernel, as Megatron-Core's router fusion runs it):
  // read the chosen weights' gradients, their indices and the saved
  // probabilities, write the scores' gradient: 2 score tensors against 1.
  setBackwardBytes(topk, 2 * scores * b + selected);
  kernels.push_back(topk);
  return success();
}

void RouterOp::getParameters(SmallVectorImpl<ParameterUse> &params) {
  params.push_back({getGate(), 1.0});
  if (getBias())
    params.push_back({getBias(), 1.0});
}

double RouterOp::getSavedActivationBytes() {
  // The input (for the gate's weight gradient) and the scores.
  return tensorBytes(getInput()) + static_cast<double>(dim(getInput(), 0)) *
                                       getNumExperts() * bytesOf(getInput());
}

double RouterOp::getRecomputed(RecomputeModule module,
                               SmallVectorImpl<StringRef> &kernels) {
  // The MoE block keeps its input; the scores are recomputed.
  if (module != RecomputeModule::Moe)
    return 0;
  kernels.append({"gate", "topk"});
  return getSavedActivationBytes() - tensorBytes(getInput());
}

//===----------------------------------------------------------------------===//
// DispatchOp
//===----------------------------------------------------------------------===//

LogicalResult DispatchOp::getKernels(KernelList &kernels) {
  if (!allStatic(*this))
    return failure();
  int64_t tokens = dim(getInput(), 0), hidden = dim(getInput(), 1);
  int64_t topK = dim(getIndices(), 1);
  int64_t slots = dim(getResult(), 0) * dim(getResult(), 1);
  unsigned b = bytesOf(getInput());
  // A permutation: read each token once, write each routed copy once.
  double routed = std::min<double>(slots, static_cast<double>(tokens) * topK);
  Kernel permute =
      makeMemory("permute",
                 (static_cast<double>(tokens) + routed) * hidden * b +
                     static_cast<double>(tokens) * topK * 4,
                 0, b);
  // Its backward is the inverse permutation: read each routed copy's
  // gradient, write (summing the copies) each token's: the same traffic.
  permute.backwardTraffic = 1;
  kernels.push_back(permute);
  return success();
}

void DispatchOp::getParameters(SmallVectorImpl<ParameterUse> &) {}

double DispatchOp::getSavedActivationBytes() {
  return static_cast<double>(dim(getIndices(), 0)) * dim(getIndices(), 1) * 4;
}

double DispatchOp::getRecomputed(RecomputeModule module,
                                 SmallVectorImpl<StringRef> &kernels) {
  if (module != RecomputeModule::Moe)
    return 0;
  kernels.push_back("permute");
  return getSavedActivationBytes();
}

//===----------------------------------------------------------------------===//
// ExpertsOp
//===----------------------------------------------------------------------===//

LogicalResult ExpertsOp::getKernels(KernelList &kernels) {
  if (!allStatic(*this))
    return failure();
  // Only experts that receive a token run (and read their weights): with few
  // tokens that is fewer than E. The routed rows spread over them.
  double experts = getNumExperts();
  double routed = tokensPerExpert(*this) * experts;
  double topK = 1, share = 1;
  if (std::optional<Routing> routing = findRouting(getInput())) {
    topK = routing->topK;
    if (routing->experts > 0)
      share = experts / static_cast<double>(routing->experts);
  }
  appendExpertKernels(kernels, routed, experts, topK, getHiddenSize(),
                      getFfnSize(), isGated(getActivation()),
                      getActivationFlops(getActivation()), bytesOf(getInput()),
                      getCapacity(), share);
  return success();
}

void ExpertsOp::getParameters(SmallVectorImpl<ParameterUse> &params) {
  double fraction = activeExpertFraction(*this);
  if (getGate())
    params.push_back({getGate(), fraction});
  params.push_back({getUp(), fraction});
  params.push_back({getDown(), fraction});
}

double ExpertsOp::getSavedActivationBytes() {
  // Routed input rows plus the up/gate projections and the activation.
  double rows = tokensPerExpert(*this) * getNumExperts();
  double perRow =
      getHiddenSize() + (isGated(getActivation()) ? 3.0 : 2.0) * getFfnSize();
  return rows * perRow * bytesOf(getInput());
}

double ExpertsOp::getRecomputed(RecomputeModule module,
                                SmallVectorImpl<StringRef> &kernels) {
  if (module == RecomputeModule::Moe) {
    kernels.append({"gate", "up", "act", "down"});
    return getSavedActivationBytes();
  }
  if (module != RecomputeModule::MoeAct)
    return 0;
  // The activation's output; gate and up stay saved.
  kernels.push_back("act");
  return tokensPerExpert(*this) * getNumExperts() * getFfnSize() *
         bytesOf(getInput());
}

//===----------------------------------------------------------------------===//
// CombineOp
//===----------------------------------------------------------------------===//

LogicalResult CombineOp::getKernels(KernelList &kernels) {
  if (!allStatic(*this))
    return failure();
  int64_t tokens = dim(getIndices(), 0), topK = dim(getIndices(), 1);
  int64_t hidden = dim(getResult(), 1);
  int64_t slots = dim(getInput(), 0) * dim(getInput(), 1);
  unsigned b = bytesOf(getInput());
  double routed = std::min<double>(slots, static_cast<double>(tokens) * topK);
  // Read each routed row, the indices and weights; write each token once;
  // one multiply-add per routed element.
  double indexBytes = static_cast<double>(tokens) * topK * (4 + b);
  Kernel unpermute =
      makeMemory("unpermute", (routed + tokens) * hidden * b + indexBytes,
                 2.0 * routed * hidden, b);
  // Backward: read the tokens' output gradient and the saved routed rows
  // (for the weights' gradient), write the routed rows' gradient and the
  // weights': (T + 2R) rows against the forward's (R + T).
  setBackwardBytes(unpermute, (tokens + 2 * routed) * hidden * b + indexBytes);
  kernels.push_back(unpermute);
  return success();
}

void CombineOp::getParameters(SmallVectorImpl<ParameterUse> &) {}

double CombineOp::getSavedActivationBytes() {
  return tensorBytes(getWeights()) + tensorBytes(getIndices());
}

double CombineOp::getRecomputed(RecomputeModule module,
                                SmallVectorImpl<StringRef> &kernels) {
  if (module != RecomputeModule::Moe)
    return 0;
  kernels.push_back("unpermute");
  return getSavedActivationBytes();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

namespace {

/// The attention core of an op on `rows` tokens of `seq`-token sequences,
/// `heads` (sequence, head) pairs per sequence. With a context-parallel
/// group of `c` devices the op holds `seq / c` tokens of each sequence:
/// its queries attend to all `seq` keys (their two chunks balance the
/// causal work, so each device does 1/c of it), and the keys and values of
/// the sequence, `kvBytes` per token, travel round the group as a ring
/// beside the core (Megatron-Core's p2p context parallelism).
LogicalResult appendAttentionCore(AttentionOpInterface op, KernelList &kernels,
                                  int64_t rows, int64_t heads, int64_t qkDim,
                                  int64_t vDim, bool causal, int64_t window,
                                  unsigned elemBytes, double kvBytes) {
  int64_t c = 1, stride = 1;
  if (failed(getContextGroup(op, c, stride)))
    return failure();
  int64_t seq = op.getSequenceLength();
  int64_t local = seq / c, sequences = rows / local;
  kernels.push_back(makeAttention(sequences * heads, local, seq, qkDim, vDim,
                                  causal, window, elemBytes));
  if (c > 1)
    kernels.push_back(makeContextExchange(
        static_cast<double>(sequences) * seq * kvBytes, elemBytes, c, stride));
  return success();
}

} // namespace

LogicalResult AttentionOp::getKernels(KernelList &kernels) {
  if (!allStatic(*this))
    return failure();
  int64_t tokens = dim(getInput(), 0), hidden = dim(getInput(), 1);
  int64_t heads = getNumHeadsAttr().getInt();
  int64_t kvHeads = getNumKvHeadsAttr().getInt();
  int64_t d = getHeadDimAttr().getInt(), seq = getSeqLenAttr().getInt();
  unsigned b = bytesOf(getInput());
  kernels.push_back(makeGemm("q", 1, tokens, heads * d, hidden, b, true));
  kernels.push_back(makeGemm("k", 1, tokens, kvHeads * d, hidden, b, true));
  kernels.push_back(makeGemm("v", 1, tokens, kvHeads * d, hidden, b, true));
  int64_t window = getWindow() ? static_cast<int64_t>(*getWindow()) : 0;
  if (int64_t cached = getCachedLength()) {
    unsigned cb = bytesOf(getKCache());
    // Write the step's keys and values into the cache (converting them to
    // its precision), then attend over it.
    kernels.push_back(makeMemory(
        "kv-append", static_cast<double>(tokens) * 2 * kvHeads * d * (b + cb),
        0, b));
    kernels.push_back(
        makeCachedAttention(tokens / seq, kvHeads, heads / kvHeads * seq, seq,
                            cached, d, d, 2 * d, cb, getCausal(), window, b));
  } else if (failed(appendAttentionCore(*this, kernels, tokens, heads, d, d,
                                        getCausal(), window, b,
                                        2.0 * kvHeads * d * b))) {
    return failure();
  }
  kernels.push_back(makeGemm("o", 1, tokens, hidden, heads * d, b, true));
  return success();
}

void AttentionOp::getParameters(SmallVectorImpl<ParameterUse> &params) {
  for (Value w : {getWq(), getWk(), getWv(), getWo()})
    params.push_back({w, 1.0});
}

void AttentionOp::getCaches(SmallVectorImpl<Value> &caches) {
  if (getKCache() && getVCache())
    caches.append({getKCache(), getVCache()});
}

double AttentionOp::getSavedActivationBytes() {
  // Input, Q, K, V and O, plus the fp32 log-sum-exp flash attention keeps.
  double tokens = dim(getInput(), 0);
  double heads = getNumHeadsAttr().getInt();
  double kvHeads = getNumKvHeadsAttr().getInt();
  double d = getHeadDimAttr().getInt();
  return tokens * (dim(getInput(), 1) + (2 * heads + 2 * kvHeads) * d) *
             bytesOf(getInput()) +
         tokens * heads * 4;
}

double AttentionOp::getRecomputed(RecomputeModule module,
                                  SmallVectorImpl<StringRef> &kernels) {
  if (module != RecomputeModule::CoreAttn || getKCache())
    return 0;
  // The core's output and its fp32 log-sum-exp.
  kernels.push_back("attn-core");
  double tokens = dim(getInput(), 0);
  double heads = getNumHeadsAttr().getInt();
  return tokens * heads *
         (getHeadDimAttr().getInt() * bytesOf(getInput()) + 4.0);
}

//===----------------------------------------------------------------------===//
// MLAttentionOp
//===----------------------------------------------------------------------===//

LogicalResult MLAttentionOp::getKernels(KernelList &kernels) {
  if (!allStatic(*this))
    return failure();
  int64_t tokens = dim(getInput(), 0), hidden = dim(getInput(), 1);
  int64_t heads = getNumHeadsAttr().getInt();
  int64_t nope = getQkNopeDimAttr().getInt();
  int64_t rope = getQkRopeDimAttr().getInt();
  int64_t vDim = getVHeadDimAttr().getInt(), seq = getSeqLenAttr().getInt();
  unsigned b = bytesOf(getInput());
  int64_t qIn = hidden;
  if (Value qDown = getQDown()) {
    qIn = dim(qDown, 1);
    kernels.push_back(makeGemm("q_down", 1, tokens, qIn, hidden, b, true));
  }
  kernels.push_back(
      makeGemm("q_up", 1, tokens, heads * (nope + rope), qIn, b, true));
  int64_t rank = getKvRank();
  kernels.push_back(
      makeGemm("kv_down", 1, tokens, rank + rope, hidden, b, true));
  if (int64_t cached = getCachedLength()) {
    // The absorbed form: per head, queries move into the latent space
    // through kv_up's key half and the attention output leaves it through
    // the value half; every head reads the one latent cache.
    unsigned cb = bytesOf(getCache());
    kernels.push_back(makeMemory(
        "kv-append", static_cast<double>(tokens) * (rank + rope) * (b + cb), 0,
        b));
    kernels.push_back(makeGemm("q_absorb", heads, tokens, rank, nope, b, true));
    kernels.push_back(makeCachedAttention(tokens / seq, 1, heads * seq, seq,
                                          cached, rank + rope, rank,
                                          rank + rope, cb, getCausal(), 0, b));
    kernels.push_back(makeGemm("v_absorb", heads, tokens, vDim, rank, b, true));
    kernels.push_back(makeGemm("o", 1, tokens, hidden, heads * vDim, b, true));
    return success();
  }
  kernels.push_back(
      makeGemm("kv_up", 1, tokens, heads * (nope + vDim), rank, b, true));
  // The ring carries each head's expanded keys and values, as Megatron-Core
  // does for MLA.
  if (failed(appendAttentionCore(
          *this, kernels, tokens, heads, nope + rope, vDim, getCausal(), 0, b,
          static_cast<double>(heads) * (nope + rope + vDim) * b)))
    return failure();
  kernels.push_back(makeGemm("o", 1, tokens, hidden, heads * vDim, b, true));
  return success();
}

void MLAttentionOp::getCaches(SmallVectorImpl<Value> &caches) {
  if (getCache())
    caches.push_back(getCache());
}

void MLAttentionOp::getParameters(SmallVectorImpl<ParameterUse> &params) {
  if (getQDown())
    params.push_back({getQDown(), 1.0});
  for (Value w : {getQUp(), getKvDown(), getKvUp(), getOut()})
    params.push_back({w, 1.0});
}

double MLAttentionOp::getSavedActivationBytes() {
  double tokens = dim(getInput(), 0);
  double heads = getNumHeadsAttr().getInt();
  double qk = getQkNopeDimAttr().getInt() + getQkRopeDimAttr().getInt();
  double v = getVHeadDimAttr().getInt();
  return tokens *
             (dim(getInput(), 1) + getKvRank() + heads * (2 * qk + 2 * v)) *
             bytesOf(getInput()) +
         tokens * heads * 4;
}

double MLAttentionOp::getRecomputed(RecomputeModule module,
                                    SmallVectorImpl<StringRef> &kernels) {
  if (getCache())
    return 0;
  double tokens = dim(getInput(), 0);
  double heads = getNumHeadsAttr().getInt();
  double qk = getQkNopeDimAttr().getInt() + getQkRopeDimAttr().getInt();
  double v = getVHeadDimAttr().getInt();
  unsigned b = bytesOf(getInput());
  if (module == RecomputeModule::CoreAttn) {
    kernels.push_back("attn-core");
    return tokens * heads * (v * b + 4.0);
  }
  if (module != RecomputeModule::MlaUpProj)
    return 0;
  // Queries, keys and values per head, rebuilt from the saved latents.
  kernels.append({"q_up", "kv_up"});
  return tokens * heads * (2 * qk + v) * b;
}

//===----------------------------------------------------------------------===//
// RMSNormOp
//===----------------------------------------------------------------------===//

LogicalResult RMSNormOp::getKernels(KernelList &kernels) {
  if (!allStatic(*this))
    return failure();
  double elems = cast<ShapedType>(getInput().getType()).getNumElements();
  // Read x and the weight, write y; square, sum, scale and weight: 4 FLOPs.
  Kernel norm = makeMemory(
      "rms_norm", 2 * tensorBytes(getInput()) + tensorBytes(getWeight()),
      4 * elems, bytesOf(getInput()));
  // Backward: read x, the output gradient and the weight, write x's
  // gradient (the weight's is a reduction of the same reads): 3 tensors of
  // x's size against 2.
  setBackwardBytes(norm,
                   3 * tensorBytes(getInput()) + tensorBytes(getWeight()));
  kernels.push_back(norm);
  return success();
}

void RMSNormOp::getParameters(SmallVectorImpl<ParameterUse> &params) {
  params.push_back({getWeight(), 1.0});
}

double RMSNormOp::getSavedActivationBytes() { return tensorBytes(getInput()); }

double RMSNormOp::getRecomputed(RecomputeModule, SmallVectorImpl<StringRef> &) {
  return 0;
}

//===----------------------------------------------------------------------===//
// FFNOp
//===----------------------------------------------------------------------===//

LogicalResult FFNOp::getKernels(KernelList &kernels) {
  if (!allStatic(*this))
    return failure();
  appendFfnKernels(kernels, 1, dim(getInput(), 0), dim(getInput(), 1),
                   dim(getUp(), 1), isGated(getActivation()),
                   getActivationFlops(getActivation()), bytesOf(getInput()));
  return success();
}

void FFNOp::getParameters(SmallVectorImpl<ParameterUse> &params) {
  if (getGate())
    params.push_back({getGate(), 1.0});
  params.push_back({getUp(), 1.0});
  params.push_back({getDown(), 1.0});
}

double FFNOp::getSavedActivationBytes() {
  double tokens = dim(getInput(), 0);
  double perRow = dim(getInput(), 1) +
                  (isGated(getActivation()) ? 3.0 : 2.0) * dim(getUp(), 1);
  return tokens * perRow * bytesOf(getInput());
}

double FFNOp::getRecomputed(RecomputeModule module,
                            SmallVectorImpl<StringRef> &kernels) {
  if (module != RecomputeModule::Mlp)
    return 0;
  kernels.append({"gate", "up", "act", "down"});
  return getSavedActivationBytes() - tensorBytes(getInput());
}

//===----------------------------------------------------------------------===//
// EmbeddingOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::getKernels(KernelList &kernels) {
  if (!allStatic(*this))
    return failure();
  // Gather T rows of the table and write them.
  Kernel gather =
      makeMemory("gather", 2 * tensorBytes(getResult()) + tensorBytes(getIds()),
                 0, bytesOf(getTable()));
  // Backward: read the output gradient and add it into the table's
  // gradient rows (read and write them): 3 row sets against 2.
  setBackwardBytes(gather,
                   3 * tensorBytes(getResult()) + tensorBytes(getIds()));
  kernels.push_back(gather);
  return success();
}

void EmbeddingOp::getParameters(SmallVectorImpl<ParameterUse> &params) {
  // Published active-parameter counts include the whole table.
  params.push_back({getTable(), 1.0});
}

double EmbeddingOp::getSavedActivationBytes() { return tensorBytes(getIds()); }

double EmbeddingOp::getRecomputed(RecomputeModule,
                                  SmallVectorImpl<StringRef> &) {
  return 0;
}
