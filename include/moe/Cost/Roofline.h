//===- Roofline.h - Kernel time on a machine --------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Prices one kernel on one machine: a roofline (compute vs memory vs
// network vs weight streaming) with size-dependent efficiency. The formulas
// are written out in docs/CostModel.md.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_ANALYSIS_ROOFLINE_H
#define MOE_ANALYSIS_ROOFLINE_H

#include "moe/Cost/Machine.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Interfaces/CostModelOpInterface.h"

#include <array>

namespace mlir::moe {

enum class Direction { Forward, Backward };

/// The number of bounds (`Bound` is defined in ODS).
constexpr unsigned kNumBounds = getMaxEnumValForBound() + 1;

/// Seconds spent under each bound.
struct BoundSeconds {
  std::array<double, kNumBounds> seconds{};

  double &operator[](Bound bound) {
    return seconds[static_cast<unsigned>(bound)];
  }
  double operator[](Bound bound) const {
    return seconds[static_cast<unsigned>(bound)];
  }
  BoundSeconds &operator+=(const BoundSeconds &other);
  BoundSeconds &operator*=(double factor);
  /// The bound with the most seconds; `none` when every one is zero.
  Bound dominant() const;
};

/// Time and traffic of one kernel execution.
struct KernelCost {
  double seconds = 0;
  double flops = 0, bytes = 0, network = 0;
  /// The competing roofline terms; `seconds` is the largest plus latency.
  double computeSeconds = 0, memorySeconds = 0, networkSeconds = 0,
         ioSeconds = 0, latencySeconds = 0;
  Bound bound = Bound::none;
  /// Seconds spent under each bound; `bound` is the one with the most once
  /// kernels are summed.
  BoundSeconds boundSeconds;

  KernelCost &operator+=(const KernelCost &other);
  /// Multiplies every figure (a kernel repeated `factor` times).
  KernelCost &operator*=(double factor);
};

/// `count` [m x k] * [k x n] products of one launch; `count` and `m` may be
/// expectations (an expert that receives a token with some probability).
struct GemmShape {
  double count = 1, m = 0, n = 0, k = 0;
};
/// Seconds of one launch running the GEMMs `shapes` (a grouped GEMM when
/// `grouped`) on the compute units: every tile of every GEMM spread over
/// the units, with tile and wave quantisation and the K-loop ramp.
double gemmComputeSeconds(const MachineModel &machine,
                          ArrayRef<GemmShape> shapes, unsigned elemBytes,
                          bool grouped);
/// The same for `count` equal GEMMs (grouped when `count > 1`).
double gemmComputeSeconds(const MachineModel &machine, int64_t count, int64_t m,
                          int64_t n, int64_t k, unsigned elemBytes);
/// Fraction of peak a fused attention core reaches at sequence length `seq`.
double attentionEfficiency(const MachineModel &machine, int64_t seq,
                           Direction direction);
/// Devices of a group of `groupSize` devices `groupStride` apart that share
/// a node.
int64_t membersPerNode(const MachineModel &machine, int64_t groupSize,
                       int64_t groupStride);
/// How an all-to-all's tokens route, for a per-node dispatch
/// (Kernel::perNodeDispatch): each token's `copies` fall in `limit` of
/// `groups` expert groups (0: any experts).
struct NodeLimitedRouting {
  double copies = 0;
  int64_t groups = 0, limit = 0;
};
/// Expected distinct nodes of `nodes` that one token's `copies` routed
/// copies reach, experts and their `groups` groups spread evenly over the
/// nodes, the token's experts in `limit` of the groups (0: any expert).
double expectedNodesReached(double copies, int64_t nodes, int64_t groups,
                            int64_t limit);
/// Alpha-beta time of a collective; `wireBytes` receives the bytes each
/// device sends. An all-to-all with `routing` (a per-node dispatch) sends
/// one copy of a token per remote node it reaches and fans out over the
/// node's links.
double collectiveSeconds(const MachineModel &machine, CollectiveKind kind,
                         double bufferBytes, int64_t groupSize,
                         int64_t groupStride, double &wireBytes,
                         const NodeLimitedRouting &routing = {});

/// One execution of `kernel` in `direction` (the backward of a GEMM is its
/// input-gradient and weight-gradient GEMMs, etc.).
/// A context-parallel ring `exchange` of `devices` steps running beside the
/// attention core `core`: each of its `devices - 1` transfers overlaps one
/// step of the core, so what exceeds `(devices - 1) / devices` of the
/// core's time is exposed (docs/CostModel.md, "Context parallelism").
KernelCost hideInRing(KernelCost exchange, const KernelCost &core,
                      int64_t devices);
KernelCost priceKernel(const MachineModel &machine, const Kernel &kernel,
                       Direction direction);

} // namespace mlir::moe

#endif // MOE_ANALYSIS_ROOFLINE_H
