//===- RooflineTest.cpp - Roofline, efficiency and collectives --*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Every expected figure is worked out by hand in the comment above it, from
// the formulas in lib/Analysis/Roofline.cpp and docs/CostModel.md. Machines
// are built field by field with round numbers so the arithmetic stays exact.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Roofline.h"
#include "moe/Interfaces/CostModelOpInterface.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

namespace {

/// Equal to 1e-12 relative: the figures are sums and quotients of round
/// numbers, exact but for the last bits of a double.
#define EXPECT_REL(actual, expected)                                           \
  EXPECT_NEAR((actual), (expected), 1e-12 * std::abs(expected))

/// 1e12 FLOP/s, 1e11 B/s, every efficiency 1, no latency, 1x1 tiles on one
/// compute unit; 4 devices per node, links of 1e9 B/s / 1e-6 s inside a node
/// and 1e8 B/s / 1e-5 s across nodes. (test/Analysis/Inputs/unit-machine.json)
MachineModel unitMachine() {
  MachineModel m;
  m.name = "unit";
  m.kind = MachineKind::Gpu;
  m.peakFlops16 = 1e12;
  m.computeUnits = 1;
  m.tileM = 1;
  m.tileN = 1;
  m.memoryBandwidth = 1e11;
  m.memoryCapacity = 1e12;
  m.devicesPerNode = 4;
  m.maxDevices = 64;
  m.intraNodeBandwidth = 1e9;
  m.intraNodeLatency = 1e-6;
  m.interNodeBandwidth = 1e8;
  m.interNodeLatency = 1e-5;
  return m;
}

/// The unit machine with 128 x 128 tiles on `units` compute units.
MachineModel tiledMachine(int64_t units) {
  MachineModel m = unitMachine();
  m.tileM = 128;
  m.tileN = 128;
  m.computeUnits = units;
  return m;
}

//===----------------------------------------------------------------------===//
// gemmComputeSeconds
//===----------------------------------------------------------------------===//

TEST(GemmComputeSeconds, UnitTilesAreExactFlops) {
  // 1x1 tiles, one unit: 2*m*n*k / peak = 2*16*8*32 / 1e12 = 8.192e-9.
  EXPECT_REL(gemmComputeSeconds(unitMachine(), 1, 16, 8, 32, 2), 8.192e-9);
  // count 3: 3x.
  EXPECT_REL(gemmComputeSeconds(unitMachine(), 3, 16, 8, 32, 2), 2.4576e-8);
}

TEST(GemmComputeSeconds, FullTiles) {
  // m = n = 256 on 128x128 tiles: 2 x 2 = 4 tiles, one unit -> 4 waves of
  // 2*128*128*64 FLOPs = 4 * 2097152 = 8388608 FLOPs = 2*256*256*64;
  // 8.388608e-6 s.
  EXPECT_REL(gemmComputeSeconds(tiledMachine(1), 1, 256, 256, 64, 2),
             8.388608e-6);
}

TEST(GemmComputeSeconds, TileQuantisation) {
  // m = 129 needs 2 row tiles of 128: 2 tiles x 2*128*128*64 = 4194304
  // FLOPs of work (4.194304e-6 s) for 2*129*128*64 = 2113536 useful ones.
  EXPECT_REL(gemmComputeSeconds(tiledMachine(1), 1, 129, 128, 64, 2),
             4.194304e-6);
  // m = 128: 1 tile, 2097152 FLOPs, 2.097152e-6 s.
  EXPECT_REL(gemmComputeSeconds(tiledMachine(1), 1, 128, 128, 64, 2),
             2.097152e-6);
}

TEST(GemmComputeSeconds, SkinnyGemmsUse64RowTiles) {
  // m <= 64 runs on 64-row tiles: 1 tile of 64 x 128 x 64 = 2*64*128*64 =
  // 1048576 FLOPs, 1.048576e-6 s, for m = 1 as for m = 64.
  EXPECT_REL(gemmComputeSeconds(tiledMachine(1), 1, 64, 128, 64, 2),
             1.048576e-6);
  EXPECT_REL(gemmComputeSeconds(tiledMachine(1), 1, 1, 128, 64, 2),
             1.048576e-6);
  // m = 65 is back on 128-row tiles: 2097152 FLOPs.
  EXPECT_REL(gemmComputeSeconds(tiledMachine(1), 1, 65, 128, 64, 2),
             2.097152e-6);
  // A machine whose tiles are smaller than 64 keeps them (min(64, tile_m)):
  // 1x1 tiles, m = 8: exact 2*8*128*64 = 131072 FLOPs.
  EXPECT_REL(gemmComputeSeconds(unitMachine(), 1, 8, 128, 64, 2), 1.31072e-7);
}

TEST(GemmComputeSeconds, WaveQuantisation) {
  // 4 units. m = 512, n = 128: 4 tiles = 1 wave of 4 x 2097152 FLOPs,
  // 8.388608e-6 s.
  EXPECT_REL(gemmComputeSeconds(tiledMachine(4), 1, 512, 128, 64, 2),
             8.388608e-6);
  // m = 640: 5 tiles -> 2 waves, twice the time though only 25% more work.
  EXPECT_REL(gemmComputeSeconds(tiledMachine(4), 1, 640, 128, 64, 2),
             1.6777216e-5);
  // 1 tile on 4 units still takes a whole wave: 4 x 2097152 = 8388608.
  EXPECT_REL(gemmComputeSeconds(tiledMachine(4), 1, 128, 128, 64, 2),
             8.388608e-6);
  // count multiplies the tiles: 5 GEMMs of 1 tile = 5 tiles -> 2 waves.
  EXPECT_REL(gemmComputeSeconds(tiledMachine(4), 5, 128, 128, 64, 2),
             1.6777216e-5);
}

TEST(GemmComputeSeconds, KLoopRamp) {
  // efficiency k / (k + half_k): half_k = 64 at k = 64 is 1/2, so the
  // 2*16*8*64 = 16384 FLOPs take 2 x 1.6384e-8 = 3.2768e-8 s.
  MachineModel m = unitMachine();
  m.gemmHalfK = 64;
  EXPECT_REL(gemmComputeSeconds(m, 1, 16, 8, 64, 2), 3.2768e-8);
  // k = 192: 192/256 = 0.75; 2*16*8*192 = 49152 FLOPs / 0.75 = 65536 ->
  // 6.5536e-8 s.
  EXPECT_REL(gemmComputeSeconds(m, 1, 16, 8, 192, 2), 6.5536e-8);
}

TEST(GemmComputeSeconds, EfficiencyAndGrouping) {
  // gemm_efficiency 0.8: 8.192e-9 / 0.8 = 1.024e-8.
  MachineModel m = unitMachine();
  m.gemmEfficiency = 0.8;
  EXPECT_REL(gemmComputeSeconds(m, 1, 16, 8, 32, 2), 1.024e-8);
  // A grouped GEMM (count > 1) runs at grouped_gemm_efficiency: 0.5 doubles
  // 2 GEMMs' 2 x 8.192e-9 to 3.2768e-8; one GEMM is not grouped.
  MachineModel g = unitMachine();
  g.groupedGemmEfficiency = 0.5;
  EXPECT_REL(gemmComputeSeconds(g, 2, 16, 8, 32, 2), 3.2768e-8);
  EXPECT_REL(gemmComputeSeconds(g, 1, 16, 8, 32, 2), 8.192e-9);
}

TEST(GemmComputeSeconds, PeakByElementWidth) {
  // fp8 (1 byte) at peak_flops_8 = 2e12: 8192 / 2e12 = 4.096e-9. fp32 with
  // no peak_flops_32 falls back to peak_flops_16: 8.192e-9; with
  // peak_flops_32 = 5e11: 1.6384e-8.
  MachineModel m = unitMachine();
  m.peakFlops8 = 2e12;
  EXPECT_REL(gemmComputeSeconds(m, 1, 16, 8, 32, 1), 4.096e-9);
  EXPECT_REL(gemmComputeSeconds(m, 1, 16, 8, 32, 4), 8.192e-9);
  m.peakFlops32 = 5e11;
  EXPECT_REL(gemmComputeSeconds(m, 1, 16, 8, 32, 4), 1.6384e-8);
}

TEST(GemmComputeSeconds, EmptyGemmIsFree) {
  EXPECT_EQ(gemmComputeSeconds(tiledMachine(4), 1, 0, 128, 64, 2), 0);
  EXPECT_EQ(gemmComputeSeconds(tiledMachine(4), 0, 128, 128, 64, 2), 0);
  EXPECT_EQ(gemmComputeSeconds(tiledMachine(4), 1, 128, 128, 0, 2), 0);
}

//===----------------------------------------------------------------------===//
// attentionEfficiency, meanAttendedKeys, expectedActiveExperts
//===----------------------------------------------------------------------===//

TEST(AttentionEfficiency, SaturatesWithSequenceLength) {
  // peak * s / (s + half): forward 0.6, backward 0.4, half 512.
  MachineModel m = unitMachine();
  m.attentionEfficiency = 0.6;
  m.attentionBackwardEfficiency = 0.4;
  m.attentionHalfSeq = 512;
  // s = 512: half of peak: 0.3 forward, 0.2 backward.
  EXPECT_REL(attentionEfficiency(m, 512, Direction::Forward), 0.3);
  EXPECT_REL(attentionEfficiency(m, 512, Direction::Backward), 0.2);
  // s = 1536: 1536/2048 = 0.75 of peak: 0.45.
  EXPECT_REL(attentionEfficiency(m, 1536, Direction::Forward), 0.45);
  // half 0: the peak at any length.
  m.attentionHalfSeq = 0;
  EXPECT_REL(attentionEfficiency(m, 16, Direction::Forward), 0.6);
}

TEST(MeanAttendedKeys, MasksAndWindows) {
  // Bidirectional: every key.
  EXPECT_EQ(meanAttendedKeys(16, false, 0), 16);
  // Causal: query i sees i + 1 keys: (16 + 1) / 2 = 8.5.
  EXPECT_EQ(meanAttendedKeys(16, true, 0), 8.5);
  EXPECT_EQ(meanAttendedKeys(1, true, 0), 1);
  // Causal window 4: (1 + 2 + 3 + 4 + 12 * 4) / 16 = 58 / 16 = 3.625.
  EXPECT_EQ(meanAttendedKeys(16, true, 4), 3.625);
  // A window at least the sequence is no window.
  EXPECT_EQ(meanAttendedKeys(16, true, 16), 8.5);
  EXPECT_EQ(meanAttendedKeys(16, true, 32), 8.5);
  // Bidirectional window 4: 4 keys.
  EXPECT_EQ(meanAttendedKeys(16, false, 4), 4);
}

TEST(ExpectedActiveExperts, CoverageOfFewTokens) {
  // E * (1 - (1 - k/E)^T), E = 4, k = 2: T = 1 -> 4 * 1/2 = 2 (exactly the
  // token's 2 experts); T = 2 -> 4 * (1 - 1/4) = 3; T = 3 -> 4 * 7/8 = 3.5.
  EXPECT_REL(expectedActiveExperts(1, 2, 4), 2.0);
  EXPECT_REL(expectedActiveExperts(2, 2, 4), 3.0);
  EXPECT_REL(expectedActiveExperts(3, 2, 4), 3.5);
  // top_k = E: every expert runs.
  EXPECT_REL(expectedActiveExperts(1, 4, 4), 4.0);
  // No tokens: none.
  EXPECT_EQ(expectedActiveExperts(0, 2, 4), 0);
}

TEST(ExpectedActiveExperts, ExpertParallelRanksSeeEveryToken) {
  // 256 experts, top-8, 64 tokens over ep = 8 (8 tokens and 32 experts per
  // GPU). A local expert is idle when none of the 64 tokens picks it among
  // all 256: 32 * (1 - (1 - 8/256)^64) = 32 * (1 - 0.13110) = 27.8 -> 28
  // experts run. (Counting only the GPU's own 8 tokens over its 32 experts
  // gives 32 * (1 - 0.75^8) = 28.8 -> 29.) The gate GEMM comes first.
  KernelList kernels;
  appendExpertKernels(kernels, /*routedRows=*/8 * 8, /*experts=*/32,
                      /*topK=*/8, /*hidden=*/16, /*ffn=*/16, /*gated=*/false,
                      /*actFlops=*/1, /*elemBytes=*/2, /*capacity=*/64,
                      /*expertShare=*/1.0 / 8);
  ASSERT_FALSE(kernels.empty());
  EXPECT_EQ(kernels.front().count, 28);
  KernelList single;
  appendExpertKernels(single, 64, 32, 8, 16, 16, false, 1, 2, 64);
  EXPECT_EQ(single.front().count, 29);
}

//===----------------------------------------------------------------------===//
// Kernel builders
//===----------------------------------------------------------------------===//

TEST(KernelBuilders, GemmMemoryAttention) {
  // 2 GEMMs [16 x 32] * [32 x 8], bf16, weight: FLOPs 2*2*16*8*32 = 16384;
  // bytes 2*(512 + 256 + 128)*2 = 3584; weight bytes 2*32*8*2 = 1024.
  Kernel gemm = makeGemm("up", 2, 16, 8, 32, 2, true);
  EXPECT_EQ(gemm.kind, KernelKind::Gemm);
  EXPECT_EQ(gemm.flops, 16384);
  EXPECT_EQ(gemm.bytes, 3584);
  EXPECT_EQ(gemm.weightBytes, 1024);
  EXPECT_TRUE(gemm.weightOperand);
  EXPECT_EQ(makeGemm("x", 2, 16, 8, 32, 2, false).weightBytes, 0);

  Kernel memory = makeMemory("act", 4096, 1024, 2);
  EXPECT_EQ(memory.kind, KernelKind::Memory);
  EXPECT_EQ(memory.bytes, 4096);
  EXPECT_EQ(memory.flops, 1024);

  // 4 (sequence, head) pairs, 16 queries and keys, qk 16, v 16, causal:
  // FLOPs 2*4*16*8.5*32 = 34816; bytes 4*(16*32 + 16*32)*2 = 8192.
  Kernel attention = makeAttention(4, 16, 16, 16, 16, true, 0, 2);
  EXPECT_EQ(attention.kind, KernelKind::Attention);
  EXPECT_EQ(attention.flops, 34816);
  EXPECT_EQ(attention.bytes, 8192);
  // Different value width: qk 24, v 8 -> (24 + 8) per key as before.
  EXPECT_EQ(makeAttention(4, 16, 16, 24, 8, false, 0, 2).flops, 65536);
}

//===----------------------------------------------------------------------===//
// membersPerNode, collectiveSeconds
//===----------------------------------------------------------------------===//

TEST(MembersPerNode, GroupLayout) {
  MachineModel m = unitMachine();
  m.devicesPerNode = 8;
  // Neighbours fill a node: 8 of 8, and 8 of 16.
  EXPECT_EQ(membersPerNode(m, 8, 1), 8);
  EXPECT_EQ(membersPerNode(m, 16, 1), 8);
  EXPECT_EQ(membersPerNode(m, 4, 1), 4);
  // Members 2 apart: 8 / 2 = 4 per node; 4 apart: 2.
  EXPECT_EQ(membersPerNode(m, 8, 2), 4);
  EXPECT_EQ(membersPerNode(m, 8, 4), 2);
  // A stride of a node or more: one member per node.
  EXPECT_EQ(membersPerNode(m, 2, 8), 1);
  EXPECT_EQ(membersPerNode(m, 4, 16), 1);
}

// The buffer is 1024 bytes throughout; the unit machine has 4 devices per
// node. p = group size, g = members per node, n = p / g nodes.

TEST(CollectiveSeconds, AllToAll) {
  MachineModel m = unitMachine();
  double wire = -1;
  // Inside a node (p = g = 4): 1024 * 3/4 = 768 bytes over NVLink:
  // 1e-6 + 768 / 1e9 = 1.768e-6.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllToAll, 1024, 4, 1, wire),
             1.768e-6);
  EXPECT_REL(wire, 768.0);
  // Across nodes (p = 2, stride 4, g = 1): 1024 * 1/2 = 512 bytes over the
  // NIC: 1e-5 + 512 / 1e8 = 1.512e-5.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllToAll, 1024, 2, 4, wire),
             1.512e-5);
  EXPECT_REL(wire, 512.0);
  // Hierarchical (p = 8, g = 4): 1024 * 3/8 = 384 local bytes and
  // 1024 * 4/8 = 512 remote ones at the same time:
  // max(1e-6 + 3.84e-7, 1e-5 + 5.12e-6) = 1.512e-5; 896 bytes sent.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllToAll, 1024, 8, 1, wire),
             1.512e-5);
  EXPECT_REL(wire, 896.0);
}

