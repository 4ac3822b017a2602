//===- PlanSummary.h - Analytic summary of a program for plans --*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Plan search evaluates thousands of plans per millisecond, so it cannot
// re-plan and re-cost the IR for each. A ProgramSummary is read from the IR
// once: every op's forward kernels at the program's token count, tagged with
// how they scale with the tokens a device processes, plus each MoE layer's
// routing shape and the weights. Evaluating a plan rescales the kernels and
// prices them with the same roofline and kernel builders as --moe-cost.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_ANALYSIS_PLANSUMMARY_H
#define MOE_ANALYSIS_PLANSUMMARY_H

#include "moe/Cost/Machine.h"
#include "moe/Cost/Roofline.h"

#include "mlir/IR/BuiltinOps.h"

#include <vector>

namespace mlir::moe {

/// One MoE layer's experts (identical layers merged, `multiplicity`).
struct ExpertLayerSummary {
  int64_t experts = 0, topK = 0, hidden = 0, ffn = 0;
  bool gated = true;
  double activationFlops = 0;
  unsigned elemBytes = 2;
  double capacityFactor = 1;
  bool dropless = false;
  double multiplicity = 1;
  /// Saved activation bytes per routed row (input, gate/up, activation).
  double savedBytesPerRow = 0;
};

/// Weights of one size (identical weights merged).
struct WeightGroup {
  double bytes = 0;
  double elements = 0;
  double count = 0;
  bool expert = false;
};

struct ProgramSummary {
  /// The program's token count and the sequence length every device must
  /// keep whole.
  int64_t tokens = 0;
  int64_t seqLen = 1;
  unsigned elemBytes = 2;
  /// Kernels of every non-expert op at `tokens`, with multiplicity.
  std::vector<std::pair<Kernel, double>> tokenKernels;
  std::vector<ExpertLayerSummary> expertLayers;
  std::vector<WeightGroup> weights;
  /// Saved activations of non-expert ops at `tokens`; with recomputation
  /// only each layer's input (the first op's saved bytes) and the largest
  /// layer's activations, as the analysis counts them.
  double savedBytes = 0;
  double layerInputBytes = 0, largestLayerBytes = 0;
  /// The largest expert count every MoE layer's count is a multiple of.
  int64_t expertGcd = 0;

  /// Reads a program that is not planned yet; fails with a diagnostic on
  /// anything it cannot summarise.
  static FailureOr<ProgramSummary> build(ModuleOp module);
};

/// One GPU plan.
struct GPUPlan {
  int64_t ep = 1, dp = 1;
  /// Tokens per GPU per micro-batch and micro-batches per step.
  int64_t tokensPerDevice = 0, microBatches = 1;
  double capacityFactor = 0; ///< 0 keeps each layer's own
  bool recompute = false;
  bool train = true;
  double overlap = 0;
};

struct PlanEstimate {
  double seconds = 0, tokensPerSecond = 0, mfu = 0;
  double memoryBytes = 0;
  double modelFlops = 0;
  Bound bound = Bound::none;
  /// Seconds under each bound (compute, memory, network, ...).
  BoundSeconds boundSeconds;
};

/// Prices `plan` for `summary` on `machine` (docs/Plans.md, "Search").
PlanEstimate estimateGPUPlan(const ProgramSummary &summary,
                             const MachineModel &machine, const GPUPlan &plan);

} // namespace mlir::moe

#endif // MOE_ANALYSIS_PLANSUMMARY_H
