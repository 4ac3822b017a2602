//===- CostTypes.h - What ops and steps cost --------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The figures the cost core passes around: the options a step is priced
// with, what one op costs over a phase (OpCost) and as an entry of a step
// (OpEntry, of a LayerRun), memory and the summary of a step. Producing
// entries is moe/Cost/CostAnalysis.h's; scheduling them into a step is
// moe/Cost/StepCost.h's.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COST_COSTTYPES_H
#define MOE_COST_COSTTYPES_H

#include "moe/Cost/ExpertLoad.h"
#include "moe/Cost/Machine.h"
#include "moe/Cost/Roofline.h"

#include "llvm/ADT/Hashing.h"

#include <string>
#include <vector>

namespace mlir::moe {

/// AdamW on ZeRO's mixed-precision layout (docs/CostModel.md, "Phases"):
/// read the 16-bit gradient and the fp32 master weight, m and v (14 bytes),
/// write the three fp32 states and the 16-bit weight (14 bytes).
constexpr double kOptimizerBytesPerParam = 28;
/// fp32 master weight, momentum and variance (ZeRO, section 3.1).
constexpr double kOptimizerStateBytesPerParam = 12;

class PipelineScheduleCache;

/// Hashes the keys of the caches of measured work: integers, figures as
/// their bits.
struct IntegerKeyHash {
  size_t operator()(const std::vector<int64_t> &key) const {
    return llvm::hash_combine_range(key.begin(), key.end());
  }
};

struct CostOptions {
  Phase phase = Phase::Forward;
  /// Full recomputation: each layer keeps its input only.
  bool recompute = false;
  /// Selective recomputation: a bit (1 << RecomputeModule) for each part of
  /// a layer recomputed instead of kept.
  unsigned recomputeModules = 0;
  /// How routed tokens spread over each layer's experts and ranks.
  RoutingModel routing;
  /// Tokens per micro-batch per device; 0 infers them.
  int64_t tokens = 0;
  /// Micro-batches (gradient accumulation) per optimizer step: forward and
  /// backward run this many times, the optimizer once.
  int64_t microBatches = 1;
  /// Fraction of each layer's collective time that may hide behind the
  /// layer's compute.
  double overlap = 0;
  /// 16-bit GEMMs run in FP8 (from the plan).
  bool fp8Gemms = false;
  /// Weight gradients accumulate and reduce in FP32 main_grad buffers (from
  /// the plan); otherwise at the weights' width.
  bool fp32Gradients = false;
  /// Megatron-Core's 1F1B with expert-parallel all-to-all overlap: in a
  /// training step's steady state each forward runs merged with the
  /// backward of another micro-batch, and the expert all-to-alls of each
  /// hide behind the other's compute (docs/CostModel.md, "Expert-parallel
  /// overlap").
  bool epOverlap = false;
  /// Expert dispatches send a token once per remote node (the plan's DeepEP
  /// dispatcher, Kernel::perNodeDispatch).
  bool dispatchPerNode = false;
  /// Megatron-Core's --overlap-grad-reduce and --overlap-param-gather: each
  /// stage's gradient synchronisation runs beside the last micro-batch's
  /// backward and the first micro-batch's forward (docs/CostModel.md,
  /// "Pipeline parallelism").
  bool gradOverlap = false;
  /// Where pipeline schedules already run are kept (not owned; null: run
  /// each): a plan search prices many plans whose schedules are the same.
  PipelineScheduleCache *scheduleCache = nullptr;
};

/// What one op costs in the phase, summed over every time it runs.
struct OpCost {
  KernelCost forward, backward, optimizer;
  /// Seconds of `backward` that are recomputed forward kernels and
  /// gradient synchronisation.
  double recomputeSeconds = 0, syncSeconds = 0;
  /// How the step schedules it.
  OpRole role = OpRole::Compute;
  /// Fraction of its time on the step's critical path (a collective hidden
  /// in part behind compute has less than 1).
  double exposed = 1;
  /// The pipeline stage and model chunk that run it, and the seconds its
  /// input takes to arrive from the previous stage when it starts one.
  int64_t stage = 0, chunk = 0;
  double transferIn = 0;
  /// forward + backward + optimizer, with the bound of the largest part.
  KernelCost total;
  /// Forward FLOPs that count as model FLOPs (no recompute, no collectives).
  double modelFlops = 0;
  double savedActivationBytes = 0;
};

struct MemoryBreakdown {
  double weights = 0, gradients = 0, optimizer = 0, activations = 0;
  /// Serving steps: the KV caches the device holds.
  double kvCache = 0;
  double total() const {
    return weights + gradients + optimizer + activations + kvCache;
  }
};

struct CostSummary {
  std::string machine;
  Phase phase = Phase::Forward;
  /// Tokens per step over all devices (per-device tokens times devices).
  int64_t tokens = 0;
  /// Devices running the program (from a plan's `moe.plan`; 1 otherwise).
  int64_t devices = 1;
  double seconds = 0, flops = 0, modelFlops = 0, bytes = 0, network = 0;
  double params = 0, activeParams = 0;
  /// Bytes of the weights as stored (all of the program's, on one device).
  double paramBytes = 0;
  double peakFlops = 0;
  MemoryBreakdown memory;
  /// Capacity the memory is checked against (HBM, or on-wafer SRAM).
  double memoryCapacity = 0;
  /// Pipeline stages of the plan (`pp`) and the fraction of the step the
  /// slowest stage waits in the pipeline's fill and drain.
  int64_t pipelineStages = 1;
  double pipelineBubble = 0;
  /// Micro-batches per optimizer step.
  int64_t microBatches = 1;
  /// Routed tokens of the most loaded expert-parallel rank over a balanced
  /// share, in the most skewed layer (1 when routing is balanced).
  double routingLoad = 1;
  /// When the step ran the expert-parallel overlap schedule
  /// (CostOptions::epOverlap), the machine's overlap efficiency; 0 when not.
  double epOverlap = 0;
  double tokensPerSecond() const {
    return seconds > 0 ? static_cast<double>(tokens) / seconds : 0;
  }
  double mfu() const {
    return seconds > 0 && peakFlops > 0 ? modelFlops / (seconds * peakFlops)
                                        : 0;
  }
  /// The summary as the module keeps it (`moe.cost_summary`).
  CostSummaryAttr toAttr(MLIRContext *ctx) const;
};

/// A layer of the program (ops grouped by their location's layer name), or
/// a run of identical consecutive layers that one layer stands for.
struct LayerRun {
  /// The layer's name (`layers.3`, `lm_head`); the first one of a run.
  std::string name;
  /// Identical layers the run stands for.
  int64_t count = 1;
  /// A decoder layer (`layers.N`): pipeline stages split these.
  bool decoder = false;
  /// Saved activations of one layer: its first op's (the layer's input,
  /// what recomputation keeps) and all of them.
  double inputSavedBytes = 0, savedBytes = 0;
};

/// One op of the program, or the representative of the identical ops of a
/// layer run: what one instance costs over the phase.
struct OpEntry {
  Operation *op = nullptr;
  /// Index of its layer run.
  unsigned layer = 0;
  /// Identical ops it stands for (the layers of a run; 1 for an op of the
  /// IR).
  double instances = 1;
  OpRole role = OpRole::Compute;
  /// An expert all-to-all (Kernel::expertExchange): an expert-parallel
  /// overlap schedule hides it behind another micro-batch's compute.
  bool expertExchange = false;
  /// Forward and backward of every micro-batch (with recomputation and
  /// gradient synchronisation in the backward), optimizer, total.
  OpCost cost;
  /// Parameters it reads first (their optimizer step is its): bytes,
  /// elements, and elements one token uses.
  double paramBytes = 0, params = 0, activeParams = 0;
  /// What those parameters keep on one device in training, after ZeRO
  /// shards them over the devices that replicate them: the weights, their
  /// gradients and the optimizer state (docs/CostModel.md, "Memory").
  double residentWeightBytes = 0, gradientBytes = 0, optimizerBytes = 0;
  /// Bytes of the serving caches it reads (resident, never freed).
  double cacheBytes = 0;
  /// Bytes of every weight it reads, first or not.
  double readWeightBytes = 0;
  /// Tensors live while it runs (forward memory).
  double liveBytes = 0;
  /// Bytes of its first operand: the activation entering a pipeline stage
  /// that starts with it.
  double inputBytes = 0;
  /// The layer run whose pipeline stage runs it: its own, or for a
  /// gradient synchronisation the layer that reads the weight.
  unsigned stageLayer = 0;

  /// Adds what `n` instances keep of weights (and, in training, gradients
  /// and optimizer state) to `mem`.
  void addStateMemory(MemoryBreakdown &mem, double n, bool train) const {
    mem.weights += residentWeightBytes * n;
    mem.kvCache += cacheBytes * n;
    if (train) {
      mem.gradients += gradientBytes * n;
      mem.optimizer += optimizerBytes * n;
    }
  }
};

/// How a planned program runs on its devices.
struct StepShape {
  /// Devices that each run the program, pipeline stages among them and
  /// model chunks per stage.
  int64_t devices = 1, stages = 1, virtualStages = 1;
  /// Tokens one device processes per micro-batch.
  int64_t tokensPerDevice = 0;
  /// ZeRO stage, 0 to kMaxZeroStage.
  int64_t zeroStage = 0;
};

} // namespace mlir::moe

#endif // MOE_COST_COSTTYPES_H