TEST(CollectiveSeconds, PerNodeDispatch) {
  MachineModel m = unitMachine();
  double wire = -1;
  // p = 8 over 2 nodes of 4, each token's 2 copies on any expert: a token
  // reaches 2 * (1 - (1/2)^2) = 1.5 nodes. Across nodes 1024 / 2 * 1.5 *
  // 1/2 = 384 bytes (1e-5 + 3.84e-6); NVLink 1024 * 3/8 = 384 of the
  // node's own plus 3/4 of the 512 remote ones, 768 bytes (1e-6 +
  // 7.68e-7). The NIC is the bound: 1.384e-5 s, 1152 bytes.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllToAll, 1024, 8, 1, wire,
                               NodeLimitedRouting{2, 0, 0}),
             1.384e-5);
  EXPECT_REL(wire, 1152.0);
  // Inside one node nothing changes: 768 bytes, 1.768e-6 s.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllToAll, 1024, 4, 1, wire,
                               NodeLimitedRouting{2, 0, 0}),
             1.768e-6);
}

TEST(ExpectedNodesReached, AnyExpertAndNodeLimited) {
  // Copies on any of n nodes: n (1 - (1 - 1/n)^k).
  EXPECT_REL(expectedNodesReached(2, 2, 0, 0), 1.5);
  EXPECT_REL(expectedNodesReached(8, 4, 0, 0), 4 * (1 - std::pow(0.75, 8)));
  // 4 groups, 2 per node, every copy in 1 group: exactly one node.
  EXPECT_REL(expectedNodesReached(4, 2, 4, 1), 1.0);
  // DeepSeek-V3 on 8 nodes (8 groups, top-8 from 4 of them): the copies
  // cover d = 4 (1 - (3/4)^8) groups, one per node, so r = 8 (1 - C(7, d) /
  // C(8, d)) = 8 (1 - (8 - d) / 8) = d.
  double d = 4 * (1 - std::pow(0.75, 8));
  EXPECT_REL(expectedNodesReached(8, 8, 8, 4), d);
  // A limit of every group is no limit.
  EXPECT_REL(expectedNodesReached(8, 4, 4, 4),
             expectedNodesReached(8, 4, 0, 0));
  // One node: it is reached.
  EXPECT_REL(expectedNodesReached(8, 1, 0, 0), 1.0);
}

