//===- CostAnalysis.cpp - Whole-program cost on a machine -------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/CostAnalysis.h"
#include "moe/Cost/PipelineSchedule.h"
#include "moe/Cost/WaferPipeline.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Support/Format.h"

#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

CostSummaryAttr CostSummary::toAttr(MLIRContext *ctx) const {
  auto mem =
      MemoryAttr::get(ctx, memory.weights, memory.gradients, memory.optimizer,
                      memory.activations, memory.total(), memoryCapacity);
  return CostSummaryAttr::get(ctx, machine, phase, tokens, devices, seconds,
                              flops, modelFlops, bytes, network, params,
                              activeParams, peakFlops, pipelineBubble, mem);
}

namespace {

class Walker {
public:
  Walker(const MachineModel &machine, const CostOptions &options,
         llvm::MapVector<Operation *, OpCost> &opCosts, CostSummary &summary)
      : machine(machine), options(options), opCosts(opCosts), summary(summary) {
  }

  LogicalResult visitRegion(Region &region, double multiplier);

  double weightBytes = 0, largestOpWeightBytes = 0;
  double peakLiveBytes = 0;
  /// Wafer: the program's outputs (logits) and the buffers they are built
  /// in leave the wafer as they are produced; they are not in its SRAM.
  llvm::DenseSet<Value> streamedOut;
  /// Saved activations per layer, in first-seen order: the first op's (the
  /// layer input) and the whole layer's.
  struct LayerSaved {
    double input = 0, total = 0;
  };
  std::vector<LayerSaved> layerSaved;
  llvm::StringMap<size_t> layerIndex;
  /// The parameters each op reads first (pipeline stages own them).
  llvm::DenseMap<Operation *, OwnedParams> ownedParams;
  int64_t inferredTokens = 0;

private:
  LogicalResult visitOp(Operation *op, double multiplier);
  void priceOp(Operation *op, CostModelOpInterface costOp,
               const KernelList &kernels, double multiplier);
  Kernel applyImbalance(const Kernel &kernel) const;

  const MachineModel &machine;
  const CostOptions &options;
  llvm::MapVector<Operation *, OpCost> &opCosts;
  CostSummary &summary;
  llvm::DenseSet<Value> seenParams;
  llvm::StringSet<> warnedNames;
  SmallVector<Operation *> callStack;
};

Kernel Walker::applyImbalance(const Kernel &kernel) const {
  if (!kernel.routed || options.imbalance == 1.0 || kernel.m <= 0)
    return kernel;
  double factor = options.imbalance;
  if (kernel.maxRows > 0)
    factor = std::min(factor, static_cast<double>(kernel.maxRows) / kernel.m);
  if (kernel.kind == KernelKind::Gemm) {
    int64_t rows = static_cast<int64_t>(std::ceil(kernel.m * factor));
    Kernel scaled = makeGemm(kernel.name, kernel.count, rows, kernel.n,
                             kernel.k, kernel.elemBytes, kernel.weightOperand);
    scaled.routed = true;
    scaled.maxRows = kernel.maxRows;
    return scaled;
  }
  Kernel scaled = kernel;
  scaled.bytes *= factor;
  scaled.flops *= factor;
  return scaled;
}

void Walker::priceOp(Operation *op, CostModelOpInterface costOp,
                     const KernelList &kernels, double multiplier) {
  OpCost &cost = opCosts[op];
  bool train = options.phase == Phase::Train;
  KernelCost forward, backward, gradSync, optimizer;
  double modelFlops = 0;
  SmallVector<ParameterUse> params;
  costOp.getParameters(params);
  // Weights an explicit transfer (wse.stream_weights) delivered are on the
  // wafer already: the op's GEMMs stream nothing themselves.
  bool streamed =
      !params.empty() && llvm::all_of(params, [](const ParameterUse &p) {
        return isWeightCopy(p.weight);
      });
  for (const Kernel &original : kernels) {
    Kernel kernel = applyImbalance(original);
    if (streamed)
      kernel.weightBytes = 0;
    if (kernel.backwardOnly) {
      if (train)
        gradSync += priceKernel(machine, kernel, Direction::Forward);
      continue;
    }
    KernelCost fwd = priceKernel(machine, kernel, Direction::Forward);
    forward += fwd;
    if (kernel.kind != KernelKind::Collective)
      modelFlops += fwd.flops;
    if (!train)
      continue;
    backward += priceKernel(machine, kernel, Direction::Backward);
    // Recomputing a layer reuses the weights streamed for its backward.
    if (options.recompute && kernel.kind != KernelKind::WeightStream)
      backward += fwd;
  }
  if (train)
    modelFlops *= 3;

  // Parameters: counted once however many ops or loop trips read them; the
  // first reader owns their optimizer step.
  double opWeightBytes = 0;
  for (const ParameterUse &use : params) {
    double bytes = tensorBytes(use.weight);
    opWeightBytes += bytes;
    if (!seenParams.insert(use.weight).second)
      continue;
    auto type = dyn_cast<RankedTensorType>(use.weight.getType());
    double count = type && type.hasStaticShape() ? type.getNumElements() : 0;
    summary.params += count;
    summary.activeParams += count * use.activeFraction;
    weightBytes += bytes;
    ownedParams[op].bytes += bytes;
    ownedParams[op].count += count;
    // A wafer updates weights in MemoryX, off the wafer's critical path.
    if (train && !machine.isWafer()) {
      Kernel update =
          makeMemory("adamw", count * kOptimizerBytesPerParam, 0, 4);
      optimizer += priceKernel(machine, update, Direction::Forward);
    }
  }
  largestOpWeightBytes = std::max(largestOpWeightBytes, opWeightBytes);

  // Forward and backward run once per micro-batch; gradients accumulate
  // locally and are synchronised once per step, before the optimizer.
  double runs = multiplier * options.microBatches;
  forward *= runs;
  backward *= runs;
  gradSync *= multiplier;
  backward += gradSync;
  cost.forward += forward;
  cost.backward += backward;
  cost.optimizer += optimizer;
  cost.modelFlops += modelFlops * runs;
  if (cost.kernels.empty())
    cost.kernels.assign(kernels.begin(), kernels.end());

  double saved = costOp.getSavedActivationBytes() * multiplier;
  cost.savedActivationBytes += saved;
  auto [it, inserted] =
      layerIndex.try_emplace(getLayerName(op), layerSaved.size());
  if (inserted)
    layerSaved.push_back({saved, 0});
  layerSaved[it->second].total += saved;

  double live = 0;
  for (Value v : op->getOperands())
    if (!isParameter(v) && !streamedOut.contains(v) &&
        !llvm::any_of(params,
                      [&](const ParameterUse &p) { return p.weight == v; }))
      live += tensorBytes(v);
  for (Value v : op->getResults())
    if (!isParameter(v) && !streamedOut.contains(v))
      live += tensorBytes(v);
  // A wafer computes attention unfused: the scores and probabilities of
  // every (sequence, head) exist at once (docs/CostModel.md, "Wafer SRAM").
  if (machine.isWafer())
    for (const Kernel &kernel : kernels)
      if (kernel.kind == KernelKind::Attention)
        live += waferAttentionScoreBytes(kernel);
  peakLiveBytes = std::max(peakLiveBytes, live);
}

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

