//===- CostAnalysis.cpp - Whole-program cost on a machine -------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/CostAnalysis.h"
#include "moe/Cost/WaferPipeline.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Support/Checked.h"

#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

CostSummaryAttr CostSummary::toAttr(MLIRContext *ctx) const {
  auto mem = MemoryAttr::get(ctx, memory.weights, memory.gradients,
                             memory.optimizer, memory.activations,
                             memory.kvCache, memory.total(), memoryCapacity);
  return CostSummaryAttr::get(ctx, machine, phase, tokens, devices, seconds,
                              flops, modelFlops, bytes, network, params,
                              activeParams, peakFlops, pipelineBubble, mem,
                              microBatches, routingLoad, epOverlap);
}

LogicalResult mlir::moe::verifyCostOptions(const CostOptions &options,
                                           Location loc) {
  return success(
      succeeded(checkRange(loc, "imbalance", options.routing.hot, 1.0)) &&
      succeeded(checkRange(loc, "zipf", options.routing.zipf, 0.0)) &&
      succeeded(checkCount(loc, "micro-batches", options.microBatches, 1)) &&
      succeeded(checkCount(loc, "tokens", options.tokens, 0)) &&
      succeeded(checkRange(loc, "overlap", options.overlap, 0.0, 1.0)));
}

//===----------------------------------------------------------------------===//
// OpPricer
//===----------------------------------------------------------------------===//

namespace {

/// How the step schedules an op, from its kernels.
OpRole getRole(const KernelList &kernels) {
  auto all = [&](KernelKind kind) {
    return !kernels.empty() && llvm::all_of(kernels, [&](const Kernel &k) {
      return k.kind == kind;
    });
  };
  if (all(KernelKind::WeightStream))
    return kernels.front().backwardOnly ? OpRole::StreamOut : OpRole::StreamIn;
  if (all(KernelKind::Collective))
    return llvm::any_of(kernels, [](const Kernel &k) { return k.backwardOnly; })
               ? OpRole::GradSync
               : OpRole::Collective;
  return OpRole::Compute;
}

/// Bytes of an op's first operand: the activation that crosses into a stage.
double firstOperandBytes(Operation *op) {
  if (op->getNumOperands() == 0)
    return 0;
  return tensorBytes(op->getOperand(0));
}

} // namespace

Kernel OpPricer::applyRouting(const Kernel &input, StringRef layer) const {
  Kernel kernel = input;
  kernel.perNodeDispatch = options.dispatchPerNode && kernel.routedCopies > 0;
  const RoutingModel &routing = options.routing;
  if (routing.isUniform() || kernel.layerExperts <= 0 || machine.isWafer())
    return kernel;
  // The most loaded expert-parallel rank sets the pace of its experts and
  // of the all-to-alls (it receives, and returns, the most rows).
  SmallVector<double> shares = routing.shares(layer, kernel.layerExperts);
  RankLoad rank =
      busiestRank(shares, kernel.expertGroup, routing.placement.get());
  double group = static_cast<double>(kernel.expertGroup);
  routingLoad = std::max(routingLoad, rank.total() * group);
  if (kernel.kind == KernelKind::Collective) {
    Kernel scaled = kernel;
    scaled.bufferBytes *= rank.total() * group;
    return scaled;
  }
  if (!kernel.routed || kernel.m <= 0)
    return kernel;
  // Each expert copy the rank holds gets its share of the group's routed
  // rows, at most the capacity and one row per token; it runs when at
  // least one token picks it (each token picks top_k distinct experts).
  auto groupedRows = std::make_shared<GroupedRows>();
  double groupRows = kernel.routedRows * group, rows = 0;
  for (double share : rank.copies) {
    double pick = std::min(1.0, kernel.topK * share);
    double runs = 1 - std::pow(1 - pick, kernel.groupTokens);
    double expected = runs > 0 ? groupRows * share / runs : 0;
    if (kernel.maxRows > 0)
      expected = std::min<double>(expected, kernel.maxRows);
    expected = std::min(expected, std::max(1.0, kernel.groupTokens));
    groupedRows->rows.push_back(expected);
    groupedRows->runs.push_back(runs);
    rows += runs * expected;
  }
  double meanRows = static_cast<double>(kernel.count) * kernel.m;
  if (kernel.kind != KernelKind::Gemm) {
    Kernel scaled = kernel;
    scaled.bytes *= rows / meanRows;
    scaled.flops *= rows / meanRows;
    return scaled;
  }
  Kernel scaled = kernel;
  scaled.count = std::max<int64_t>(1, rank.copies.size());
  scaled.m = static_cast<int64_t>(std::ceil(rows / scaled.count));
  double n = static_cast<double>(kernel.n), k = static_cast<double>(kernel.k);
  scaled.flops = 2 * rows * n * k;
  scaled.bytes = 0;
  for (auto [r, runs] : llvm::zip(groupedRows->rows, groupedRows->runs))
    scaled.bytes += runs * (r * k + k * n + r * n) * kernel.elemBytes;
  scaled.groupedRows = std::move(groupedRows);
  return scaled;
}

