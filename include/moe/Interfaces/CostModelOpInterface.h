//===- CostModelOpInterface.h - Analytic op cost ----------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Ops describe their work as machine-independent kernels; the cost analysis
// (moe/Cost/CostAnalysis.h) prices them on a machine.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_INTERFACES_COSTMODELOPINTERFACE_H
#define MOE_INTERFACES_COSTMODELOPINTERFACE_H

#include "moe/Support/RecomputeModule.h"

#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>

namespace mlir {
class DialectRegistry;
namespace moe {

/// The kinds of kernel the roofline prices differently.
enum class KernelKind {
  /// `count` independent [m x k] * [k x n] products (one GEMM, or a grouped
  /// GEMM over experts).
  Gemm,
  /// A fused (flash) attention core: `count` = batch * heads, `m` queries,
  /// `n` keys, `k` the query/key head dim, `vDim` the value head dim.
  Attention,
  /// Element-wise, reduction, gather or copy: bound by memory bandwidth.
  Memory,
  /// A collective over a group of devices.
  Collective,
  /// Weights streamed between external memory and a wafer (weight
  /// streaming): `weightBytes` over the system's I/O, broadcast to (or, for
  /// gradients, `backwardOnly`, reduced from) `groupSize` systems.
  WeightStream,
};

enum class CollectiveKind {
  AllToAll,
  AllReduce,
  AllGather,
  ReduceScatter,
  Broadcast,
  PointToPoint
};

/// The GEMMs of a grouped GEMM whose experts have unequal rows: each
/// expert copy's rows when it runs and the expected number of times it runs
/// (the probability that it receives a token).
struct GroupedRows {
  llvm::SmallVector<double, 0> rows, runs;
};

/// One unit of work on one device. FLOPs and bytes are totals over `count`.
struct Kernel {
  KernelKind kind = KernelKind::Memory;
  /// Short role for traces ("up", "attn-core"); must outlive the kernel.
  const char *name = "";
  /// Width of the elements the kernel computes on, in bytes.
  unsigned elemBytes = 2;
  double flops = 0;
  /// Bytes read and written in device memory.
  double bytes = 0;
  /// Memory kernels: the traffic of its backward over its forward's. 2 for an
  /// element-wise op (read the output gradient and the saved input, write the
  /// input gradient); each op states its own where its backward moves other
  /// tensors (docs/CostModel.md, "Phases").
  double backwardTraffic = 2;

  // Gemm / Attention shape.
  int64_t m = 0, n = 0, k = 0, count = 1, vDim = 0;
  /// Gemm: the `k x n` operand is a trainable weight, so the backward pass
  /// also computes its gradient.
  bool weightOperand = false;
  /// Bytes of trainable weights the kernel reads (what weight streaming
  /// must deliver).
  double weightBytes = 0;
  /// A weight GEMM of a training step: bytes per element of the buffer its
  /// weight gradient accumulates into over micro-batches (main_grad), which
  /// the weight-gradient GEMM reads and writes (0: none, the gradient is
  /// written once).
  unsigned gradElemBytes = 0;
  /// Attention: causal mask, sliding window (0 = none).
  bool causal = false;
  int64_t window = 0;
  /// Attention over a serving cache: keys already cached per sequence (the
  /// last `n - cachedKeys` keys are the step's own queries).
  int64_t cachedKeys = 0;