  KernelList kernels;
  if (failed(costOp.getKernels(kernels))) {
    op->emitWarning() << "cannot cost '" << op->getName()
                      << "' (dynamic shapes?); counted as zero";
    kernels.clear();
  }
  priceOp(op, costOp, kernels, multiplier);

  if (op->getNumRegions() == 0)
    return success();
  FailureOr<int64_t> trips = costOp.getRegionTripCount();
  if (failed(trips)) {
    op->emitWarning() << "trip count of '" << op->getName()
                      << "' is not static; its body is counted once";
    trips = 1;
  }
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

/// The overlap model (docs/CostModel.md): in each layer, collectives can run
/// while the layer computes, so of the collective time C at most
/// `overlap * C` hides, and never more than the compute time K:
/// exposed = C - min(overlap * C, K).
void hideCollectives(llvm::MapVector<Operation *, OpCost> &opCosts,
                     double overlap) {
  llvm::StringMap<std::pair<double, double>> layers; // C, K
  auto isCollective = [](const OpCost &cost) {
    return !cost.kernels.empty() &&
           llvm::all_of(cost.kernels, [](const Kernel &k) {
             return k.kind == KernelKind::Collective;
           });
  };
  for (auto &[op, cost] : opCosts) {
    auto &ck = layers[getLayerName(op)];
    (isCollective(cost) ? ck.first : ck.second) += cost.total.seconds;
  }
  for (auto &[op, cost] : opCosts) {
    if (!isCollective(cost))
      continue;
    auto [c, k] = layers[getLayerName(op)];
    if (c <= 0)
      continue;
    double exposed = c - std::min(overlap * c, k);
    double scale = exposed / c;
    cost.total.seconds *= scale;
    for (double &t : cost.total.boundSeconds)
      t *= scale;
  }
}

} // namespace