unsigned OpPricer::getLayer(Operation *op) {
  std::string name = getLayerName(op);
  auto [it, inserted] = layerIndex.try_emplace(name, layers.size());
  if (inserted) {
    LayerRun run;
    run.name = name;
    run.decoder = StringRef(name).starts_with("layers.");
    layers.push_back(std::move(run));
  }
  return it->second;
}

/// FP8 recipes quantise the tokens before the dispatch all-to-all (the
/// experts' first GEMMs read FP8 anyway): one byte per element plus a
/// 4-byte scale per 128 (DeepSeek-V3's 1 x 128 activation tiles; DeepEP's
/// FP8 dispatch payload). The combine returns in 16 bits.
static Kernel sendDispatchInFP8(Kernel kernel) {
  if (!kernel.expertDispatch || kernel.elemBytes != 2)
    return kernel;
  kernel.bufferBytes *= (1 + 4.0 / 128) / 2;
  kernel.elemBytes = 1;
  return kernel;
}

/// `kernels` with every 16-bit GEMM run in FP8: its operands are read as
/// FP8 and a cast kernel before it reads each 16-bit input and writes its
/// FP8 copy (3 bytes an element), as Transformer Engine's fused casts do.
/// The backward casts the output gradient the same way (the memory kernel's
/// backward). Serving (`storedWeights`) keeps the weights in FP8, as FP8
/// checkpoints ship them (DeepSeek-V3's): only the activations are cast.
static KernelList runGemmsInFP8(const KernelList &kernels, bool storedWeights) {
  KernelList result;
  for (const Kernel &kernel : kernels) {
    if (kernel.kind == KernelKind::Collective) {
      result.push_back(sendDispatchInFP8(kernel));
      continue;
    }
    if (kernel.kind != KernelKind::Gemm || kernel.elemBytes != 2) {
      result.push_back(kernel);
      continue;
    }
    double count = static_cast<double>(kernel.count);
    double weights = storedWeights && kernel.weightOperand
                         ? 0
                         : static_cast<double>(kernel.k) * kernel.n;
    double inputs =
        count * (static_cast<double>(kernel.m) * kernel.k + weights);
    Kernel cast = makeMemory("fp8-cast", 3 * inputs, 0, 1);
    cast.backwardOnly = kernel.backwardOnly;
    result.push_back(cast);
    // The same GEMM on 1-byte operands and result.
    Kernel fp8 = kernel;
    fp8.elemBytes = 1;
    fp8.bytes /= 2;
    fp8.weightBytes /= 2;
    result.push_back(fp8);
  }
  return result;
}

/// `kernels` in a training step: each weight GEMM's weight gradient
/// accumulates over micro-batches into the weight's main_grad buffer, of the
/// weight's width or FP32.
static KernelList accumulateGradients(const KernelList &kernels,
                                      const CostOptions &options) {
  KernelList result = kernels;
  for (Kernel &kernel : result)
    if (kernel.kind == KernelKind::Gemm && kernel.weightOperand)
      kernel.gradElemBytes = options.fp32Gradients ? 4 : kernel.elemBytes;
  return result;
}

void OpPricer::priceSync(const Kernel &kernel, OpWork &work) const {
  KernelCost weights = priceKernel(machine, kernel, Direction::Forward);
  work.weightSync += weights;
  if (!options.fp32Gradients || kernel.kind != KernelKind::Collective ||
      kernel.elemBytes >= 4) {
    work.gradSync += weights;
    return;
  }
  // FP32 gradients move 4 bytes per element.
  Kernel gradients = kernel;
  gradients.bufferBytes *= 4.0 / kernel.elemBytes;
  gradients.elemBytes = 4;
  work.gradSync += priceKernel(machine, gradients, Direction::Forward);
}

