//===- CostModelOpInterface.cpp - Analytic op cost --------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Interfaces/CostModelOpInterface.h"
#include "moe/Support/Checked.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

#include "moe/Interfaces/CostModelOpInterface.cpp.inc"

unsigned mlir::moe::elementBytes(Type type) {
  Type elem = getElementTypeOrSelf(type);
  unsigned bits = elem.isIntOrIndexOrFloat() && !elem.isIndex()
                      ? elem.getIntOrFloatBitWidth()
                      : 64;
  return std::max(1u, (bits + 7) / 8);
}

TensorSizes mlir::moe::checkTensorSizes(Operation *op) {
  auto check = [&](Type type, StringRef kind, unsigned index) {
    auto tensor = dyn_cast<TensorType>(type);
    if (!tensor)
      return TensorSizes::Static;
    if (!tensor.hasRank() || !tensor.hasStaticShape())
      return TensorSizes::Dynamic;
    if (!checkedNumElements(tensor.getShape())) {
      op->emitOpError() << kind << " #" << index << " (" << type
                        << ") holds more than " << kMaxCount
                        << " elements, more than the cost model counts";
      return TensorSizes::TooLarge;
    }
    return TensorSizes::Static;
  };
  TensorSizes result = TensorSizes::Static;
  for (auto [i, operand] : llvm::enumerate(op->getOperandTypes())) {
    TensorSizes sizes = check(operand, "operand", i);
    if (sizes == TensorSizes::TooLarge)
      return sizes;
    if (sizes == TensorSizes::Dynamic)
      result = sizes;
  }
  for (auto [i, type] : llvm::enumerate(op->getResultTypes())) {
    TensorSizes sizes = check(type, "result", i);
    if (sizes == TensorSizes::TooLarge)
      return sizes;
    if (sizes == TensorSizes::Dynamic)
      result = sizes;
  }
  return result;
}

double mlir::moe::tensorBytes(Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return 0;
  return static_cast<double>(shaped.getNumElements()) * elementBytes(shaped);
}

double mlir::moe::tensorBytes(Value value) {
  return tensorBytes(value.getType());
}

double mlir::moe::defaultSavedActivationBytes(Operation *op) {
  SmallVector<ParameterUse> params;
  if (auto costOp = dyn_cast<CostModelOpInterface>(op))
    costOp.getParameters(params);
  double total = 0;
  for (Value operand : op->getOperands()) {
    if (llvm::any_of(
            params, [&](const ParameterUse &p) { return p.weight == operand; }))
      continue;
    total += tensorBytes(operand);
  }
  return total;
}

Kernel mlir::moe::makeGemm(const char *name, int64_t count, int64_t m,
                           int64_t n, int64_t k, unsigned elemBytes,
                           bool weight) {
  Kernel kernel;
  kernel.kind = KernelKind::Gemm;
  kernel.name = name;
  kernel.elemBytes = elemBytes;
  kernel.count = count;
  kernel.m = m;
  kernel.n = n;
  kernel.k = k;
  double c = static_cast<double>(count);
  kernel.flops = 2.0 * c * m * n * k;
  // Each operand read once and the result written once: what a tiled GEMM
  // moves when its tiles are reused from on-chip memory.
  kernel.bytes = c *
                 (static_cast<double>(m) * k + static_cast<double>(k) * n +
                  static_cast<double>(m) * n) *
                 elemBytes;
  kernel.weightOperand = weight;
  kernel.weightBytes = weight ? c * k * n * elemBytes : 0;
  return kernel;
}

void mlir::moe::setBackwardBytes(Kernel &kernel, double backwardBytes) {
  kernel.backwardTraffic = kernel.bytes > 0 ? backwardBytes / kernel.bytes : 1;
}

Kernel mlir::moe::makeMemory(const char *name, double bytes, double flops,
                             unsigned elemBytes) {
  Kernel kernel;
  kernel.kind = KernelKind::Memory;
  kernel.name = name;
  kernel.elemBytes = elemBytes;
  kernel.bytes = bytes;
  kernel.flops = flops;
  return kernel;
}