  // Collective.
  CollectiveKind collective = CollectiveKind::AllToAll;
  /// Bytes of the buffer each device contributes.
  double bufferBytes = 0;
  /// Devices in the group and the distance between consecutive members in
  /// the linear device order (1 = neighbours, which share a node first).
  int64_t groupSize = 1, groupStride = 1;
  /// Gradient synchronisation: only runs in a training step, and only once
  /// (it is already the backward pass).
  bool backwardOnly = false;
  /// An all-to-all carrying tokens to the experts (FP8 plans send it in
  /// FP8).
  bool expertDispatch = false;
  /// An all-to-all of an expert buffer, either way (dispatch or combine):
  /// what an expert-parallel overlap schedule hides behind another
  /// micro-batch's compute.
  bool expertExchange = false;
  /// An expert exchange's routing: each token's `routedCopies` copies (its
  /// top_k) fall in `routeGroupLimit` of `routeGroups` expert groups (a
  /// router with `groups(n, limit)`, DeepSeek-V3's node-limited routing;
  /// 0: any experts).
  double routedCopies = 0;
  int64_t routeGroups = 0, routeGroupLimit = 0;
  /// The exchange sends a token once to each remote node it reaches and
  /// fans it out inside the node (a plan's DeepEP dispatcher, set by the
  /// cost analysis); otherwise every routed copy travels.
  bool perNodeDispatch = false;
  /// A context-parallel ring of keys and values (makeContextExchange): it
  /// runs beside the attention core before it, and its backward carries
  /// the key and value gradients round the ring as well.
  bool contextExchange = false;