OpWork OpPricer::measure(Operation *op, CostModelOpInterface costOp,
                         const KernelList &opKernels) const {
  bool train = options.phase == Phase::Train;
  KernelList accumulating;
  if (train)
    accumulating = accumulateGradients(opKernels, options);
  const KernelList &originalKernels = train ? accumulating : opKernels;
  KernelList fp8Kernels;
  if (options.fp8Gemms)
    fp8Kernels = runGemmsInFP8(originalKernels, /*storedWeights=*/!train);
  const KernelList &kernels = options.fp8Gemms ? fp8Kernels : originalKernels;
  OpWork work;
  work.role = getRole(kernels);
  work.inputBytes = firstOperandBytes(op);
  work.kernels.assign(kernels.begin(), kernels.end());
  SmallVector<ParameterUse> params;
  costOp.getParameters(params);
  // Weights an explicit transfer (wse.stream_weights) delivered are on the
  // wafer already: the op's GEMMs stream nothing themselves.
  bool streamed =
      !params.empty() && llvm::all_of(params, [](const ParameterUse &p) {
        return isWeightCopy(p.weight);
      });
  // Selective recomputation: the kernels of the chosen modules run again.
  SmallVector<StringRef, 4> rerun;
  if (train && options.recomputeModules)
    for (unsigned m = 0; m < kNumRecomputeModules; ++m)
      if (options.recomputeModules & (1u << m))
        work.selectiveFreedBytes +=
            costOp.getRecomputed(static_cast<RecomputeModule>(m), rerun);
  // A router trace names layers; uniform routing needs no name.
  std::string layer = options.routing.isUniform() ? "" : getLayerName(op);
  // The attention core a context-parallel ring runs beside, in each
  // direction.
  struct {
    KernelCost forward, backward;
  } core;
  auto priceBesideCore = [&](const Kernel &kernel, Direction direction,
                             KernelCost &attention) {
    KernelCost cost = priceKernel(machine, kernel, direction);
    if (kernel.kind == KernelKind::Attention)
      attention = cost;
    if (kernel.contextExchange)
      cost = hideInRing(cost, attention, kernel.groupSize);
    return cost;
  };
  for (const Kernel &original : kernels) {
    Kernel kernel = applyRouting(original, layer);
    if (streamed)
      kernel.weightBytes = 0;
    if (kernel.backwardOnly) {
      if (train)
        priceSync(kernel, work);
      continue;
    }
    KernelCost fwd = priceBesideCore(kernel, Direction::Forward, core.forward);
    work.forward += fwd;
    if (kernel.kind != KernelKind::Collective &&
        llvm::is_contained(rerun, StringRef(kernel.name)))
      work.selectiveRecompute += fwd;
    if (kernel.kind != KernelKind::Collective)
      work.modelFlops += fwd.flops;
    if (!train)
      continue;
    work.backward +=
        priceBesideCore(kernel, Direction::Backward, core.backward);
    // Recomputing a layer reuses the weights streamed for its backward.
    if (kernel.kind != KernelKind::WeightStream)
      work.recompute += fwd;
  }
  if (train)
    work.modelFlops *= 3;

  // Serving in FP8 stores the 16-bit weights its GEMMs read in FP8.
  bool fp8Weights = options.fp8Gemms && options.phase != Phase::Train &&
                    llvm::any_of(kernels, [](const Kernel &k) {
                      return k.kind == KernelKind::Gemm && k.weightOperand;
                    });
  for (const ParameterUse &use : params) {
    auto type = dyn_cast<RankedTensorType>(use.weight.getType());
    double count = type && type.hasStaticShape() ? type.getNumElements() : 0;
    double bytes = tensorBytes(use.weight);
    if (fp8Weights && elementBytes(use.weight.getType()) == 2)
      bytes = count;
    work.weights.push_back({use.weight, bytes, count, use.activeFraction});
  }
  work.savedBytes = costOp.getSavedActivationBytes();
  work.selectiveFreedBytes =
      std::min(work.selectiveFreedBytes, work.savedBytes);
  SmallVector<Value, 2> caches;
  costOp.getCaches(caches);
  for (Value cache : caches)
    work.cacheBytes += tensorBytes(cache);

  // Caches are memory of their own, not the op's working set.
  // Dropless expert buffers hold their routed rows (getRoutedShare).
  double live = 0;
  for (Value v : op->getOperands())
    if (!isParameter(v) && !streamedOut.contains(v) &&
        !llvm::is_contained(caches, v) &&
        !llvm::any_of(params,
                      [&](const ParameterUse &p) { return p.weight == v; }))
      live += tensorBytes(v) * getRoutedShare(v);
  for (Value v : op->getResults())
    if (!isParameter(v) && !streamedOut.contains(v))
      live += tensorBytes(v) * getRoutedShare(v);
  // A wafer computes attention unfused: the scores and probabilities of
  // every (sequence, head) exist at once (docs/CostModel.md, "Wafer SRAM").
  if (machine.isWafer())
    for (const Kernel &kernel : kernels)
      if (kernel.kind == KernelKind::Attention)
        live += waferAttentionScoreBytes(kernel);
  work.liveBytes = live;
  return work;
}

