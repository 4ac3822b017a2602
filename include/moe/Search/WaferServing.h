//===- WaferServing.h - Serving a model on wafer-scale systems --*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Serving on wafer-scale systems in the two ways they can hold a model
// (docs/Serving.md, "Wafer-scale serving"):
//
// - weights resident in the SRAM of as many systems as they need, the
//   layers split over the systems as pipeline stages, one micro-batch per
//   stage in flight;
// - weights streamed from external memory (MemoryX) for every step, the KV
//   cache on the wafer, each system serving its own batch.
//
// Both price the model's prefill and decode steps with the cost analysis on
// the wafer (the resident one on getResidentWafer) and combine them with
// the co-located rule of the GPU search (chunked prefill).
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SEARCH_WAFERSERVING_H
#define MOE_SEARCH_WAFERSERVING_H

#include "moe/Cost/Machine.h"
#include "moe/Search/ServingSearch.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir::moe {

enum class WaferWeights { Resident, Streamed };

/// One way of serving at one decode batch.
struct WaferServingRow {
  WaferWeights weights = WaferWeights::Resident;
  /// Systems one replica of the model spans (resident: pipeline stages),
  /// and decode sequences per system in a step.
  int64_t systems = 1, batch = 1;
  /// One decode step of the batch through the whole model (with the hops
  /// between systems), and the prefill of one prompt.
  double decodeSeconds = 0, prefillSeconds = 0;
  /// Prompt tokens per second per system (the prefill chunks' rate).
  double prefillTokensPerSecond = 0;
  /// Per system: weights, KV caches at the longest context, and in all.
  double weightBytes = 0, kvCacheBytes = 0, memoryBytes = 0;
  /// The co-located step: TTFT, TPOT and output tokens/s per system.
  ColocatedStep step;
  double tokensPerSecondPerUser = 0;
  bool meetsTargets = true;
};

struct WaferServingResult {
  std::string machine;
  ServingWorkload workload;
  /// Systems available, KV bytes per token, the mean context decode is
  /// priced at, and the bytes of the model's weights.
  int64_t maxSystems = 1;
  double kvBytesPerToken = 0, modelWeightBytes = 0;
  int64_t meanContext = 0;
  /// Rows that fit, by mode and batch.
  std::vector<WaferServingRow> rows;
  /// Decode batches that fit in neither mode's SRAM (or need more systems
  /// than there are).
  int64_t rejected = 0;
  /// The row of `weights` with the most output tokens/s per system among
  /// those meeting the targets, if any.
  const WaferServingRow *best(WaferWeights weights) const;
};

struct WaferServingSpace {
  int64_t maxSystems = 1;
  /// Element type of the KV caches; null keeps the program's.
  Type cacheType;
  std::vector<int64_t> decodeBatches = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
  std::vector<int64_t> prefillBatches = {1, 2, 4, 8, 16};
};

/// Prices both modes for `model` (a program the serving steps can be made
/// from, makeServingStep) on `wafer`. Fails with a diagnostic when a step
/// cannot be made or priced.
FailureOr<WaferServingResult>
searchWaferServing(ModuleOp model, const MachineModel &wafer,
                   const ServingWorkload &workload,
                   const WaferServingSpace &space);

StringRef stringifyWaferWeights(WaferWeights weights);

} // namespace mlir::moe

#endif // MOE_SEARCH_WAFERSERVING_H
