//===- PlanSummary.cpp - Analytic summary of a program for plans -*- C++ -*-=//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Mirrors what --moe-gpu-plan does to the IR and what --moe-cost then
// charges, on a summary: token kernels are rescaled to the tokens a GPU
// holds, expert kernels are rebuilt with the shared builder for the local
// experts, and the plan's all-to-alls, gradient all-reduces and optimizer
// updates are priced with the same roofline. test/Transforms/
// moe-plan-search.mlir checks that the chosen plan, lowered and costed as IR,
// agrees with its estimate.
//
//===----------------------------------------------------------------------===//

#include "moe/Search/PlanSummary.h"
#include "moe/Cost/CostAnalysis.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>
#include <map>
#include <numeric>

using namespace mlir;
using namespace mlir::moe;

namespace {

int64_t dim(Value v, unsigned i) {
  return cast<ShapedType>(v.getType()).getDimSize(i);
}

} // namespace

FailureOr<ProgramSummary> ProgramSummary::build(ModuleOp module) {
  ProgramSummary summary;
  summary.tokens = getProgramTokenCount(module);
  if (summary.tokens <= 0)
    return emitError(module.getLoc())
           << "cannot find the program's token count (no moe.embedding or "
              "moe.router with a static shape)";
  if (getPlan(module))
    return emitError(module.getLoc())
           << "the program is already planned; search an unplanned program";

  llvm::DenseSet<Value> seen;
  llvm::DenseSet<Value> expertWeights;
  module.walk([&](ExpertsOp experts) {
    for (Value w : {experts.getGate(), experts.getUp(), experts.getDown()})
      if (w)
        expertWeights.insert(w);
  });
  // Identical kernels and layers are merged so that evaluation is cheap.
  std::map<std::tuple<int, int64_t, int64_t, int64_t, int64_t, int64_t, double>,
           std::pair<Kernel, double>>
      kernels;
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t, bool, double, bool>,
           ExpertLayerSummary>
      layers;
  std::map<std::pair<double, bool>, WeightGroup> weights;
  int64_t seqLen = 0;
  LogicalResult result = success();
  // Saved activations per layer (by location), first op and total.
  llvm::StringMap<std::pair<double, double>> layerSaved;

  module.walk([&](Operation *op) {
    if (failed(result))
      return WalkResult::interrupt();
    auto costOp = dyn_cast<CostModelOpInterface>(op);
    if (!costOp)
      return WalkResult::advance();
    if (auto seq = op->getAttrOfType<IntegerAttr>("seq_len"))
      seqLen = std::max(seqLen, seq.getInt());

    SmallVector<ParameterUse> params;
    costOp.getParameters(params);
    for (const ParameterUse &use : params) {
      if (!seen.insert(use.weight).second)
        continue;
      auto type = dyn_cast<RankedTensorType>(use.weight.getType());
      if (!type || !type.hasStaticShape())
        continue;
      bool expert = expertWeights.contains(use.weight);
      WeightGroup &group =
          weights[{static_cast<double>(type.getNumElements()), expert}];
      group.elements = type.getNumElements();
      group.bytes = tensorBytes(use.weight);
      group.expert = expert;
      group.count += 1;
    }

    if (auto experts = dyn_cast<ExpertsOp>(op)) {
      auto dispatch = experts.getInput().getDefiningOp<DispatchOp>();
      if (!dispatch) {
        result = experts.emitOpError()
                 << "must read a moe.dispatch buffer to be summarised";
        return WalkResult::interrupt();
      }
      ExpertLayerSummary layer;
      layer.experts = experts.getNumExperts();
      layer.topK = dim(dispatch.getIndices(), 1);
      layer.hidden = experts.getHiddenSize();
      layer.ffn = experts.getFfnSize();
      layer.gated = isGated(experts.getActivation());
      layer.activationFlops = getActivationFlops(experts.getActivation());
      layer.elemBytes = elementBytes(experts.getInput().getType());
      layer.dropless = dispatch.getDropless();
      if (FloatAttr f = dispatch.getCapacityFactorAttr())
        layer.capacityFactor = f.getValueAsDouble();
      layer.savedBytesPerRow =
          (layer.hidden + (layer.gated ? 3.0 : 2.0) * layer.ffn) *
          layer.elemBytes;
      auto key =
          std::make_tuple(layer.experts, layer.topK, layer.hidden, layer.ffn,
                          layer.gated, layer.capacityFactor, layer.dropless);
      auto [it, inserted] = layers.try_emplace(key, layer);
      if (!inserted)
        it->second.multiplicity += 1;
      summary.expertGcd =
          std::gcd(summary.expertGcd, static_cast<int64_t>(layer.experts));
      return WalkResult::advance();
    }

    KernelList opKernels;
    if (failed(costOp.getKernels(opKernels))) {
      result = op->emitOpError() << "has dynamic shapes; cannot summarise";
      return WalkResult::interrupt();
    }
    for (const Kernel &k : opKernels) {
      if (k.kind == KernelKind::Collective) {
        result = op->emitOpError()
                 << "is a collective; search an unplanned program";
        return WalkResult::interrupt();
      }
      auto key = std::make_tuple(static_cast<int>(k.kind), k.m, k.n, k.k,
                                 k.count, k.vDim, k.bytes);
      auto [it, inserted] = kernels.try_emplace(key, std::make_pair(k, 0.0));
      it->second.second += 1;
    }
    double saved = costOp.getSavedActivationBytes();
    summary.savedBytes += saved;
    auto [it, inserted] = layerSaved.try_emplace(getLayerName(op), saved, 0);
    it->second.second += saved;
    return WalkResult::advance();
  });
  if (failed(result))
    return failure();

  for (auto &entry : kernels)
    summary.tokenKernels.push_back(entry.second);
  for (auto &entry : layers)
    summary.expertLayers.push_back(entry.second);
  for (auto &entry : weights)
    summary.weights.push_back(entry.second);
  for (auto &entry : layerSaved) {
    summary.layerInputBytes += entry.second.first;
    summary.largestLayerBytes =
        std::max(summary.largestLayerBytes, entry.second.second);
  }
  summary.seqLen = std::max<int64_t>(1, seqLen);
  if (summary.expertGcd == 0)
    summary.expertGcd = 1;
  return summary;
}

