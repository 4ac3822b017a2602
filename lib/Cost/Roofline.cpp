//===- Roofline.cpp - Kernel time on a machine ------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Roofline.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::moe;

BoundSeconds &BoundSeconds::operator+=(const BoundSeconds &other) {
  for (unsigned i = 0; i < kNumBounds; ++i)
    seconds[i] += other.seconds[i];
  return *this;
}

BoundSeconds &BoundSeconds::operator*=(double factor) {
  for (double &t : seconds)
    t *= factor;
  return *this;
}

Bound BoundSeconds::dominant() const {
  Bound bound = Bound::none;
  double top = 0;
  for (unsigned i = 0; i < kNumBounds; ++i)
    if (seconds[i] > top) {
      top = seconds[i];
      bound = static_cast<Bound>(i);
    }
  return bound;
}

KernelCost &KernelCost::operator+=(const KernelCost &other) {
  seconds += other.seconds;
  flops += other.flops;
  bytes += other.bytes;
  network += other.network;
  computeSeconds += other.computeSeconds;
  memorySeconds += other.memorySeconds;
  networkSeconds += other.networkSeconds;
  ioSeconds += other.ioSeconds;
  latencySeconds += other.latencySeconds;
  boundSeconds += other.boundSeconds;
  // An empty sum keeps the bound it had (a free op is bound by nothing).
  if (boundSeconds.dominant() != Bound::none)
    bound = boundSeconds.dominant();
  return *this;
}

KernelCost &KernelCost::operator*=(double factor) {
  seconds *= factor;
  flops *= factor;
  bytes *= factor;
  network *= factor;
  computeSeconds *= factor;
  memorySeconds *= factor;
  networkSeconds *= factor;
  ioSeconds *= factor;
  latencySeconds *= factor;
  boundSeconds *= factor;
  return *this;
}

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Picks the bound from the competing terms and adds the fixed latency.
KernelCost finish(KernelCost cost, double latency) {
  struct Term {
    double seconds;
    Bound bound;
  } terms[] = {{cost.computeSeconds, Bound::compute},
               {cost.memorySeconds, Bound::memory},
               {cost.networkSeconds, Bound::network},
               {cost.ioSeconds, Bound::weight_io}};
  Term top = {0, Bound::none};
  for (const Term &t : terms)
    if (t.seconds > top.seconds)
      top = t;
  cost.latencySeconds = latency;
  cost.seconds = top.seconds + latency;
  cost.bound = top.bound;
  if (latency > top.seconds && cost.seconds > 0)
    cost.bound = Bound::latency;
  cost.boundSeconds = BoundSeconds();
  cost.boundSeconds[cost.bound] = cost.seconds;
  return cost;
}

double memorySeconds(const MachineModel &machine, double bytes) {
  return bytes / (machine.memoryBandwidth * machine.memoryEfficiency);
}

/// A wafer reaches its efficiency only when each streamed weight is reused
/// by enough tokens: `t / (t + half)` (fitted, docs/Validation.md), where
/// `t` is the tokens the weight is applied to in all three GEMMs.
double waferBatchEfficiency(const MachineModel &machine, double rows) {
  if (machine.waferHalfBatch <= 0)
    return 1.0;
  return rows / (rows + machine.waferHalfBatch);
}

/// The traffic a weight-gradient GEMM adds by accumulating `runs` weights'
/// gradients into their main_grad buffer in its epilogue (Megatron-Core's
/// gradient-accumulation fusion): it reads the buffer and writes it at the
/// buffer's width instead of the GEMM's. 16-bit buffers: one more read of
/// each gradient; FP32: 4 + 2 bytes more per element. A GEMM without a
/// buffer (a kernel benchmark's backward) writes its gradient once; a wafer
/// streams each gradient out to its weight store as it is produced.
double gradAccumulateBytes(const MachineModel &machine, const Kernel &kernel,
                           double runs) {
  if (!kernel.weightOperand || !kernel.gradElemBytes || machine.isWafer())
    return 0;
  return runs * kernel.k * kernel.n *
         (2.0 * kernel.gradElemBytes - kernel.elemBytes);
}