FailureOr<CostAnalysis> CostAnalysis::run(ModuleOp module,
                                          const MachineModel &machine,
                                          const CostOptions &options) {
  CostAnalysis analysis;
  CostSummary &summary = analysis.summary;
  summary.machine = machine.name;
  summary.phase = options.phase;
  summary.peakFlops = machine.peakFlops16;
  if (options.imbalance < 1.0)
    return emitError(module.getLoc())
           << "imbalance (" << options.imbalance << ") must be at least 1";
  if (options.microBatches < 1)
    return emitError(module.getLoc())
           << "micro-batches (" << options.microBatches
           << ") must be at least 1";

  // Entry points: functions with a body that no call targets.
  llvm::DenseSet<Operation *> callees;
  module.walk([&](CallOpInterface call) {
    if (Operation *callee = call.resolveCallable())
      callees.insert(callee);
  });
  Walker walker(machine, options, analysis.opCosts, summary);
  if (machine.isWafer())
    walker.streamedOut = collectProgramOutputs(module);
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

  bool train = options.phase == Phase::Train;
  for (auto &[op, cost] : analysis.opCosts) {
    cost.total = cost.forward;
    cost.total += cost.backward;
    cost.total += cost.optimizer;
  }
  if (options.overlap < 0 || options.overlap > 1)
    return emitError(module.getLoc())
           << "overlap (" << options.overlap << ") must be between 0 and 1";
  if (options.overlap > 0)
    hideCollectives(analysis.opCosts, options.overlap);
  if (machine.isWafer())
    pipelineWeightStreaming(analysis.opCosts);
  for (auto &[op, cost] : analysis.opCosts) {
    summary.seconds += cost.total.seconds;
    summary.flops += cost.total.flops;
    summary.bytes += cost.total.bytes;
    summary.network += cost.total.network;
    summary.modelFlops += cost.modelFlops;
  }

  // Memory per device (docs/CostModel.md, "Memory").
  MemoryBreakdown &mem = summary.memory;
  double paramBytes = walker.weightBytes;
  double elemBytes = summary.params > 0 ? paramBytes / summary.params : 2;
  if (train) {
    if (options.recompute) {
      double inputs = 0, largestLayer = 0;
      for (const Walker::LayerSaved &saved : walker.layerSaved) {
        inputs += saved.input;
        largestLayer = std::max(largestLayer, saved.total);
      }
      mem.activations = inputs + largestLayer;
    } else {
      for (const Walker::LayerSaved &saved : walker.layerSaved)
        mem.activations += saved.total;
    }
  } else {
    mem.activations = walker.peakLiveBytes;
  }
  if (machine.isWafer()) {
    // Weights, gradients and optimizer state live in MemoryX; the wafer
    // holds the op being streamed and its gradient, and the working set of
    // the largest op (activations kept for the backward pass are not in
    // the SRAM budget: docs/CostModel.md, "Wafer SRAM").
    mem.weights = walker.largestOpWeightBytes;
    mem.gradients = train ? walker.largestOpWeightBytes : 0;
    mem.activations = walker.peakLiveBytes;
    double external =
        paramBytes * (train ? 2 : 1) +
        (train ? summary.params * kOptimizerStateBytesPerParam : 0);
    if (machine.externalMemoryCapacity > 0 &&
        external > machine.externalMemoryCapacity)
      return emitError(module.getLoc())
             << "weights and optimizer state need " << formatBytes(external)
             << " but " << machine.name << "'s external memory holds "
             << formatBytes(machine.externalMemoryCapacity);
  } else {
    mem.weights = paramBytes;
    mem.gradients = train ? summary.params * elemBytes : 0;
    mem.optimizer = train ? summary.params * kOptimizerStateBytesPerParam : 0;
  }
  summary.memoryCapacity = machine.memoryCapacity;
  PlanAttrInterface plan = getPlan(module);
  if (plan && plan.isWafer() && !machine.isWafer())
    return emitError(module.getLoc())
           << "the module has a wafer-scale weight-streaming plan but "
              "machine '"
           << machine.name << "' is not a wafer";
  if (plan)
    summary.devices = plan.getDeviceCount();
  int64_t perDevice =
      options.tokens > 0 ? options.tokens : getProgramTokenCount(module);

  // Pipeline parallelism: the plan's function holds every layer; each
  // device runs one stage of them (docs/CostModel.md).
  auto [stages, virtualStages] =
      plan ? plan.getPipeline() : std::pair<int64_t, int64_t>{1, 1};
  if (stages > 1 && !machine.isWafer()) {
    FailureOr<PipelineResult> pipeline =
        schedulePipeline(module, analysis.opCosts, walker.ownedParams, machine,
                         options, stages, virtualStages);
    if (failed(pipeline))
      return failure();
    summary.seconds = pipeline->seconds;
    // A device runs one stage: its share of the program's work (the op
    // costs are the whole program's).
    double share = 1.0 / static_cast<double>(stages);
    summary.flops *= share;
    summary.modelFlops *= share;
    summary.bytes *= share;
    summary.network *= share;
    summary.pipelineStages = stages;
    summary.pipelineBubble = pipeline->bubble;
    double activations = mem.activations;
    mem = pipeline->memory;
    if (!train)
      mem.activations = activations;
  }
  // Every stage of a pipeline works on the same tokens.
  summary.tokens =
      perDevice * options.microBatches * (summary.devices / stages);
  return analysis;
}