namespace {

/// A token kernel at `tokens` rows instead of the program's.
Kernel rescale(const Kernel &k, int64_t programTokens, int64_t tokens) {
  double ratio = static_cast<double>(tokens) / programTokens;
  switch (k.kind) {
  case KernelKind::Gemm: {
    if (k.m != programTokens)
      return k;
    Kernel scaled = makeGemm(k.name, k.count, tokens, k.n, k.k, k.elemBytes,
                             k.weightOperand);
    return scaled;
  }
  case KernelKind::Attention: {
    int64_t count = static_cast<int64_t>(std::llround(k.count * ratio));
    return makeAttention(count, k.m, k.n, k.k, k.vDim, k.causal, k.window,
                         k.elemBytes);
  }
  case KernelKind::Memory: {
    Kernel scaled = k;
    scaled.bytes *= ratio;
    scaled.flops *= ratio;
    if (scaled.m == programTokens)
      scaled.m = tokens;
    return scaled;
  }
  default:
    return k;
  }
}

struct Accumulator {
  const MachineModel &machine;
  const GPUPlan &plan;
  KernelCost perMicroBatch, perStep;
  double modelFlops = 0;

  /// One execution per micro-batch of `kernel`, `times` times.
  void add(const Kernel &kernel, double times) {
    KernelCost fwd = priceKernel(machine, kernel, Direction::Forward);
    KernelCost total = fwd;
    if (plan.train) {
      total += priceKernel(machine, kernel, Direction::Backward);
      if (plan.recompute)
        total += fwd;
    }
    total *= times;
    perMicroBatch += total;
    if (kernel.kind != KernelKind::Collective)
      modelFlops += fwd.flops * times * (plan.train ? 3 : 1);
  }
};

} // namespace