KernelCost gemmCost(const MachineModel &machine, int64_t count, int64_t m,
                    int64_t n, int64_t k, unsigned b, double weightBytes,
                    int64_t tokens, double extraBytes = 0) {
  KernelCost cost;
  // FLOPs and traffic as the kernel builder counts them.
  Kernel gemm = makeGemm("gemm", count, m, n, k, b, /*weight=*/false);
  cost.flops = gemm.flops;
  cost.bytes = gemm.bytes + extraBytes;
  cost.memorySeconds = memorySeconds(machine, cost.bytes);
  if (machine.isWafer()) {
    cost.computeSeconds =
        cost.flops /
        (machine.peakFor(b) * machine.gemmEfficiency *
         waferBatchEfficiency(machine, static_cast<double>(tokens)));
    // Each GEMM that reads a weight (forward, input gradient) streams it in;
    // the weight-gradient GEMM streams the same number of bytes out.
    // A wafer serving from SRAM (getResidentWafer) streams nothing.
    cost.ioSeconds = machine.weightStreamBandwidth > 0
                         ? weightBytes / machine.weightStreamBandwidth
                         : 0;
    return finish(cost, machine.kernelLatency);
  }
  cost.computeSeconds = gemmComputeSeconds(machine, count, m, n, k, b);
  return finish(cost, machine.kernelLatency);
}

/// A GPU launch of the GEMMs `shapes`: FLOPs and traffic as makeGemm counts
/// them, summed, and `extraBytes`.
KernelCost groupedGemmCost(const MachineModel &machine,
                           ArrayRef<GemmShape> shapes, unsigned b, bool grouped,
                           double extraBytes = 0) {
  KernelCost cost;
  cost.bytes = extraBytes;
  for (const GemmShape &s : shapes) {
    cost.flops += 2.0 * s.count * s.m * s.n * s.k;
    cost.bytes += s.count * (s.m * s.k + s.k * s.n + s.m * s.n) * b;
  }
  cost.memorySeconds = memorySeconds(machine, cost.bytes);
  cost.computeSeconds = gemmComputeSeconds(machine, shapes, b, grouped);
  return finish(cost, machine.kernelLatency);
}

/// The forward, or the input- and weight-gradient launches, of a grouped
/// GEMM whose experts have unequal rows.
KernelCost unequalGroupedGemmCost(const MachineModel &machine,
                                  const Kernel &kernel, bool backward) {
  const GroupedRows &group = *kernel.groupedRows;
  double n = static_cast<double>(kernel.n), k = static_cast<double>(kernel.k);
  bool grouped = kernel.count > 1;
  SmallVector<GemmShape> shapes;
  auto launch = [&](auto shapeOf, double extraBytes) {
    shapes.clear();
    for (auto [rows, runs] : llvm::zip(group.rows, group.runs))
      shapes.push_back(shapeOf(rows, runs));
    return groupedGemmCost(machine, shapes, kernel.elemBytes, grouped,
                           extraBytes);
  };
  if (!backward)
    return launch([&](double m, double c) { return GemmShape{c, m, n, k}; }, 0);
  KernelCost cost =
      launch([&](double m, double c) { return GemmShape{c, m, k, n}; }, 0);
  double runs = 0;
  for (double r : group.runs)
    runs += r;
  cost += launch([&](double m, double c) { return GemmShape{c, k, n, m}; },
                 gradAccumulateBytes(machine, kernel, runs));
  return cost;
}

} // namespace

double mlir::moe::gemmComputeSeconds(const MachineModel &machine,
                                     ArrayRef<GemmShape> shapes,
                                     unsigned elemBytes, bool grouped) {
  // One tile shape for the launch, from the mean rows. Hopper's smallest
  // warpgroup MMA is 64 rows: skinny GEMMs use 64-row tiles.
  double gemms = 0, rows = 0;
  for (const GemmShape &s : shapes)
    if (s.count > 0 && s.m > 0 && s.n > 0 && s.k > 0) {
      gemms += s.count;
      rows += s.count * s.m;
    }
  if (gemms <= 0)
    return 0;
  double tileM = rows / gemms <= 64 ? std::min<double>(64, machine.tileM)
                                    : static_cast<double>(machine.tileM);
  double tileN = static_cast<double>(machine.tileN);
  // Each GEMM's tiles run a K loop of its own length; the units take the
  // tiles of every GEMM in waves, so the launch is padded to whole waves.
  double tiles = 0, work = 0;
  for (const GemmShape &s : shapes) {
    if (!(s.count > 0 && s.m > 0 && s.n > 0 && s.k > 0))
      continue;
    double gemmTiles =
        s.count * std::ceil(s.m / tileM) * std::ceil(s.n / tileN);
    double kEfficiency = s.k / (s.k + machine.gemmHalfK);
    tiles += gemmTiles;
    work += gemmTiles * 2.0 * tileM * tileN * s.k / kEfficiency;
  }
  double units =
      static_cast<double>(std::max<int64_t>(1, machine.computeUnits));
  double waves = std::ceil(tiles / units - 1e-9);
  double padded = work * waves * units / tiles;
  double groupedEfficiency = grouped ? machine.groupedGemmEfficiency : 1.0;
  return padded / (machine.peakFor(elemBytes) * machine.gemmEfficiency *
                   groupedEfficiency);
}