OpWork OpPricer::measure(const Kernel &original, double inputBytes,
                         double resultBytes) const {
  Kernel kernel = applyRouting(
      options.fp8Gemms ? sendDispatchInFP8(original) : original, "");
  OpWork work;
  work.kernels.push_back(kernel);
  work.role = getRole(work.kernels);
  work.inputBytes = inputBytes;
  work.liveBytes = inputBytes + resultBytes;
  if (kernel.backwardOnly) {
    if (options.phase == Phase::Train)
      priceSync(kernel, work);
    // A gradient synchronisation reads a weight, which is not live memory.
    work.liveBytes = resultBytes;
    return work;
  }
  KernelCost cost = priceKernel(machine, kernel, Direction::Forward);
  work.forward = cost;
  if (options.phase == Phase::Train) {
    work.backward = priceKernel(machine, kernel, Direction::Backward);
    work.recompute = cost;
  }
  return work;
}

OpEntry &OpPricer::add(Operation *key, const OpWork &work, double runs,
                       unsigned layer, double instances) {
  unsigned index = entries.size();
  if (key)
    index = entryIndex.try_emplace(key, entries.size()).first->second;
  if (index == entries.size()) {
    OpEntry entry;
    entry.op = key;
    entry.layer = entry.stageLayer = layer;
    entry.instances = instances;
    entry.role = work.role;
    entry.expertExchange = llvm::any_of(work.kernels, [](const Kernel &k) {
      return k.expertExchange && !k.backwardOnly;
    });
    entry.inputBytes = work.inputBytes;
    entries.push_back(std::move(entry));
  }
  OpEntry &entry = entries[index];
  OpCost &cost = entry.cost;
  bool train = options.phase == Phase::Train;

  // Forward and backward run once per micro-batch; gradients accumulate
  // locally and are synchronised once per step, before the optimizer.
  double perStep = runs * options.microBatches;
  KernelCost forward = work.forward, backward = work.backward;
  KernelCost recompute;
  if (options.recompute)
    recompute = work.recompute;
  else if (options.recomputeModules)
    recompute = work.selectiveRecompute;
  forward *= perStep;
  recompute *= perStep;
  backward *= perStep;
  backward += recompute;
  // Without ZeRO the gradients are all-reduced once per step. ZeRO-1
  // reduce-scatters them and all-gathers the updated weights once per step.
  // ZeRO-2 shards the accumulated gradients, so it reduce-scatters every
  // micro-batch; ZeRO-3 also all-gathers the weights for each micro-batch's
  // forward and backward. A reduce-scatter or an all-gather moves half an
  // all-reduce's bytes (a ring's two phases); gradients move at their
  // precision, weights at theirs.
  auto m = static_cast<double>(options.microBatches);
  double gradReduces = zeroStage == 0 ? 1 : zeroStage == 1 ? 0.5 : 0.5 * m;
  double weightGathers = zeroStage == 0 ? 0 : zeroStage == 3 ? m : 0.5;
  KernelCost gradSync = work.gradSync, weightSync = work.weightSync;
  gradSync *= runs * gradReduces;
  weightSync *= runs * weightGathers;
  gradSync += weightSync;
  backward += gradSync;
  cost.forward += forward;
  cost.backward += backward;
  cost.recomputeSeconds += recompute.seconds;
  cost.syncSeconds += gradSync.seconds;
  cost.modelFlops += work.modelFlops * perStep;

  // Parameters: counted once however many ops or loop trips read them; the
  // first reader owns their optimizer step.
  double readBytes = 0;
  for (const OpWork::Weight &weight : work.weights) {
    readBytes += weight.bytes;
    if (!seenParams.insert(weight.weight).second)
      continue;
    entry.params += weight.count;
    entry.activeParams += weight.count * weight.activeFraction;
    entry.paramBytes += weight.bytes;
    // ZeRO shards a weight's state over the devices that replicate it.
    auto group = static_cast<double>(syncGroups.lookup(weight.weight));
    group = std::max(group, 1.0);
    double optimizerShard = zeroStage >= 1 ? group : 1;
    double gradientShard = zeroStage >= 2 ? group : 1;
    double weightShard = zeroStage >= 3 ? group : 1;
    entry.residentWeightBytes += weight.bytes / weightShard;
    double gradBytes = options.fp32Gradients ? 4 * weight.count : weight.bytes;
    entry.gradientBytes += gradBytes / gradientShard;
    entry.optimizerBytes +=
        weight.count * kOptimizerStateBytesPerParam / optimizerShard;
    // A wafer updates weights in MemoryX, off the wafer's critical path.
    if (train && !machine.isWafer())
      cost.optimizer +=
          priceOptimizerStep(machine, weight.count / optimizerShard);
  }
  entry.readWeightBytes = std::max(entry.readWeightBytes, readBytes);

  double saved = work.savedBytes * runs;
  if (!options.recompute && options.recomputeModules)
    saved -= work.selectiveFreedBytes * runs;
  cost.savedActivationBytes += saved;
  // A layer's input is what its first op keeps.
  LayerRun &run = layers[layer];
  if (startedLayers.insert(layer).second)
    run.inputSavedBytes = saved;
  run.savedBytes += saved;
  entry.liveBytes = std::max(entry.liveBytes, work.liveBytes);
  entry.cacheBytes = std::max(entry.cacheBytes, work.cacheBytes);
  return entry;
}