PlanEstimate mlir::moe::estimateGPUPlan(const ProgramSummary &summary,
                                        const MachineModel &base,
                                        const GPUPlan &plan) {
  MachineModel machine = base;
  int64_t devices = plan.ep * plan.dp;
  int64_t tokens = plan.tokensPerDevice;
  Accumulator acc{machine, plan, {}, {}, 0};

  for (const auto &[kernel, times] : summary.tokenKernels)
    acc.add(rescale(kernel, summary.tokens, tokens), times);

  double expertSaved = 0;
  for (const ExpertLayerSummary &layer : summary.expertLayers) {
    double factor =
        plan.capacityFactor > 0 ? plan.capacityFactor : layer.capacityFactor;
    int64_t capacity =
        layer.dropless
            ? tokens
            : computeExpertCapacity(factor, tokens, layer.topK, layer.experts);
    int64_t local = layer.experts / plan.ep;
    int64_t localCapacity = capacity * plan.ep;
    double perExpert = std::min<double>(
        localCapacity, static_cast<double>(tokens) * layer.topK / local);
    double routed = perExpert * local;
    KernelList kernels;
    appendExpertKernels(kernels, routed, local, layer.topK, layer.hidden,
                        layer.ffn, layer.gated, layer.activationFlops,
                        layer.elemBytes, localCapacity);
    for (const Kernel &k : kernels)
      acc.add(k, layer.multiplicity);
    expertSaved += routed * layer.savedBytesPerRow * layer.multiplicity;
    if (plan.ep > 1) {
      Kernel a2a;
      a2a.kind = KernelKind::Collective;
      a2a.collective = CollectiveKind::AllToAll;
      a2a.bufferBytes = static_cast<double>(layer.experts) * capacity *
                        layer.hidden * layer.elemBytes;
      a2a.groupSize = plan.ep;
      a2a.groupStride = 1;
      acc.add(a2a, 2 * layer.multiplicity);
    }
  }

  // Per step: gradient all-reduces (replicated weights over every GPU,
  // expert weights over dp) and the optimizer, one kernel per weight.
  double params = 0, paramBytes = 0;
  for (const WeightGroup &group : summary.weights) {
    double shard = group.expert ? static_cast<double>(plan.ep) : 1.0;
    double bytes = group.bytes / shard, elements = group.elements / shard;
    params += elements * group.count;
    paramBytes += bytes * group.count;
    if (!plan.train)
      continue;
    int64_t size = group.expert ? plan.dp : devices;
    if (size > 1) {
      Kernel sync;
      sync.kind = KernelKind::Collective;
      sync.collective = CollectiveKind::AllReduce;
      sync.bufferBytes = bytes;
      sync.groupSize = size;
      sync.groupStride = group.expert ? plan.ep : 1;
      KernelCost cost = priceKernel(machine, sync, Direction::Forward);
      cost *= group.count;
      acc.perStep += cost;
    }
    KernelCost update = priceKernel(
        machine, makeMemory("adamw", elements * kOptimizerBytesPerParam, 0, 4),
        Direction::Forward);
    update *= group.count;
    acc.perStep += update;
  }

  KernelCost total = acc.perMicroBatch;
  total *= static_cast<double>(plan.microBatches);
  // Collectives may hide behind compute (the analysis applies this per
  // layer; the summary applies it to the whole step).
  if (plan.overlap > 0) {
    double comm = total.boundSeconds[Bound::network];
    double compute = total.seconds - comm;
    double hidden = std::min(plan.overlap * comm, compute);
    total.seconds -= hidden;
    total.boundSeconds[Bound::network] -= hidden;
  }
  total += acc.perStep;

  PlanEstimate estimate;
  estimate.seconds = total.seconds;
  estimate.boundSeconds = total.boundSeconds;
  estimate.bound = total.bound;
  estimate.modelFlops = acc.modelFlops * plan.microBatches;
  double stepTokens = static_cast<double>(tokens) * plan.microBatches * devices;
  estimate.tokensPerSecond = total.seconds > 0 ? stepTokens / total.seconds : 0;
  estimate.mfu =
      total.seconds > 0 && machine.peakFlops16 > 0
          ? estimate.modelFlops / (total.seconds * machine.peakFlops16)
          : 0;

  double ratio = static_cast<double>(tokens) / summary.tokens;
  double activations =
      plan.recompute
          ? (summary.layerInputBytes + summary.largestLayerBytes) * ratio
          : summary.savedBytes * ratio + expertSaved;
  if (!plan.train)
    activations = 0;
  double elem = params > 0 ? paramBytes / params : 2;
  estimate.memoryBytes =
      paramBytes +
      (plan.train ? params * elem + params * kOptimizerStateBytesPerParam : 0) +
      activations;
  return estimate;
}
