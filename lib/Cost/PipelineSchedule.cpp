//===- PipelineSchedule.cpp - Pipeline-parallel step time -----------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/PipelineSchedule.h"

#include "mlir/IR/Diagnostics.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::moe;

FailureOr<PipelineResult> mlir::moe::schedulePipeline(
    ArrayRef<OpEntry> entries, ArrayRef<LayerRun> layers,
    const MachineModel &machine, const CostOptions &options,
    const StepShape &shape, Location loc) {
  int64_t stages = std::max<int64_t>(1, shape.stages);
  int64_t virtualStages = std::max<int64_t>(1, shape.virtualStages);
  int64_t zeroStage = shape.zeroStage;
  int64_t decoderLayers = 0;
  for (const LayerRun &layer : layers)
    if (layer.decoder)
      decoderLayers += layer.count;
  if (decoderLayers < stages)
    return emitError(loc) << "pp = " << stages
                          << " pipeline stages need at least as many "
                          << "decoder layers (named layers.N); the program "
                             "has "
                          << decoderLayers;

  // How many instances of each layer run each stage holds: decoder layers
  // split evenly by position, the others in the first stage when they come
  // before the first decoder layer and in the last one otherwise.
  std::vector<SmallVector<double>> share(layers.size(),
                                         SmallVector<double>(stages, 0.0));
  int64_t position = 0;
  bool pastFirstDecoder = false;
  for (auto [index, layer] : llvm::enumerate(layers)) {
    if (!layer.decoder) {
      share[index][pastFirstDecoder ? stages - 1 : 0] = 1;
      continue;
    }
    pastFirstDecoder = true;
    for (int64_t i = 0; i < layer.count; ++i, ++position)
      share[index][position * stages / decoderLayers] +=
          1.0 / static_cast<double>(layer.count);
  }

  // Per stage: compute of all micro-batches, once-per-step work (gradient
  // sync, optimizer), weights, saved activations.
  struct Stage {
    double compute = 0, perStep = 0, largestOpWeightBytes = 0;
    MemoryBreakdown state;
    double saved = 0, layerInputs = 0, largestLayer = 0;
    double inputBytes = -1;
  };
  std::vector<Stage> perStage(stages);
  for (const OpEntry &entry : entries) {
    for (int64_t i = 0; i < stages; ++i) {
      double n = entry.instances * share[entry.stageLayer][i];
      if (n == 0)
        continue;
      Stage &s = perStage[i];
      const OpCost &cost = entry.cost;
      if (entry.role == OpRole::GradSync) {
        s.perStep += cost.total.seconds * n;
      } else {
        s.compute += (cost.total.seconds - cost.optimizer.seconds) * n;
        s.perStep += cost.optimizer.seconds * n;
        if (s.inputBytes < 0)
          s.inputBytes = entry.inputBytes;
      }
      entry.addStateMemory(s.state, n, options.phase == Phase::Train);
      s.largestOpWeightBytes =
          std::max(s.largestOpWeightBytes, entry.readWeightBytes);
    }
  }
  for (auto [index, layer] : llvm::enumerate(layers))
    for (int64_t i = 0; i < stages; ++i) {
      double n = layer.count * share[index][i];
      if (n == 0)
        continue;
      Stage &s = perStage[i];
      s.layerInputs += layer.inputSavedBytes * n;
      s.saved += layer.savedBytes * n;
      s.largestLayer = std::max(s.largestLayer, layer.savedBytes);
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
    MemoryBreakdown mem = s.state;
    // ZeRO-3 gathers the weights of the op that runs.
    if (zeroStage >= 3)
      mem.weights += s.largestOpWeightBytes;
    if (train) {
      mem.activations = options.recompute
                            ? s.layerInputs * inFlight + s.largestLayer
                            : s.saved * inFlight;
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