double mlir::moe::gemmComputeSeconds(const MachineModel &machine, int64_t count,
                                     int64_t m, int64_t n, int64_t k,
                                     unsigned elemBytes) {
  if (count <= 0 || m <= 0 || n <= 0 || k <= 0)
    return 0;
  GemmShape shape{static_cast<double>(count), static_cast<double>(m),
                  static_cast<double>(n), static_cast<double>(k)};
  return gemmComputeSeconds(machine, shape, elemBytes, count > 1);
}

double mlir::moe::attentionEfficiency(const MachineModel &machine, int64_t seq,
                                      Direction direction) {
  double peak = direction == Direction::Forward
                    ? machine.attentionEfficiency
                    : machine.attentionBackwardEfficiency;
  return peak * seq / (seq + machine.attentionHalfSeq);
}

int64_t mlir::moe::membersPerNode(const MachineModel &machine,
                                  int64_t groupSize, int64_t groupStride) {
  int64_t perNode = std::max<int64_t>(1, machine.devicesPerNode);
  groupStride = std::max<int64_t>(1, groupStride);
  if (groupStride >= perNode)
    return 1;
  return std::min(groupSize, perNode / groupStride);
}

double mlir::moe::expectedNodesReached(double copies, int64_t nodes,
                                       int64_t groups, int64_t limit) {
  if (nodes <= 1 || copies <= 0)
    return nodes >= 1 ? 1 : 0;
  auto n = static_cast<double>(nodes);
  // Copies land on nodes independently: 1 - (1 - 1/N)^k of the nodes.
  double anyExpert = n * (1 - std::pow(1 - 1 / n, copies));
  if (groups <= 0 || limit <= 0 || limit >= groups)
    return anyExpert;
  auto g = static_cast<double>(groups), m = static_cast<double>(limit);
  if (groups % nodes != 0)
    // A group spans several nodes: at most limit * N / G of them.
    return std::min(anyExpert, m * n / g);
  // Each node holds h = G / N whole groups. The copies hit
  // d = M (1 - (1 - 1/M)^k) distinct groups of the M chosen; a node is
  // missed when all d avoid its h groups: C(G - h, d) / C(G, d).
  double h = g / n;
  double d = m * (1 - std::pow(1 - 1 / m, copies));
  double missed = 0;
  if (g - h - d + 1 > 0)
    missed = std::exp(std::lgamma(g - h + 1) + std::lgamma(g - d + 1) -
                      std::lgamma(g - h - d + 1) - std::lgamma(g + 1));
  return n * (1 - missed);
}