double mlir::moe::meanAttendedKeys(int64_t seqLen, bool causal,
                                   int64_t window) {
  double s = static_cast<double>(seqLen);
  if (!causal)
    return window > 0 ? std::min<double>(s, window) : s;
  if (window <= 0 || window >= seqLen)
    return (s + 1) / 2;
  // Query i sees min(i + 1, w) keys.
  double w = static_cast<double>(window);
  return (w * (w + 1) / 2 + (s - w) * w) / s;
}

Kernel mlir::moe::makeAttention(int64_t count, int64_t queries, int64_t keys,
                                int64_t qkDim, int64_t vDim, bool causal,
                                int64_t window, unsigned elemBytes) {
  Kernel kernel;
  kernel.kind = KernelKind::Attention;
  kernel.name = "attn-core";
  kernel.elemBytes = elemBytes;
  kernel.count = count;
  kernel.m = queries;
  kernel.n = keys;
  kernel.k = qkDim;
  kernel.vDim = vDim;
  kernel.causal = causal;
  kernel.window = window;
  double c = static_cast<double>(count);
  double attended = meanAttendedKeys(keys, causal, window);
  // S = Q K^T and O = P V: 2 FLOPs per multiply-add.
  kernel.flops = 2.0 * c * queries * attended * (qkDim + vDim);
  // Flash attention reads Q, K, V once and writes O; S never reaches memory.
  kernel.bytes = c *
                 (static_cast<double>(queries) * (qkDim + vDim) +
                  static_cast<double>(keys) * (qkDim + vDim)) *
                 elemBytes;
  return kernel;
}

double mlir::moe::meanCachedKeys(int64_t cached, int64_t newTokens, bool causal,
                                 int64_t window) {
  double l = static_cast<double>(cached), s = static_cast<double>(newTokens);
  if (s <= 0)
    return 0;
  if (!causal) {
    double keys = l + s;
    return window > 0 ? std::min<double>(keys, window) : keys;
  }
  // Query i (0-based) sees l + i + 1 keys, at most w of them.
  if (window <= 0 || window >= cached + newTokens)
    return l + (s + 1) / 2;
  double total = 0;
  for (int64_t i = 0; i < newTokens; ++i)
    total += std::min<double>(l + static_cast<double>(i) + 1, window);
  return total / s;
}

Kernel mlir::moe::makeCachedAttention(int64_t sequences, int64_t groups,
                                      int64_t queryRows, int64_t newTokens,
                                      int64_t cached, int64_t qkDim,
                                      int64_t vDim, int64_t cacheElems,
                                      unsigned cacheBytes, bool causal,
                                      int64_t window, unsigned elemBytes) {
  // The shape of a fused core over every (sequence, KV head) pair, with
  // the FLOPs and bytes of a step over a cache.
  Kernel kernel =
      makeAttention(sequences * groups, queryRows, cached + newTokens, qkDim,
                    vDim, causal, window, elemBytes);
  kernel.name = "attn-decode";
  kernel.cachedKeys = cached;
  double c = static_cast<double>(kernel.count);
  double attended = meanCachedKeys(cached, newTokens, causal, window);
  kernel.flops = 2.0 * c * queryRows * attended * (qkDim + vDim);
  // Each KV head's keys are read once for all the query rows sharing it
  // (FlashDecoding-style kernels pack them into one tile); queries are read
  // and outputs written once.
  double keys = window > 0 ? std::min<double>(kernel.n, window) : kernel.n;
  kernel.bytes =
      c * (static_cast<double>(queryRows) * (qkDim + vDim) * elemBytes +
           keys * cacheElems * cacheBytes);
  return kernel;
}

Kernel mlir::moe::makeContextExchange(double gatheredBytes, unsigned elemBytes,
                                      int64_t groupSize, int64_t groupStride) {
  Kernel kernel = makeCollective(CollectiveKind::AllGather, gatheredBytes,
                                 elemBytes, groupSize, groupStride,
                                 /*gradientSync=*/false);
  kernel.name = "kv-ring";
  kernel.contextExchange = true;
  return kernel;
}