void OpPricer::price(Operation *op, CostModelOpInterface costOp,
                     const KernelList &kernels, double runs) {
  auto it = entryIndex.find(op);
  unsigned layer =
      it != entryIndex.end() ? entries[it->second].layer : getLayer(op);
  add(op, measure(op, costOp, kernels), runs, layer, 1);
}

void OpPricer::priceAsZero(Operation *op, double runs) {
  auto it = entryIndex.find(op);
  unsigned layer =
      it != entryIndex.end() ? entries[it->second].layer : getLayer(op);
  add(op, OpWork(), runs, layer, 1);
}

//===----------------------------------------------------------------------===//
// The walk over the IR
//===----------------------------------------------------------------------===//

namespace {

class Walker {
public:
  explicit Walker(OpPricer &pricer) : pricer(pricer) {}

  LogicalResult visitRegion(Region &region, double multiplier);

private:
  LogicalResult visitOp(Operation *op, double multiplier);

  OpPricer &pricer;
  llvm::StringSet<> warnedNames;
  SmallVector<Operation *> callStack;
};

LogicalResult Walker::visitOp(Operation *op, double multiplier) {
  if (auto call = dyn_cast<CallOpInterface>(op)) {
    auto callee = dyn_cast_or_null<FunctionOpInterface>(
        call.resolveCallableInTable(nullptr));
    if (!callee) {
      Operation *resolved = call.resolveCallable();
      callee = dyn_cast_or_null<FunctionOpInterface>(resolved);
    }
    if (!callee || callee.isExternal()) {
      op->emitWarning() << "cannot cost a call to a function without a body; "
                           "counted as zero";
      return success();
    }
    if (llvm::is_contained(callStack, callee.getOperation()))
      return op->emitError() << "cannot cost recursive calls";
    callStack.push_back(callee);
    LogicalResult result = visitRegion(callee.getFunctionBody(), multiplier);
    callStack.pop_back();
    return result;
  }

  auto costOp = dyn_cast<CostModelOpInterface>(op);
  if (!costOp) {
    StringRef name = op->getName().getStringRef();
    if (warnedNames.insert(name).second)
      op->emitWarning() << "no cost model for '" << name
                        << "'; its ops are counted as zero";
    for (Region &region : op->getRegions())
      if (failed(visitRegion(region, multiplier)))
        return failure();
    return success();
  }

  // Sizes are checked before any cost model multiplies them: an op with a
  // dynamic tensor is counted as zero (its kernels, weights and saved
  // activations all), never priced from ShapedType::kDynamic.
  TensorSizes sizes = checkTensorSizes(op);
  if (sizes == TensorSizes::TooLarge)
    return failure();
  KernelList kernels;
  bool priced = succeeded(costOp.getKernels(kernels));
  // Free ops (a return, a yield) have no kernels whatever their types.
  if (sizes == TensorSizes::Dynamic && (!priced || !kernels.empty())) {
    op->emitWarning() << "cannot cost '" << op->getName()
                      << "' (dynamic shapes); counted as zero";
    pricer.priceAsZero(op, multiplier);
  } else if (!priced) {
    op->emitWarning() << "cannot cost '" << op->getName()
                      << "'; counted as zero";
    pricer.priceAsZero(op, multiplier);
  } else if (sizes == TensorSizes::Static) {
    pricer.price(op, costOp, kernels, multiplier);
  } else {
    pricer.priceAsZero(op, multiplier);
  }

  if (op->getNumRegions() == 0)
    return success();
  FailureOr<int64_t> trips = costOp.getRegionTripCount();
  if (failed(trips)) {
    op->emitWarning() << "trip count of '" << op->getName()
                      << "' is not static; its body is counted once";
    trips = 1;
  }
  if (*trips > kMaxCount)
    return op->emitOpError() << "runs its body more than " << kMaxCount
                             << " times, the most the cost model counts";
  // Zero: the op's kernels already cover its regions (a linalg payload), or
  // a loop that never runs; either way the body is not costed on its own.
  if (*trips == 0)
    return success();
  for (Region &region : op->getRegions())
    if (failed(visitRegion(region, multiplier * static_cast<double>(*trips))))
      return failure();
  return success();
}

LogicalResult Walker::visitRegion(Region &region, double multiplier) {
  for (Block &block : region)
    for (Operation &op : block)
      if (failed(visitOp(&op, multiplier)))
        return failure();
  return success();
}

/// Values a function returns, and the destination buffers (DPS inits) they
/// are computed in, transitively: the LM head's logits and their
/// zero-filled init.
llvm::DenseSet<Value> collectProgramOutputs(ModuleOp module) {
  llvm::DenseSet<Value> outputs;
  SmallVector<Value> worklist;
  for (auto func : module.getOps<FunctionOpInterface>())
    for (Block &block : func.getFunctionBody())
      if (!block.empty() && block.back().hasTrait<OpTrait::IsTerminator>() &&
          block.back().getNumSuccessors() == 0)
        worklist.append(block.back().operand_begin(),
                        block.back().operand_end());
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (!outputs.insert(v).second)
      continue;
    auto result = dyn_cast<OpResult>(v);
    if (!result)
      continue;
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(result.getOwner()))
      worklist.push_back(dps.getTiedOpOperand(result)->get());
  }
  return outputs;
}