TEST(CollectiveSeconds, AllReduce) {
  MachineModel m = unitMachine();
  double wire = -1;
  // Ring inside a node: 2 * 1024 * 3/4 = 1536 bytes in 2*3 = 6 steps:
  // 6e-6 + 1.536e-6 = 7.536e-6.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllReduce, 1024, 4, 1, wire),
             7.536e-6);
  EXPECT_REL(wire, 1536.0);
  // Across 2 nodes (g = 1): 2 * 1024 * 1/2 = 1024 bytes in 2 steps:
  // 2e-5 + 1.024e-5 = 3.024e-5.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllReduce, 1024, 2, 4, wire),
             3.024e-5);
  EXPECT_REL(wire, 1024.0);
  // Hierarchical (p = 8, g = 4, n = 2): 7.536e-6 inside, then
  // 2 * 256 * 1/2 = 256 bytes in 2 steps across: 2e-5 + 2.56e-6 = 2.256e-5;
  // total 3.0096e-5, 1792 bytes sent.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllReduce, 1024, 8, 1, wire),
             3.0096e-5);
  EXPECT_REL(wire, 1792.0);
}

TEST(CollectiveSeconds, AllGatherAndReduceScatter) {
  MachineModel m = unitMachine();
  double wire = -1;
  // Inside a node: 1024 * 3/4 = 768 bytes in 3 steps: 3e-6 + 7.68e-7 =
  // 3.768e-6.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllGather, 1024, 4, 1, wire),
             3.768e-6);
  EXPECT_REL(wire, 768.0);
  // Across 2 nodes: 1024 * 1/2 = 512 bytes in 1 step: 1e-5 + 5.12e-6 =
  // 1.512e-5.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllGather, 1024, 2, 4, wire),
             1.512e-5);
  EXPECT_REL(wire, 512.0);
  // Hierarchical (p = 8, g = 4, n = 2): 3.768e-6 inside, then
  // 256 * 1/2 = 128 bytes in 1 step across: 1e-5 + 1.28e-6 = 1.128e-5;
  // total 1.5048e-5, 896 bytes.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllGather, 1024, 8, 1, wire),
             1.5048e-5);
  EXPECT_REL(wire, 896.0);
  // A reduce-scatter moves the same bytes in the same steps.
  EXPECT_REL(
      collectiveSeconds(m, CollectiveKind::ReduceScatter, 1024, 8, 1, wire),
      1.5048e-5);
  EXPECT_REL(wire, 896.0);
}