double mlir::moe::collectiveSeconds(const MachineModel &machine,
                                    CollectiveKind kind, double bufferBytes,
                                    int64_t groupSize, int64_t groupStride,
                                    double &wireBytes,
                                    const NodeLimitedRouting &routing) {
  wireBytes = 0;
  if (groupSize <= 1 || bufferBytes <= 0)
    return 0;
  double p = static_cast<double>(groupSize);
  double g =
      static_cast<double>(membersPerNode(machine, groupSize, groupStride));
  double nodes = p / g;
  double eff = machine.collectiveEfficiency;
  auto intra = [&](double bytes, double steps) {
    return bytes <= 0 ? 0
                      : steps * machine.intraNodeLatency +
                            bytes / (machine.intraNodeBandwidth * eff);
  };
  auto inter = [&](double bytes, double steps) {
    return bytes <= 0 ? 0
                      : steps * machine.interNodeLatency +
                            bytes / (machine.interNodeBandwidth * eff);
  };
  switch (kind) {
  case CollectiveKind::AllToAll: {
    // Each device keeps 1/p of its buffer and sends an equal share to every
    // other member; node-local shares ride NVLink while the rest leave
    // through the device's own NIC at the same time.
    double local = bufferBytes * (g - 1) / p;
    double remote = bufferBytes * (p - g) / p;
    if (routing.copies > 0 && nodes > 1) {
      // Per-node dispatch (DeepEP's normal kernels; node-limited routing,
      // DeepSeek-V3 section 2.1.2, bounds the nodes): a token crosses to
      // each remote node it reaches once, to the GPU of its own index
      // there, which forwards the node's copies over NVLink.
      auto n = static_cast<int64_t>(std::llround(nodes));
      double reached = expectedNodesReached(routing.copies, n, routing.groups,
                                            routing.limit);
      double forwarded = remote * (g - 1) / g;
      remote = bufferBytes / routing.copies * reached * (nodes - 1) / nodes;
      local += forwarded;
    }
    wireBytes = local + remote;
    return std::max(intra(local, 1), inter(remote, 1));
  }
  case CollectiveKind::AllReduce: {
    // Hierarchical ring: reduce-scatter and all-gather inside the node, an
    // all-reduce of 1/g of the buffer across nodes in between.
    double local = 2 * bufferBytes * (g - 1) / g;
    double remote = 2 * (bufferBytes / g) * (nodes - 1) / nodes;
    wireBytes = local + remote;
    return intra(local, 2 * (g - 1)) + inter(remote, 2 * (nodes - 1));
  }
  case CollectiveKind::AllGather:
  case CollectiveKind::ReduceScatter: {
    double local = bufferBytes * (g - 1) / g;
    double remote = (bufferBytes / g) * (nodes - 1) / nodes;
    wireBytes = local + remote;
    return intra(local, g - 1) + inter(remote, nodes - 1);
  }
  case CollectiveKind::Broadcast:
  case CollectiveKind::PointToPoint: {
    // A pipelined tree moves the buffer once over the slowest link; depth
    // adds latency.
    double depth = std::ceil(std::log2(p));
    wireBytes = bufferBytes;
    return nodes > 1 ? inter(bufferBytes, depth) : intra(bufferBytes, depth);
  }
  }
  llvm_unreachable("unknown collective");
}

KernelCost mlir::moe::hideInRing(KernelCost exchange, const KernelCost &core,
                                 int64_t devices) {
  if (devices <= 1 || exchange.seconds <= 0)
    return exchange;
  double d = static_cast<double>(devices);
  double exposed = std::max(0.0, exchange.seconds - core.seconds * (d - 1) / d);
  double factor = exposed / exchange.seconds;
  // The bytes still cross the links; only their time hides.
  exchange.seconds = exposed;
  exchange.networkSeconds *= factor;
  exchange.latencySeconds *= factor;
  exchange.boundSeconds *= factor;
  return exchange;
}