/// A gradient synchronisation runs in the pipeline stage of the layer that
/// reads its weight.
/// For each weight whose gradient a plan synchronises, the devices the
/// synchronising collective spans: the weight's replicas.
llvm::DenseMap<Value, int64_t> collectSyncGroups(ModuleOp module) {
  llvm::DenseMap<Value, int64_t> groups;
  module.walk([&](CostModelOpInterface op) {
    if (!op->hasAttr(MoEDialect::GradSyncAttrHelper::getNameStr()) ||
        op->getNumOperands() == 0)
      return;
    KernelList kernels;
    if (failed(op.getKernels(kernels)))
      return;
    for (const Kernel &kernel : kernels)
      if (kernel.kind == KernelKind::Collective)
        groups[op->getOperand(0)] =
            std::max(groups.lookup(op->getOperand(0)), kernel.groupSize);
  });
  return groups;
}

void assignGradSyncStages(MutableArrayRef<OpEntry> entries) {
  llvm::DenseMap<Operation *, const OpEntry *> entryOf;
  for (const OpEntry &entry : entries)
    entryOf[entry.op] = &entry;
  for (OpEntry &entry : entries) {
    Operation *op = entry.op;
    if (entry.role != OpRole::GradSync || op->getNumOperands() == 0)
      continue;
    for (Operation *user : op->getOperand(0).getUsers()) {
      auto it = entryOf.find(user);
      if (it != entryOf.end() && it->second->role != OpRole::GradSync) {
        entry.stageLayer = it->second->layer;
        break;
      }
    }
  }
}

} // namespace