TEST(CollectiveSeconds, BroadcastTree) {
  MachineModel m = unitMachine();
  double wire = -1;
  // Inside a node, p = 4: depth ceil(log2 4) = 2: 2e-6 + 1024/1e9 =
  // 3.024e-6.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::Broadcast, 1024, 4, 1, wire),
             3.024e-6);
  EXPECT_REL(wire, 1024.0);
  // p = 8 spans 2 nodes: depth 3 over the NIC: 3e-5 + 1.024e-5 = 4.024e-5.
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::Broadcast, 1024, 8, 1, wire),
             4.024e-5);
}

TEST(CollectiveSeconds, EfficiencyAndTrivialGroups) {
  // collective_efficiency 0.5 halves the bandwidth, not the latency:
  // 1e-6 + 768 / 5e8 = 2.536e-6.
  MachineModel m = unitMachine();
  m.collectiveEfficiency = 0.5;
  double wire = -1;
  EXPECT_REL(collectiveSeconds(m, CollectiveKind::AllToAll, 1024, 4, 1, wire),
             2.536e-6);
  // One device, or nothing to send: free, nothing on the wire.
  EXPECT_EQ(collectiveSeconds(m, CollectiveKind::AllReduce, 1024, 1, 1, wire),
            0);
  EXPECT_EQ(wire, 0);
  EXPECT_EQ(collectiveSeconds(m, CollectiveKind::AllReduce, 0, 8, 1, wire), 0);
  EXPECT_EQ(wire, 0);
}

