//===- PipelineSchedule.cpp - Pipeline-parallel step time -----------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/PipelineSchedule.h"
#include "moe/Interfaces/CostModelOpInterface.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::moe;

namespace {

bool isGradSync(Operation *op) {
  return op->hasAttr(MoEDialect::GradSyncAttrHelper::getNameStr());
}

/// Bytes of an op's first operand: the activation that crosses into a stage.
double inputBytes(Operation *op) {
  if (op->getNumOperands() == 0)
    return 0;
  auto type = dyn_cast<ShapedType>(op->getOperand(0).getType());
  return type && type.hasStaticShape() ? tensorBytes(op->getOperand(0)) : 0;
}

} // namespace

FailureOr<PipelineResult> mlir::moe::schedulePipeline(
    ModuleOp module, const llvm::MapVector<Operation *, OpCost> &opCosts,
    const llvm::DenseMap<Operation *, OwnedParams> &owned,
    const MachineModel &machine, const CostOptions &options, int64_t stages,
    int64_t virtualStages) {
  // Layers in program order, and each op's stage.
  llvm::StringMap<int64_t> layerIndex;
  for (const auto &entry : opCosts) {
    std::string name = getLayerName(entry.first);
    if (StringRef(name).starts_with("layers.") && !layerIndex.contains(name))
      layerIndex.try_emplace(name, layerIndex.size());
  }
  auto layers = static_cast<int64_t>(layerIndex.size());
  if (layers < stages)
    return emitError(module.getLoc())
           << "pp = " << stages << " pipeline stages need at least as many "
           << "decoder layers (named layers.N); the program has " << layers;

  llvm::DenseMap<Operation *, int64_t> stageOf;
  bool pastFirstLayer = false;
  for (const auto &entry : opCosts) {
    Operation *op = entry.first;
    if (isGradSync(op))
      continue;
    auto it = layerIndex.find(getLayerName(op));
    if (it != layerIndex.end()) {
      pastFirstLayer = true;
      stageOf[op] = it->second * stages / layers;
    } else {
      stageOf[op] = pastFirstLayer ? stages - 1 : 0;
    }
  }
  for (const auto &entry : opCosts) {
    Operation *op = entry.first;
    if (!isGradSync(op))
      continue;
    int64_t stage = stages - 1;
    for (Operation *user : op->getOperand(0).getUsers())
      if (auto it = stageOf.find(user); it != stageOf.end()) {
        stage = it->second;
        break;
      }
    stageOf[op] = stage;
  }

  // Per stage: compute of all micro-batches, once-per-step work (gradient
  // sync, optimizer), weights, saved activations per layer.
  struct Stage {
    double compute = 0, perStep = 0, weightBytes = 0, params = 0;
    double saved = 0, layerInputs = 0, largestLayer = 0;
    double inputBytes = -1;
    llvm::StringMap<double> layerSaved;
  };
  std::vector<Stage> perStage(stages);
  llvm::StringSet<> layersSeen;
  for (const auto &[op, cost] : opCosts) {
    Stage &s = perStage[stageOf[op]];
    if (isGradSync(op)) {
      s.perStep += cost.total.seconds;
    } else {
      s.compute += cost.total.seconds - cost.optimizer.seconds;
      s.perStep += cost.optimizer.seconds;
      if (s.inputBytes < 0)
        s.inputBytes = inputBytes(op);
    }
    if (auto it = owned.find(op); it != owned.end()) {
      s.weightBytes += it->second.bytes;
      s.params += it->second.count;
    }
    std::string layer = getLayerName(op);
    if (layersSeen.insert(layer).second)
      s.layerInputs += cost.savedActivationBytes;
    s.saved += cost.savedActivationBytes;
    s.layerSaved[layer] += cost.savedActivationBytes;
  }

  bool train = options.phase == Phase::Train;
  auto m = static_cast<double>(options.microBatches);
  double slots = m + static_cast<double>(stages - 1) / virtualStages;
  PipelineResult result;
  double perStep = 0, transfers = 0, worstMemory = -1;
  for (int64_t i = 0; i < stages; ++i) {
    Stage &s = perStage[i];
    result.slowestStageSeconds =
        std::max(result.slowestStageSeconds, s.compute / m);
    perStep = std::max(perStep, s.perStep);
    // The activation entering each stage but the first crosses a link once
    // in the fill (and its gradient once in the drain); in the steady state
    // transfers hide behind compute.
    if (i > 0 && s.inputBytes > 0 && machine.interNodeBandwidth > 0)
      transfers +=
          (train ? 2 : 1) * (machine.interNodeLatency +
                             s.inputBytes / machine.interNodeBandwidth);
    // 1F1B: stage i holds the activations of min(p - i, m) micro-batches.
    double inFlight = std::min<double>(stages - i, m);
    MemoryBreakdown mem;
    mem.weights = s.weightBytes;
    if (train) {
      mem.gradients = s.weightBytes;
      mem.optimizer = s.params * kOptimizerStateBytesPerParam;
      if (options.recompute) {
        for (const auto &layer : s.layerSaved)
          s.largestLayer = std::max(s.largestLayer, layer.second);
        mem.activations = s.layerInputs * inFlight + s.largestLayer;
      } else {
        mem.activations = s.saved * inFlight;
      }
    }
    if (mem.total() > worstMemory) {
      worstMemory = mem.total();
      result.memory = mem;
    }
  }
  result.seconds = slots * result.slowestStageSeconds + perStep + transfers;
  result.bubble = (slots - m) / slots;
  return result;
}
