//===- ServingSearch.h - Serving plans for a model --------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Serving a model on a GPU cluster (docs/Serving.md): the prefill of a
// request's prompt and the decode steps of its output, priced with the plan
// estimate (moe/Search/PlanSummary.h) on the two steps the model's program
// is reshaped into, then combined into the two kinds of serving plan:
// co-located (every GPU runs decode steps with chunks of new prompts in
// them) and disaggregated (prefill and decode on separate pools, the KV
// cache sent between them).
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SEARCH_SERVINGSEARCH_H
#define MOE_SEARCH_SERVINGSEARCH_H

#include "moe/Search/PlanSearch.h"

#include <string>
#include <vector>

namespace mlir::moe {

/// What requests ask and what users accept.
struct ServingWorkload {
  /// Prompt and output tokens of every request.
  int64_t inputTokens = 1024, outputTokens = 256;
  /// Latency targets in seconds: time to first token and time per output
  /// token; 0 sets none.
  double ttftLimit = 0, tpotLimit = 0;
};

struct ServingSpace {
  /// GPUs in the cluster and per node.
  int64_t devices = 8, gpusPerNode = 8;
  int64_t maxTp = 8;
  /// Run the GEMMs in FP8 with FP8 weights.
  bool fp8 = false;
  /// Fraction of collective time hidden behind compute.
  double overlap = 0;
  /// Two micro-batches in flight where they are faster (DeepSeek's
  /// dual-batch overlap, SGLang's two-batch overlap): each half of a batch
  /// computes while the other's all-to-alls run, so a step takes twice a
  /// half batch's step with its communication hidden behind its compute.
  bool twoBatchOverlap = false;
  /// How routed tokens spread over the experts (the busiest
  /// expert-parallel rank of each plan sets its pace).
  RoutingModel routing;
  /// Decode sequences per GPU and prompts per GPU in one prefill step.
  std::vector<int64_t> decodeBatches = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
  std::vector<int64_t> prefillBatches = {1, 2, 4, 8, 16};
};

/// One phase on one instance (a group of GPUs running one plan).
struct ServingPhase {
  GPUPlan plan;
  /// Sequences per GPU in a step (decode), or prompts per GPU (prefill).
  int64_t batch = 0;
  /// Step time, and memory per GPU (with the KV caches of the longest
  /// context for decode).
  double seconds = 0, memoryBytes = 0;
  /// Tokens per second per GPU: prompt tokens (prefill) or output tokens
  /// (decode).
  double tokensPerSecond = 0;
  int64_t gpus() const { return plan.devices(); }
};

struct ServingCandidate {
  enum class Kind { Colocated, Disaggregated };
  Kind kind = Kind::Colocated;
  /// Co-located: `decode` also runs the prefill chunks (`chunkTokens` per
  /// GPU each step), on `decodeInstances` instances. Disaggregated:
  /// `prefillInstances` of `prefill` and `decodeInstances` of `decode`.
  ServingPhase prefill, decode;
  int64_t prefillInstances = 0, decodeInstances = 0;
  double chunkTokens = 0;
  /// Per request: time to first token (with the KV transfer), time per
  /// output token, and the KV transfer.
  double ttft = 0, tpot = 0, kvTransferSeconds = 0;
  /// Output tokens per second per GPU in use, and per user (1 / tpot).
  double tokensPerSecond = 0, tokensPerSecondPerUser = 0;
  bool meetsTargets = true, pareto = false;
  int64_t gpus() const {
    return prefillInstances * prefill.gpus() + decodeInstances * decode.gpus();
  }
};

struct ServingResult {
  std::string machine;
  ServingWorkload workload;
  int64_t devices = 0;
  /// KV cache bytes per token over all layers, and the decode context the
  /// step time was priced at (prompt plus half the output: the mean).
  double kvBytesPerToken = 0;
  int64_t meanContext = 0;
  /// Every candidate, best first (meeting the targets, then by tokens/s per
  /// GPU).
  std::vector<ServingCandidate> candidates;
  /// Phase configurations priced (and those rejected by plan rules or
  /// memory).
  int64_t phasesPriced = 0, phasesRejected = 0;
  /// The best candidate of `kind` meeting the targets, if any.
  const ServingCandidate *best(ServingCandidate::Kind kind) const;
};

/// A co-located step (chunked prefill, docs/Serving.md): `batch` sequences
/// per device decode in `decodeSeconds`, and each step also prefills the
/// `batch * input / output` prompt tokens that keep the batch full, at
/// `prefillTokensPerSecond` per device.
struct ColocatedStep {
  double chunkTokens = 0, tpot = 0, ttft = 0, tokensPerSecond = 0;
};
ColocatedStep colocate(double decodeSeconds, int64_t batch,
                       double prefillTokensPerSecond,
                       const ServingWorkload &workload);

/// Whether a request served with these latencies meets the targets.
bool meetsTargets(const ServingWorkload &workload, double ttft, double tpot);

/// Prices `prefill` (a program of one prompt of `workload.inputTokens`) and
/// `decode` (one sequence's decode step over its mean context) on every
/// plan and batch of `space`, and combines them into serving candidates.
ServingResult searchServing(const ProgramSummary &prefill,
                            const ProgramSummary &decode,
                            double kvBytesPerToken, int64_t meanContext,
                            const MachineModel &machine,
                            const ServingWorkload &workload,
                            const ServingSpace &space);

std::string describeServingPlan(const GPUPlan &plan);

} // namespace mlir::moe

#endif // MOE_SEARCH_SERVINGSEARCH_H