//===----------------------------------------------------------------------===//
// priceKernel
//===----------------------------------------------------------------------===//

TEST(PriceKernel, ComputeBound) {
  // 64^3 GEMM, bf16: 524288 FLOPs (5.24288e-7 s) vs 3*4096*2 = 24576 bytes
  // (2.4576e-7 s): compute.
  KernelCost cost = priceKernel(
      unitMachine(), makeGemm("g", 1, 64, 64, 64, 2, true), Direction::Forward);
  EXPECT_EQ(cost.bound, Bound::compute);
  EXPECT_REL(cost.seconds, 5.24288e-7);
  EXPECT_REL(cost.computeSeconds, 5.24288e-7);
  EXPECT_REL(cost.memorySeconds, 2.4576e-7);
  EXPECT_EQ(cost.flops, 524288);
  EXPECT_EQ(cost.bytes, 24576);
}

TEST(PriceKernel, MemoryBound) {
  // 1000 bytes at 1e11 B/s = 1e-8 s; FLOPs of a memory kernel do not count
  // towards time.
  KernelCost cost = priceKernel(unitMachine(), makeMemory("m", 1000, 1e6, 2),
                                Direction::Forward);
  EXPECT_EQ(cost.bound, Bound::memory);
  EXPECT_REL(cost.seconds, 1e-8);
  // memory_efficiency 0.5: 2e-8.
  MachineModel m = unitMachine();
  m.memoryEfficiency = 0.5;
  EXPECT_REL(
      priceKernel(m, makeMemory("m", 1000, 0, 2), Direction::Forward).seconds,
      2e-8);
}