Kernel mlir::moe::makeCollective(CollectiveKind kind, double bufferBytes,
                                 unsigned elemBytes, int64_t groupSize,
                                 int64_t groupStride, bool gradientSync) {
  Kernel kernel;
  kernel.kind = KernelKind::Collective;
  kernel.name = "collective";
  kernel.collective = kind;
  kernel.bufferBytes = bufferBytes;
  kernel.elemBytes = elemBytes;
  kernel.groupSize = groupSize;
  kernel.groupStride = groupStride;
  kernel.backwardOnly = gradientSync;
  return kernel;
}

double mlir::moe::collectiveBufferBytes(CollectiveKind kind, double inputBytes,
                                        double resultBytes) {
  return kind == CollectiveKind::AllGather ? resultBytes : inputBytes;
}

Kernel mlir::moe::makeWeightStream(const char *name, double bytes,
                                   int64_t systems, bool gradients) {
  Kernel kernel;
  kernel.kind = KernelKind::WeightStream;
  kernel.name = name;
  kernel.weightBytes = bytes;
  kernel.groupSize = systems;
  kernel.backwardOnly = gradients;
  return kernel;
}

double mlir::moe::expectedActiveExperts(double tokens, double topK,
                                        double experts) {
  if (experts <= 0 || topK <= 0 || tokens <= 0)
    return 0;
  double missed = std::pow(1.0 - std::min(1.0, topK / experts), tokens);
  return experts * (1.0 - missed);
}

void mlir::moe::appendFfnKernels(KernelList &kernels, int64_t count,
                                 int64_t tokens, int64_t hidden, int64_t ffn,
                                 bool gated, double actFlops,
                                 unsigned elemBytes) {
  unsigned b = elemBytes;
  if (gated)
    kernels.push_back(makeGemm("gate", count, tokens, ffn, hidden, b, true));
  kernels.push_back(makeGemm("up", count, tokens, ffn, hidden, b, true));
  double elems = static_cast<double>(count) * tokens * ffn;
  double inputs = gated ? 2 : 1;
  Kernel activation =
      makeMemory("act", (inputs + 1) * elems * b, actFlops * elems, b);
  // Backward: read the saved inputs and the output gradient, write each
  // input's gradient: 5 tensors against 3 gated (SwiGLU), 3 against 2.
  activation.backwardTraffic = (2 * inputs + 1) / (inputs + 1);
  activation.m = tokens;
  activation.count = count;
  kernels.push_back(activation);
  kernels.push_back(makeGemm("down", count, tokens, hidden, ffn, b, true));
}

void mlir::moe::appendExpertKernels(KernelList &kernels, double routedRows,
                                    double experts, double topK, int64_t hidden,
                                    int64_t ffn, bool gated, double actFlops,
                                    unsigned elemBytes, int64_t capacity,
                                    double expertShare) {
  // The step's tokens and experts on all devices decide which are idle.
  double share = expertShare > 0 && expertShare <= 1 ? expertShare : 1;
  double allTokens = routedRows / topK / share, allExperts = experts / share;
  int64_t active = std::max<int64_t>(
      1,
      std::llround(expectedActiveExperts(allTokens, topK, allExperts) * share));
  int64_t rows = static_cast<int64_t>(std::ceil(routedRows / active));
  size_t first = kernels.size();
  appendFfnKernels(kernels, active, rows, hidden, ffn, gated, actFlops,
                   elemBytes);
  for (Kernel &kernel : llvm::drop_begin(kernels, first)) {
    kernel.routed = true;
    kernel.maxRows = capacity;
    kernel.layerExperts = std::llround(allExperts);
    kernel.expertGroup = std::max<int64_t>(1, std::llround(1 / share));
    kernel.groupTokens = allTokens;
    kernel.topK = topK;
    kernel.routedRows = routedRows;
  }
}