KernelCost mlir::moe::priceKernel(const MachineModel &machine,
                                  const Kernel &kernel, Direction direction) {
  bool backward = direction == Direction::Backward;
  unsigned b = kernel.elemBytes;
  switch (kernel.kind) {
  case KernelKind::Gemm: {
    if (kernel.groupedRows && !machine.isWafer())
      return unequalGroupedGemmCost(machine, kernel, backward);
    if (!backward)
      return gemmCost(machine, kernel.count, kernel.m, kernel.n, kernel.k, b,
                      kernel.weightBytes, kernel.m);
    // dA = dC * B^T is [m x n] * [n x k]; dB = A^T * dC is [k x m] * [m x n].
    KernelCost inputGrad = gemmCost(machine, kernel.count, kernel.m, kernel.k,
                                    kernel.n, b, kernel.weightBytes, kernel.m);
    KernelCost weightGrad =
        gemmCost(machine, kernel.count, kernel.k, kernel.n, kernel.m, b,
                 kernel.weightBytes, kernel.m,
                 gradAccumulateBytes(machine, kernel,
                                     static_cast<double>(kernel.count)));
    inputGrad += weightGrad;
    return inputGrad;
  }
  case KernelKind::Attention: {
    KernelCost cost;
    if (kernel.cachedKeys > 0 && !backward) {
      // A serving step: the cache streams from memory once while the query
      // rows sharing a KV head fill the rows of tensor-core MMAs, padded to
      // the 16 rows of the smallest one (m16n8k16, PTX ISA "Matrix shape").
      // Long caches keep the kernel's pipeline full, so its efficiency
      // follows the keys, not the few queries.
      constexpr double kDecodeTileRows = 16;
      cost.flops = kernel.flops;
      cost.bytes = kernel.bytes;
      cost.memorySeconds = memorySeconds(machine, cost.bytes);
      double rows = static_cast<double>(std::max<int64_t>(1, kernel.m));
      double padded = std::ceil(rows / kDecodeTileRows) * kDecodeTileRows;
      double scores = kernel.flops / (2.0 * (kernel.k + kernel.vDim));
      cost.computeSeconds =
          kernel.flops * (padded / rows) /
              (machine.peakFor(b) *
               attentionEfficiency(machine, kernel.n, direction)) +
          (machine.specialFunctionRate > 0
               ? scores / machine.specialFunctionRate
               : 0);
      return finish(cost, machine.kernelLatency);
    }
    // Flash attention's backward recomputes S and P: five matmuls to the
    // forward's two (2.5x the FLOPs) and reads O and dO as well.
    cost.flops = backward ? 2.5 * kernel.flops : kernel.flops;
    cost.bytes = backward ? 2 * kernel.bytes : kernel.bytes;
    cost.memorySeconds = memorySeconds(machine, cost.bytes);
    // A causal mask is applied per tile: diagonal tiles are computed whole,
    // so each query effectively sees tile/2 more keys.
    double attended = meanAttendedKeys(kernel.n, kernel.causal, kernel.window);
    double computed = attended;
    if (kernel.causal)
      computed = std::min<double>(kernel.n, attended + machine.tileM / 2.0);
    double scores = static_cast<double>(kernel.count) * kernel.m * computed;
    double tensorSeconds = cost.flops * (computed / attended) /
                           (machine.peakFor(b) *
                            attentionEfficiency(machine, kernel.m, direction));
    // One exponential per score (recomputed once in the backward), on the
    // special-function units.
    double expSeconds = machine.specialFunctionRate > 0
                            ? scores / machine.specialFunctionRate
                            : 0;
    cost.computeSeconds = tensorSeconds + expSeconds;
    return finish(cost, machine.kernelLatency);
  }
  case KernelKind::Memory: {
    KernelCost cost;
    // The kernel says what its backward moves over its forward; the
    // backward of element-wise math does about twice its arithmetic.
    cost.flops = backward ? 2 * kernel.flops : kernel.flops;
    cost.bytes =
        backward ? kernel.backwardTraffic * kernel.bytes : kernel.bytes;
    cost.memorySeconds = memorySeconds(machine, cost.bytes);
    return finish(cost, cost.bytes > 0 ? machine.kernelLatency : 0);
  }
  case KernelKind::Collective: {
    KernelCost cost;
    double wire = 0;
    cost.networkSeconds = collectiveSeconds(
        machine, kernel.collective, kernel.bufferBytes, kernel.groupSize,
        kernel.groupStride, wire,
        kernel.perNodeDispatch
            ? NodeLimitedRouting{kernel.routedCopies, kernel.routeGroups,
                                 kernel.routeGroupLimit}
            : NodeLimitedRouting{});
    cost.network = wire;
    // Ring attention's backward passes the keys and values round again
    // with their gradients beside them: twice the forward's traffic.
    if (backward && kernel.contextExchange) {
      cost.networkSeconds *= 2;
      cost.network *= 2;
    }
    return finish(cost, 0);
  }
  case KernelKind::WeightStream: {
    // The same bytes cross the system's I/O whichever way they go (weights
    // in, gradients out); the SwarmX tree adds one hop per level.
    KernelCost cost;
    if (kernel.weightBytes <= 0)
      return cost;
    double bandwidth = machine.weightStreamBandwidth > 0
                           ? machine.weightStreamBandwidth
                           : machine.interNodeBandwidth;
    double depth =
        kernel.groupSize > 1
            ? std::ceil(std::log2(static_cast<double>(kernel.groupSize)))
            : 0;
    cost.network = kernel.weightBytes;
    cost.ioSeconds =
        kernel.weightBytes / bandwidth + depth * machine.interNodeLatency;
    return finish(cost, 0);
  }
  }
  llvm_unreachable("unknown kernel kind");
}