TEST(PriceKernel, LatencyBound) {
  // kernel_latency 1e-6 dwarfs the 1e-8 s of traffic: 1.01e-6, latency.
  MachineModel m = unitMachine();
  m.kernelLatency = 1e-6;
  KernelCost cost =
      priceKernel(m, makeMemory("m", 1000, 0, 2), Direction::Forward);
  EXPECT_EQ(cost.bound, Bound::latency);
  EXPECT_REL(cost.seconds, 1.01e-6);
  // Under a longer compute term the latency is added but does not bound:
  // 5.24288e-7 + 1e-7 = 6.24288e-7, compute.
  m.kernelLatency = 1e-7;
  cost =
      priceKernel(m, makeGemm("g", 1, 64, 64, 64, 2, true), Direction::Forward);
  EXPECT_EQ(cost.bound, Bound::compute);
  EXPECT_REL(cost.seconds, 6.24288e-7);
  // A kernel that moves nothing pays no latency.
  m.kernelLatency = 1e-6;
  cost = priceKernel(m, makeMemory("m", 0, 0, 2), Direction::Forward);
  EXPECT_EQ(cost.bound, Bound::none);
  EXPECT_EQ(cost.seconds, 0);
}

TEST(PriceKernel, NetworkBound) {
  // An all-to-all of 1024 bytes inside a node: 1.768e-6 s, 768 bytes sent,
  // no memory traffic; the backward is the same collective again.
  Kernel kernel;
  kernel.kind = KernelKind::Collective;
  kernel.collective = CollectiveKind::AllToAll;
  kernel.bufferBytes = 1024;
  kernel.groupSize = 4;
  kernel.groupStride = 1;
  for (Direction d : {Direction::Forward, Direction::Backward}) {
    KernelCost cost = priceKernel(unitMachine(), kernel, d);
    EXPECT_EQ(cost.bound, Bound::network);
    EXPECT_REL(cost.seconds, 1.768e-6);
    EXPECT_REL(cost.network, 768.0);
    EXPECT_EQ(cost.bytes, 0);
  }
}

TEST(PriceKernel, ContextParallelRing) {
  // The keys and values of 4 devices' sequences, 1024 bytes gathered, round
  // a ring inside a node: priced as an all-gather, 768 bytes received in 3
  // steps, 3e-6 + 7.68e-7 = 3.768e-6 s forward. The backward carries the
  // keys and values again beside their gradients: twice the time and bytes.
  Kernel kernel = makeContextExchange(1024, 2, 4, 1);
  EXPECT_TRUE(kernel.contextExchange);
  EXPECT_STREQ(kernel.name, "kv-ring");
  KernelCost forward = priceKernel(unitMachine(), kernel, Direction::Forward);
  EXPECT_EQ(forward.bound, Bound::network);
  EXPECT_REL(forward.seconds, 3.768e-6);
  EXPECT_REL(forward.network, 768.0);
  KernelCost backward = priceKernel(unitMachine(), kernel, Direction::Backward);
  EXPECT_REL(backward.seconds, 7.536e-6);
  EXPECT_REL(backward.network, 1536.0);
}

TEST(HideInRing, ExposesWhatExceedsTheCoreSteps) {
  // A ring of 4 devices: 3 transfers, each beside one of the core's 4
  // steps, so 3/4 of the core hides the exchange.
  KernelCost exchange;
  exchange.seconds = exchange.networkSeconds = 10e-6;
  exchange.network = 768;
  exchange.bound = Bound::network;
  exchange.boundSeconds[Bound::network] = 10e-6;
  KernelCost core;
  // Core 8 us: 6 us hide, 4 us of the 10 are exposed; the bytes still move.
  core.seconds = 8e-6;
  KernelCost partly = hideInRing(exchange, core, 4);
  EXPECT_REL(partly.seconds, 4e-6);
  EXPECT_REL(partly.networkSeconds, 4e-6);
  EXPECT_REL(partly.boundSeconds[Bound::network], 4e-6);
  EXPECT_REL(partly.network, 768.0);
  // Core 16 us: 12 us hide all 10.
  core.seconds = 16e-6;
  KernelCost hidden = hideInRing(exchange, core, 4);
  EXPECT_EQ(hidden.seconds, 0);
  EXPECT_EQ(hidden.boundSeconds[Bound::network], 0);
  EXPECT_REL(hidden.network, 768.0);
  // A group of one has no ring to hide.
  EXPECT_REL(hideInRing(exchange, core, 1).seconds, 10e-6);
}