  /// The rows (`m`) are tokens routed to one expert: under skewed routing
  /// the analysis gives each expert its own rows, up to `maxRows` (the
  /// capacity).
  bool routed = false;
  int64_t maxRows = 0;
  /// Routed work (an expert kernel, or an all-to-all of a dropless expert
  /// buffer): the layer's experts over all `expertGroup` expert-parallel
  /// ranks, the tokens those ranks route, top_k, and the routed rows this
  /// rank runs when every expert is equally loaded. The analysis moves the
  /// work to the most loaded rank under skewed routing.
  int64_t layerExperts = 0, expertGroup = 1;
  double groupTokens = 0, topK = 1, routedRows = 0;
  /// A grouped GEMM whose experts have unequal rows (null: `count` GEMMs of
  /// `m` rows).
  std::shared_ptr<const GroupedRows> groupedRows;
};

using KernelList = llvm::SmallVector<Kernel, 4>;

/// A trainable weight read by an op.
struct ParameterUse {
  Value weight;
  /// Fraction of the weight one token uses (top_k / E for routed experts).
  double activeFraction = 1.0;
};

/// `count` GEMMs of [m x k] * [k x n] on `elemBytes`-wide elements; the
/// `k x n` operand is a trainable weight when `weight` is set.
Kernel makeGemm(const char *name, int64_t count, int64_t m, int64_t n,
                int64_t k, unsigned elemBytes, bool weight);
/// A memory-bound kernel moving `bytes` and doing `flops`.
Kernel makeMemory(const char *name, double bytes, double flops,
                  unsigned elemBytes);
/// States that the backward of memory kernel `kernel` moves `backwardBytes`
/// (its `backwardTraffic` over the forward's bytes; a kernel that moves
/// nothing forward moves nothing backward).
void setBackwardBytes(Kernel &kernel, double backwardBytes);
/// A fused attention core over `count` (sequence, head) pairs.
Kernel makeAttention(int64_t count, int64_t queries, int64_t keys,
                     int64_t qkDim, int64_t vDim, bool causal, int64_t window,
                     unsigned elemBytes);
/// Attention of a serving step over a KV cache: `sequences` x `groups` KV
/// heads (`groups` = 1 for MLA's shared latent), each read once by the
/// `queryRows` query rows that share it (query heads per KV head times the
/// step's `newTokens` per sequence), over `cached + newTokens` keys. Each
/// cached key is `cacheElems` elements of `cacheBytes` bytes.
Kernel makeCachedAttention(int64_t sequences, int64_t groups, int64_t queryRows,
                           int64_t newTokens, int64_t cached, int64_t qkDim,
                           int64_t vDim, int64_t cacheElems,
                           unsigned cacheBytes, bool causal, int64_t window,
                           unsigned elemBytes);
/// Mean keys each of `newTokens` queries attends to after `cached` keys.
double meanCachedKeys(int64_t cached, int64_t newTokens, bool causal,
                      int64_t window);
/// The FFN of `count` experts (1 for a dense FFN), each on `tokens` rows:
/// gate (when `gated`) and up GEMMs, the activation (`actFlops` per element),
/// the down GEMM.
void appendFfnKernels(KernelList &kernels, int64_t count, int64_t tokens,
                      int64_t hidden, int64_t ffn, bool gated, double actFlops,
                      unsigned elemBytes);
/// Routed experts: `routedRows` token assignments (tokens * top_k) over
/// `experts` local experts; only the expected number of experts that
/// receive a token run, each on an equal share of the rows. Kernels are
/// marked `routed` with `capacity` as the most rows an expert may take.
/// `expertShare` is the local experts' share of all experts (1/ep under
/// expert parallelism): a local expert is idle when none of the step's
/// tokens, on every device, picks it among all experts.
void appendExpertKernels(KernelList &kernels, double routedRows, double experts,
                         double topK, int64_t hidden, int64_t ffn, bool gated,
                         double actFlops, unsigned elemBytes, int64_t capacity,
                         double expertShare = 1);

/// A collective over `groupSize` devices `groupStride` apart in the device
/// order, each contributing a buffer of `bufferBytes`; a gradient
/// synchronisation (`gradientSync`) runs in the backward pass only.
Kernel makeCollective(CollectiveKind kind, double bufferBytes,
                      unsigned elemBytes, int64_t groupSize,
                      int64_t groupStride, bool gradientSync);
/// The keys and values of a context-parallel group's sequences,
/// `gatheredBytes` of them once gathered, passed round a ring of
/// `groupSize` devices `groupStride` apart: each device receives what the
/// others hold, as in an all-gather.
Kernel makeContextExchange(double gatheredBytes, unsigned elemBytes,
                           int64_t groupSize, int64_t groupStride);
/// The buffer a collective is priced on: the gathered result of an
/// all-gather, the input of any other.
double collectiveBufferBytes(CollectiveKind kind, double inputBytes,
                             double resultBytes);

/// `bytes` of weights streamed onto `systems` wafers (or, with `gradients`,
/// their gradients streamed back and reduced: backward only).
Kernel makeWeightStream(const char *name, double bytes, int64_t systems,
                        bool gradients);
/// Expected number of the `experts` experts that receive at least one of
/// `tokens` tokens when each picks `topK` distinct experts uniformly:
/// E * (1 - (1 - k/E)^T). Only those experts' weights are read.
double expectedActiveExperts(double tokens, double topK, double experts);

/// Mean number of keys each of `seqLen` queries attends to.
double meanAttendedKeys(int64_t seqLen, bool causal, int64_t window);

/// Whether the cost model can size an op's tensors.
enum class TensorSizes {
  /// Every tensor operand and result is ranked, static and holds at most
  /// kMaxCount elements.
  Static,
  /// One is dynamic or unranked: the op cannot be costed.
  Dynamic,
  /// One holds more than kMaxCount elements: an error naming it has been
  /// emitted at the op.
  TooLarge,
};
/// Checks `op`'s tensor types before any cost model multiplies their sizes.
/// The cost analysis and the plan search's summary both call it first.
TensorSizes checkTensorSizes(Operation *op);

/// Bytes of a ranked tensor's static shape; 0 for anything else.
double tensorBytes(Type type);
double tensorBytes(Value value);
/// Element width in bytes (at least 1) of a shaped type or scalar.
unsigned elementBytes(Type type);

/// Non-weight tensor operands' bytes: what an op keeps for its backward.
double defaultSavedActivationBytes(Operation *op);

} // namespace moe

namespace OpTrait::moe {
/// The op's result is a copy of its first operand, a trainable weight, held
/// elsewhere (wse.stream_weights puts it on the wafer): the cost model keeps
/// treating the result as that weight.
template <typename ConcreteType>
class WeightCopy : public TraitBase<ConcreteType, WeightCopy> {};
} // namespace OpTrait::moe
} // namespace mlir

#include "moe/Interfaces/CostModelOpInterface.h.inc"

#endif // MOE_INTERFACES_COSTMODELOPINTERFACE_H
