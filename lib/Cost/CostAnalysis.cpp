//===- CostAnalysis.cpp - Whole-program cost on a machine -------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/CostAnalysis.h"
#include "moe/Cost/WaferPipeline.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
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

LogicalResult mlir::moe::verifyCostOptions(const CostOptions &options,
                                           Location loc) {
  if (!(options.imbalance >= 1.0))
    return emitError(loc) << "imbalance (" << options.imbalance
                          << ") must be at least 1";
  if (options.microBatches < 1)
    return emitError(loc) << "micro-batches (" << options.microBatches
                          << ") must be at least 1";
  if (!(options.overlap >= 0 && options.overlap <= 1))
    return emitError(loc) << "overlap (" << options.overlap
                          << ") must be between 0 and 1";
  return success();
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

Kernel OpPricer::applyImbalance(const Kernel &kernel) const {
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

std::pair<unsigned, bool> OpPricer::getLayer(Operation *op) {
  std::string name = getLayerName(op);
  auto [it, inserted] = layerIndex.try_emplace(name, layers.size());
  if (inserted) {
    LayerRun run;
    run.name = name;
    run.decoder = StringRef(name).starts_with("layers.");
    layers.push_back(std::move(run));
  }
  return {it->second, inserted};
}

void OpPricer::price(Operation *op, CostModelOpInterface costOp,
                     const KernelList &kernels, double runs) {
  auto [it, inserted] = entries.try_emplace(op);
  OpEntry &entry = it->second;
  OpCost &cost = entry.cost;
  bool newLayer = false;
  if (inserted) {
    entry.op = op;
    std::tie(entry.layer, newLayer) = getLayer(op);
    entry.stageLayer = entry.layer;
    entry.role = getRole(kernels);
    entry.inputBytes = firstOperandBytes(op);
  }
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
  double readBytes = 0;
  for (const ParameterUse &use : params) {
    double bytes = tensorBytes(use.weight);
    readBytes += bytes;
    if (!seenParams.insert(use.weight).second)
      continue;
    auto type = dyn_cast<RankedTensorType>(use.weight.getType());
    double count = type && type.hasStaticShape() ? type.getNumElements() : 0;
    entry.params += count;
    entry.activeParams += count * use.activeFraction;
    entry.paramBytes += bytes;
    // A wafer updates weights in MemoryX, off the wafer's critical path.
    if (train && !machine.isWafer())
      optimizer += priceOptimizerStep(machine, count);
  }
  entry.readWeightBytes = std::max(entry.readWeightBytes, readBytes);

  // Forward and backward run once per micro-batch; gradients accumulate
  // locally and are synchronised once per step, before the optimizer.
  double perStep = runs * options.microBatches;
  forward *= perStep;
  backward *= perStep;
  gradSync *= runs;
  backward += gradSync;
  cost.forward += forward;
  cost.backward += backward;
  cost.optimizer += optimizer;
  cost.modelFlops += modelFlops * perStep;
  if (cost.kernels.empty())
    cost.kernels.assign(kernels.begin(), kernels.end());

  double saved = costOp.getSavedActivationBytes() * runs;
  cost.savedActivationBytes += saved;
  // A layer's input is what its first op keeps.
  LayerRun &layer = layers[entry.layer];
  if (newLayer)
    layer.inputSavedBytes = saved;
  layer.savedBytes += saved;

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
  entry.liveBytes = std::max(entry.liveBytes, live);
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

  KernelList kernels;
  if (failed(costOp.getKernels(kernels))) {
    op->emitWarning() << "cannot cost '" << op->getName()
                      << "' (dynamic shapes?); counted as zero";
    kernels.clear();
  }
  pricer.price(op, costOp, kernels, multiplier);

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

/// A gradient synchronisation runs in the pipeline stage of the layer that
/// reads its weight.
void assignGradSyncStages(llvm::MapVector<Operation *, OpEntry> &entries) {
  for (auto &[op, entry] : entries) {
    if (entry.role != OpRole::GradSync || op->getNumOperands() == 0)
      continue;
    for (Operation *user : op->getOperand(0).getUsers()) {
      auto it = entries.find(user);
      if (it != entries.end() && it->second.role != OpRole::GradSync) {
        entry.stageLayer = it->second.layer;
        break;
      }
    }
  }
}

} // namespace

FailureOr<CostAnalysis> CostAnalysis::run(ModuleOp module,
                                          const MachineModel &machine,
                                          const CostOptions &options) {
  if (failed(verifyCostOptions(options, module.getLoc())))
    return failure();

  // Entry points: functions with a body that no call targets.
  llvm::DenseSet<Operation *> callees;
  module.walk([&](CallOpInterface call) {
    if (Operation *callee = call.resolveCallable())
      callees.insert(callee);
  });
  OpPricer pricer(machine, options);
  if (machine.isWafer())
    pricer.streamedOut = collectProgramOutputs(module);
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

  PlanAttrInterface plan = getPlan(module);
  if (plan && plan.isWafer() && !machine.isWafer())
    return emitError(module.getLoc())
           << "the module has a wafer-scale weight-streaming plan but "
              "machine '"
           << machine.name << "' is not a wafer";
  StepShape shape;
  if (plan) {
    shape.devices = plan.getDeviceCount();
    std::tie(shape.stages, shape.virtualStages) = plan.getPipeline();
  }
  shape.tokensPerDevice =
      options.tokens > 0 ? options.tokens : getProgramTokenCount(module);

  std::vector<OpEntry> entries;
  entries.reserve(pricer.entries.size());
  for (auto &entry : pricer.entries)
    entries.push_back(std::move(entry.second));
  FailureOr<CostSummary> summary = priceStep(entries, pricer.layers, machine,
                                             options, shape, module.getLoc());
  if (failed(summary))
    return failure();

  CostAnalysis analysis;
  analysis.summary = std::move(*summary);
  for (OpEntry &entry : entries)
    analysis.opCosts[entry.op] = std::move(entry.cost);
  return analysis;
}
