//===- CostAnalysis.h - Whole-program cost on a machine ---------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Walks a module from its entry functions, prices every op's kernels on a
// machine (moe/Cost/Roofline.h), derives the backward pass and optimizer
// step for training, and totals time, traffic, parameters and memory.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_ANALYSIS_COSTANALYSIS_H
#define MOE_ANALYSIS_COSTANALYSIS_H

#include "moe/Cost/Machine.h"
#include "moe/Cost/Roofline.h"
#include "moe/Support/OpLocation.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"

#include <string>

namespace mlir::moe {

/// AdamW on ZeRO's mixed-precision layout (docs/CostModel.md, "Phases"):
/// read the 16-bit gradient and the fp32 master weight, m and v (14 bytes),
/// write the three fp32 states and the 16-bit weight (14 bytes).
constexpr double kOptimizerBytesPerParam = 28;
/// fp32 master weight, momentum and variance (ZeRO, section 3.1).
constexpr double kOptimizerStateBytesPerParam = 12;

struct CostOptions {
  Phase phase = Phase::Forward;
  bool recompute = false;
  /// Most loaded expert's tokens over the mean.
  double imbalance = 1.0;
  /// Tokens per micro-batch per device; 0 infers them.
  int64_t tokens = 0;
  /// Micro-batches (gradient accumulation) per optimizer step: forward and
  /// backward run this many times, the optimizer once.
  int64_t microBatches = 1;
  /// Fraction of each layer's collective time that may hide behind the
  /// layer's compute.
  double overlap = 0;
};

/// What one op costs in the phase, summed over every time it runs.
struct OpCost {
  KernelCost forward, backward, optimizer;
  /// forward + backward + optimizer, with the bound of the largest part.
  KernelCost total;
  /// Forward FLOPs that count as model FLOPs (no recompute, no collectives).
  double modelFlops = 0;
  double savedActivationBytes = 0;
  /// Kernels priced once, for traces and tests.
  KernelList kernels;
};

struct MemoryBreakdown {
  double weights = 0, gradients = 0, optimizer = 0, activations = 0;
  double total() const { return weights + gradients + optimizer + activations; }
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
  double peakFlops = 0;
  MemoryBreakdown memory;
  /// Capacity the memory is checked against (HBM, or on-wafer SRAM).
  double memoryCapacity = 0;
  /// Pipeline stages of the plan (`pp`) and the fraction of the step the
  /// slowest stage waits in the pipeline's fill and drain.
  int64_t pipelineStages = 1;
  double pipelineBubble = 0;
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

class CostAnalysis {
public:
  /// Costs `module`; warns about ops without a cost model; fails (with an
  /// error emitted) only on programs it cannot cost at all.
  static FailureOr<CostAnalysis>
  run(ModuleOp module, const MachineModel &machine, const CostOptions &options);

  /// Per-op costs in program order.
  const llvm::MapVector<Operation *, OpCost> &getOpCosts() const {
    return opCosts;
  }
  const CostSummary &getSummary() const { return summary; }

private:
  llvm::MapVector<Operation *, OpCost> opCosts;
  CostSummary summary;
};

} // namespace mlir::moe

#endif // MOE_ANALYSIS_COSTANALYSIS_H