TEST(PriceKernel, WeightStreamingOnAWafer) {
  // A wafer streaming weights at 1e9 B/s: the GEMM [16 x 32] * W[32 x 8]
  // reads 512 bytes of weight: 5.12e-7 s, beyond its compute (8.192e-9 s)
  // and SRAM traffic (1792 bytes, 1.792e-8 s): weight_io. The wafer presets
  // charge no kernel latency (kernelLatency 0).
  MachineModel m = unitMachine();
  m.kind = MachineKind::Wafer;
  m.weightStreamBandwidth = 1e9;
  m.kernelLatency = 0;
  Kernel gemm = makeGemm("w", 1, 16, 8, 32, 2, true);
  KernelCost cost = priceKernel(m, gemm, Direction::Forward);
  EXPECT_EQ(cost.bound, Bound::weight_io);
  EXPECT_REL(cost.seconds, 5.12e-7);
  EXPECT_REL(cost.ioSeconds, 5.12e-7);
  // Backward: the input gradient streams W in again and the weight gradient
  // streams 512 bytes out: 2 x 5.12e-7 = 1.024e-6.
  cost = priceKernel(m, gemm, Direction::Backward);
  EXPECT_EQ(cost.bound, Bound::weight_io);
  EXPECT_REL(cost.seconds, 1.024e-6);
  // A GEMM without a weight streams nothing: compute vs SRAM, 1.792e-8.
  cost =
      priceKernel(m, makeGemm("a", 1, 16, 8, 32, 2, false), Direction::Forward);
  EXPECT_EQ(cost.bound, Bound::memory);
  EXPECT_REL(cost.seconds, 1.792e-8);

  // Serving from SRAM (getResidentWafer): nothing streams, the GEMM runs at
  // the stated peak and pays the resident kernel latency: memory 1.792e-8 s
  // (compute 8.192e-9 s) + 1e-6 s.
  m.residentKernelLatency = 1e-6;
  m.gemmEfficiency = 0.5;
  m.waferHalfBatch = 16;
  MachineModel resident = getResidentWafer(m);
  cost = priceKernel(resident, gemm, Direction::Forward);
  EXPECT_EQ(cost.ioSeconds, 0);
  EXPECT_REL(cost.computeSeconds, 8.192e-9);
  EXPECT_REL(cost.seconds, 1.792e-8 + 1e-6);
  EXPECT_EQ(cost.bound, Bound::latency);
}

TEST(PriceKernel, WaferBatchEfficiency) {
  // wafer_half_batch 16 at 16 rows: efficiency 16 / 32 = 1/2. The GEMM
  // [16 x 64] * W[64 x 64] streams 8192 weight bytes at 1e15 B/s (8.2e-12 s,
  // negligible).
  MachineModel m = unitMachine();
  m.kind = MachineKind::Wafer;
  m.weightStreamBandwidth = 1e15;
  m.waferHalfBatch = 16;
  KernelCost cost =
      priceKernel(m, makeGemm("g", 1, 16, 64, 64, 2, true), Direction::Forward);
  // 2*16*64*64 = 131072 FLOPs / (1e12 * 0.5) = 2.62144e-7; bytes
  // (1024 + 4096 + 1024)*2 = 12288 -> 1.2288e-7: compute.
  EXPECT_EQ(cost.bound, Bound::compute);
  EXPECT_REL(cost.seconds, 2.62144e-7);
}

TEST(PriceKernel, BackwardGemmShapes) {
  // 16x16 tiles, 1e12 B/s. Forward [m=8, n=16, k=32]: 1 tile,
  // 2*16*16*32 = 16384 padded FLOPs, 1.6384e-8 s. Backward: input gradient
  // [8, 32, 16]: 2 tiles, 2*2*16*16*16 = 16384, 1.6384e-8 s; weight
  // gradient [32, 16, 8]: 2 tiles, 2*2*16*16*8 = 8192, 8.192e-9 s; total
  // 2.4576e-8 s, 2 x 8192 FLOPs, 2 x 1792 bytes and, accumulating into a
  // 16-bit main_grad (gradElemBytes 2), the read of it, 32*16*2 = 1024:
  // 4608 bytes. In FP32
  // (gradElemBytes 4) it reads 4 and writes 4 bytes instead of 2:
  // 32*16*(4 + 4 - 2) = 3072 more, 6656 bytes; still compute-bound.
  MachineModel m = unitMachine();
  m.tileM = 16;
  m.tileN = 16;
  m.memoryBandwidth = 1e12;
  Kernel gemm = makeGemm("w", 1, 8, 16, 32, 2, true);
  EXPECT_REL(priceKernel(m, gemm, Direction::Forward).seconds, 1.6384e-8);
  // Without a main_grad buffer (a kernel benchmark) the gradient is written
  // once: 2 x 1792 bytes.
  EXPECT_EQ(priceKernel(m, gemm, Direction::Backward).bytes, 3584);
  gemm.gradElemBytes = 2;
  KernelCost backward = priceKernel(m, gemm, Direction::Backward);
  EXPECT_REL(backward.seconds, 2.4576e-8);
  EXPECT_EQ(backward.flops, 16384);
  EXPECT_EQ(backward.bytes, 4608);
  EXPECT_EQ(backward.bound, Bound::compute);
  gemm.gradElemBytes = 4;
  KernelCost fp32 = priceKernel(m, gemm, Direction::Backward);
  EXPECT_EQ(fp32.bytes, 6656);
  EXPECT_REL(fp32.seconds, 2.4576e-8);
  // An activation operand (no weight) has no gradient to accumulate.
  Kernel activations = makeGemm("a", 1, 8, 16, 32, 2, false);
  activations.gradElemBytes = 4;
  EXPECT_EQ(priceKernel(m, activations, Direction::Backward).bytes, 3584);
}

