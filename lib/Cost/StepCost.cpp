//===- StepCost.cpp - What a step costs, op by op and in total --*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/StepCost.h"
#include "moe/Cost/PipelineSchedule.h"
#include "moe/Cost/WaferPipeline.h"
#include "moe/Support/Checked.h"
#include "moe/Support/Format.h"

#include "mlir/IR/Diagnostics.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::moe;

KernelCost mlir::moe::priceOptimizerStep(const MachineModel &machine,
                                         double params) {
  Kernel update = makeMemory("adamw", params * kOptimizerBytesPerParam, 0, 4);
  return priceKernel(machine, update, Direction::Forward);
}

namespace {

bool isCommunication(OpRole role) {
  return role == OpRole::Collective || role == OpRole::GradSync;
}

/// The overlap model (docs/CostModel.md): in each layer, collectives can run
/// while the layer computes, so of the collective time C at most
/// `overlap * C` hides, and never more than the compute time K:
/// exposed = C - min(overlap * C, K). C and K are per layer instance.
void hideCollectives(MutableArrayRef<OpEntry> entries,
                     ArrayRef<LayerRun> layers, double overlap) {
  SmallVector<std::pair<double, double>> perLayer(layers.size()); // C, K
  for (const OpEntry &entry : entries) {
    double seconds = entry.cost.total.seconds * entry.instances /
                     static_cast<double>(layers[entry.layer].count);
    auto &[c, k] = perLayer[entry.layer];
    (isCommunication(entry.role) ? c : k) += seconds;
  }
  for (OpEntry &entry : entries) {
    if (!isCommunication(entry.role))
      continue;
    auto [c, k] = perLayer[entry.layer];
    if (c <= 0)
      continue;
    double exposed = c - std::min(overlap * c, k);
    double scale = exposed / c;
    entry.cost.total.seconds *= scale;
    entry.cost.total.boundSeconds *= scale;
    entry.cost.exposed = scale;
  }
}

} // namespace

FailureOr<CostSummary> mlir::moe::priceStep(MutableArrayRef<OpEntry> entries,
                                            ArrayRef<LayerRun> layers,
                                            const MachineModel &machine,
                                            const CostOptions &options,
                                            const StepShape &shape,
                                            Location loc) {
  CostSummary summary;
  summary.machine = machine.name;
  summary.phase = options.phase;
  summary.peakFlops = machine.peakFlops16;
  summary.devices = std::max<int64_t>(1, shape.devices);
  summary.microBatches = options.microBatches;
  bool train = options.phase == Phase::Train;

  for (OpEntry &entry : entries) {
    OpCost &cost = entry.cost;
    cost.total = cost.forward;
    cost.total += cost.backward;
    cost.total += cost.optimizer;
  }
  if (options.overlap > 0)
    hideCollectives(entries, layers, options.overlap);
  if (machine.isWafer())
    pipelineWeightStreaming(entries, layers);

  double paramBytes = 0, largestOpWeightBytes = 0, peakLiveBytes = 0;
  MemoryBreakdown state;
  for (const OpEntry &entry : entries) {
    const KernelCost &total = entry.cost.total;
    double n = entry.instances;
    summary.seconds += total.seconds * n;
    summary.flops += total.flops * n;
    summary.bytes += total.bytes * n;
    summary.network += total.network * n;
    summary.modelFlops += entry.cost.modelFlops * n;
    summary.params += entry.params * n;
    summary.activeParams += entry.activeParams * n;
    paramBytes += entry.paramBytes * n;
    entry.addStateMemory(state, n, train);
    largestOpWeightBytes =
        std::max(largestOpWeightBytes, entry.readWeightBytes);
    peakLiveBytes = std::max(peakLiveBytes, entry.liveBytes);
  }

  summary.paramBytes = paramBytes;

  // Memory per device (docs/CostModel.md, "Memory").
  MemoryBreakdown &mem = summary.memory;
  if (train) {
    double inputs = 0, largestLayer = 0, saved = 0;
    for (const LayerRun &layer : layers) {
      inputs += layer.inputSavedBytes * layer.count;
      largestLayer = std::max(largestLayer, layer.savedBytes);
      saved += layer.savedBytes * layer.count;
    }
    mem.activations = options.recompute ? inputs + largestLayer : saved;
  } else {
    mem.activations = peakLiveBytes;
  }
  if (machine.isWafer()) {
    // Weights, gradients and optimizer state live in MemoryX; the wafer
    // holds the op being streamed and its gradient, and the working set of
    // the largest op (activations kept for the backward pass are not in
    // the SRAM budget: docs/CostModel.md, "Wafer SRAM").
    mem.weights = largestOpWeightBytes;
    mem.gradients = train ? largestOpWeightBytes : 0;
    mem.activations = peakLiveBytes;
    double external =
        paramBytes * (train ? 2 : 1) +
        (train ? summary.params * kOptimizerStateBytesPerParam : 0);
    if (machine.externalMemoryCapacity > 0 &&
        external > machine.externalMemoryCapacity)
      return emitError(loc)
             << "weights and optimizer state need " << formatBytes(external)
             << " but " << machine.name << "'s external memory holds "
             << formatBytes(machine.externalMemoryCapacity);
  } else {
    mem.weights = state.weights;
    mem.gradients = state.gradients;
    mem.optimizer = state.optimizer;
    // ZeRO-3 gathers the weights of the op that runs.
    if (shape.zeroStage >= 3)
      mem.weights += largestOpWeightBytes;
  }
  // KV caches stay on the device (on a wafer, in its SRAM) between steps.
  mem.kvCache = state.kvCache;
  summary.memoryCapacity = machine.memoryCapacity;

  // Pipeline parallelism: the plan's function holds every layer; each
  // device runs one stage of them (docs/CostModel.md). The expert-parallel
  // overlap schedule (merged forwards and backwards) and overlapped gradient
  // synchronisation run as a schedule on one stage too.
  int64_t stages = std::max<int64_t>(1, shape.stages);
  bool epOverlap = options.epOverlap && train && !machine.isWafer();
  summary.epOverlap = epOverlap ? machine.overlapEfficiency : 0;
  bool scheduled = stages > 1 || epOverlap || (options.gradOverlap && train);
  if (scheduled && !machine.isWafer()) {
    FailureOr<PipelineResult> pipeline =
        schedulePipeline(entries, layers, machine, options, shape, loc);
    if (failed(pipeline))
      return failure();
    summary.seconds = pipeline->seconds;
    // A device runs one stage: its share of the program's work (the entries
    // are the whole program's).
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
  std::optional<int64_t> tokens = checkedProduct(
      {shape.tokensPerDevice, options.microBatches, summary.devices / stages});
  if (!tokens)
    return emitError(loc) << "a step of " << shape.tokensPerDevice
                          << " tokens x micro-batches (" << options.microBatches
                          << ") x " << summary.devices / stages
                          << " data-parallel devices is more than " << kMaxCount
                          << " tokens";
  summary.tokens = *tokens;
  return summary;
}