/// Checks a router trace and a placement against every routed layer of
/// `module`: an error at the layer's expert op naming the file otherwise.
static LogicalResult checkRouting(ModuleOp module,
                                  const RoutingModel &routing) {
  if (!routing.trace && !routing.placement)
    return success();
  WalkResult result = module.walk([&](CostModelOpInterface costOp) {
    KernelList kernels;
    if (failed(costOp.getKernels(kernels)))
      return WalkResult::advance();
    for (const Kernel &kernel : kernels) {
      if (!kernel.routed || kernel.layerExperts <= 0)
        continue;
      if (llvm::Error error = routing.check(
              getLayerName(costOp), kernel.layerExperts, kernel.expertGroup)) {
        costOp->emitError() << llvm::toString(std::move(error));
        return WalkResult::interrupt();
      }
      break;
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

FailureOr<CostAnalysis> CostAnalysis::run(ModuleOp module,
                                          const MachineModel &machine,
                                          const CostOptions &options) {
  if (failed(verifyCostOptions(options, module.getLoc())) ||
      failed(verifyDeviceGrids(module)))
    return failure();

  if (failed(checkRouting(module, options.routing)))
    return failure();

  // Entry points: functions with a body that no call targets.
  llvm::DenseSet<Operation *> callees;
  module.walk([&](CallOpInterface call) {
    if (Operation *callee = call.resolveCallable())
      callees.insert(callee);
  });
  // The plan decides the GEMMs' and the gradients' precision.
  PlanAttrInterface plan = getPlan(module);
  CostOptions planned = options;
  planned.fp8Gemms = plan && plan.usesFP8Gemms();
  planned.fp32Gradients = plan && plan.usesFP32Gradients();
  planned.dispatchPerNode = plan && plan.dispatchesPerNode();
  OpPricer pricer(machine, planned);
  if (machine.isWafer())
    pricer.streamedOut = collectProgramOutputs(module);
  if (plan) {
    pricer.zeroStage = plan.getZeroStage();
    pricer.syncGroups = collectSyncGroups(module);
  }
  // One entry per op: reserve them, so that the (large) entries are not
  // copied as the vector grows.
  size_t ops = 0;
  module.walk([&](Operation *) { ++ops; });
  pricer.entries.reserve(ops);
  Walker walker(pricer);
  bool any = false;
  for (auto func : module.getOps<FunctionOpInterface>()) {
    if (func.isExternal() || callees.contains(func))
      continue;
    any = true;
    if (failed(walker.visitRegion(func.getFunctionBody(), 1.0)))
      return failure();
  }
  if (!any)
    return emitError(module.getLoc())
           << "nothing to cost: the module has no function "
              "with a body";
  assignGradSyncStages(pricer.entries);

  if (plan && plan.isWafer() && !machine.isWafer())
    return emitError(module.getLoc())
           << "the module has a wafer-scale weight-streaming plan but "
              "machine '"
           << machine.name << "' is not a wafer";
  StepShape shape;
  if (plan) {
    shape.devices = plan.getDeviceCount();
    std::tie(shape.stages, shape.virtualStages) = plan.getPipeline();
    shape.zeroStage = plan.getZeroStage();
  }
  shape.tokensPerDevice =
      options.tokens > 0 ? options.tokens : getProgramTokenCount(module);

  std::vector<OpEntry> &entries = pricer.entries;
  FailureOr<CostSummary> summary = priceStep(entries, pricer.layers, machine,
                                             planned, shape, module.getLoc());
  if (failed(summary))
    return failure();

  CostAnalysis analysis;
  analysis.summary = std::move(*summary);
  analysis.summary.routingLoad = pricer.getRoutingLoad();
  for (OpEntry &entry : entries) {
    entry.cost.role = entry.role;
    analysis.opCosts[entry.op] = std::move(entry.cost);
  }
  return analysis;
}