TEST(PriceKernel, MemoryBackwardTraffic) {
  // A memory kernel's backward does 2x its FLOPs and moves what it states:
  // 2x by default (element-wise), 1x for a permutation.
  MachineModel m = unitMachine();
  Kernel elementwise = makeMemory("e", 1000, 100, 2);
  KernelCost backward = priceKernel(m, elementwise, Direction::Backward);
  EXPECT_EQ(backward.bytes, 2000);
  EXPECT_EQ(backward.flops, 200);
  Kernel permute = makeMemory("p", 1000, 0, 2);
  permute.backwardTraffic = 1;
  EXPECT_EQ(priceKernel(m, permute, Direction::Backward).bytes, 1000);
  EXPECT_REL(priceKernel(m, permute, Direction::Backward).seconds,
             1000 / m.memoryBandwidth);
}

TEST(PriceKernel, AttentionForwardAndBackward) {
  // Bidirectional core: 4 pairs, 16 x 16, qk = v = 16: 65536 FLOPs, 8192
  // bytes. Efficiency forward 1, backward 0.5 (half_seq 0).
  MachineModel m = unitMachine();
  m.attentionBackwardEfficiency = 0.5;
  Kernel core = makeAttention(4, 16, 16, 16, 16, false, 0, 2);
  // Forward: max(6.5536e-8, 8.192e-8) = 8.192e-8, memory.
  KernelCost fwd = priceKernel(m, core, Direction::Forward);
  EXPECT_EQ(fwd.bound, Bound::memory);
  EXPECT_REL(fwd.seconds, 8.192e-8);
  // Backward: 2.5 x 65536 = 163840 FLOPs at 0.5 of 1e12: 3.2768e-7 s;
  // 2 x 8192 = 16384 bytes: 1.6384e-7 s. Compute.
  KernelCost bwd = priceKernel(m, core, Direction::Backward);
  EXPECT_EQ(bwd.flops, 163840);
  EXPECT_EQ(bwd.bytes, 16384);
  EXPECT_EQ(bwd.bound, Bound::compute);
  EXPECT_REL(bwd.seconds, 3.2768e-7);
}

TEST(PriceKernel, AttentionCausalTilesAndExponentials) {
  // Causal core: 34816 FLOPs for 8.5 attended keys per query. On 128-row
  // tiles the diagonal tiles are computed whole: min(16, 8.5 + 64) = 16
  // keys' worth, 34816 * 16 / 8.5 = 65536 FLOPs of tensor work, 6.5536e-8 s
  // (memory 8.192e-8 s still bounds).
  MachineModel m = unitMachine();
  m.tileM = 128;
  Kernel core = makeAttention(4, 16, 16, 16, 16, true, 0, 2);
  KernelCost cost = priceKernel(m, core, Direction::Forward);
  EXPECT_REL(cost.computeSeconds, 6.5536e-8);
  EXPECT_EQ(cost.flops, 34816); // counted FLOPs stay the useful ones
  // One exponential per computed score at 1e9/s: 4 * 16 * 16 = 1024 scores,
  // 1.024e-6 s on top: 1.089536e-6 s, compute.
  m.specialFunctionRate = 1e9;
  cost = priceKernel(m, core, Direction::Forward);
  EXPECT_REL(cost.computeSeconds, 1.089536e-6);
  EXPECT_EQ(cost.bound, Bound::compute);
}

TEST(PriceKernel, MemoryKernelBackwardMovesTwice) {
  // Backward of an element-wise kernel: 2x bytes and FLOPs: 2000 bytes,
  // 2e-8 s.
  KernelCost cost = priceKernel(unitMachine(), makeMemory("m", 1000, 10, 2),
                                Direction::Backward);
  EXPECT_EQ(cost.bytes, 2000);
  EXPECT_EQ(cost.flops, 20);
  EXPECT_REL(cost.seconds, 2e-8);
}

TEST(KernelCost, SumKeepsTheDominantBound) {
  // 3000 bytes of memory-bound work (3e-8 s) plus a 64^3 GEMM's 5.24288e-7 s
  // of compute-bound work: 5.54288e-7 s, bound by compute.
  KernelCost memory = priceKernel(unitMachine(), makeMemory("m", 3000, 0, 2),
                                  Direction::Forward);
  KernelCost compute = priceKernel(
      unitMachine(), makeGemm("g", 1, 64, 64, 64, 2, true), Direction::Forward);
  KernelCost total;
  total += memory;
  total += compute;
  EXPECT_EQ(total.bound, Bound::compute);
  EXPECT_REL(total.seconds, 5.54288e-7);
  // Twenty copies of the memory kernel (6e-7 s) outweigh the GEMM: memory.
  KernelCost many = memory;
  many *= 20;
  EXPECT_REL(many.seconds, 6e-7);
  EXPECT_REL(many.bytes, 60000.0);
  many += compute;
  EXPECT_EQ(many.bound, Bound::memory);
}

} // namespace
