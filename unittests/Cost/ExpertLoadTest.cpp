//===- ExpertLoadTest.cpp - Skewed routing and grouped GEMMs ----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The experts' shares under each routing model, the most loaded rank under
// contiguous and replicated placements, and a grouped GEMM whose experts
// have unequal rows. Every expected figure is worked out in the comment.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/ExpertLoad.h"
#include "moe/Cost/Roofline.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moe;

namespace {

#define EXPECT_REL(actual, expected)                                           \
  EXPECT_NEAR((actual), (expected), 1e-12 * std::abs(expected))

TEST(ExpertLoad, UniformAndHotShares) {
  RoutingModel uniform;
  for (double s : uniform.shares("layers.0", 4))
    EXPECT_REL(s, 0.25);
  // Expert 0 takes 3/8 of the tokens; the other 7 share 5/8, 5/56 each.
  RoutingModel hot;
  hot.hot = 3;
  SmallVector<double> shares = hot.shares("layers.0", 8);
  EXPECT_REL(shares[0], 0.375);
  for (double s : ArrayRef(shares).drop_front())
    EXPECT_REL(s, 5.0 / 56);
  // A hot factor above the experts gives expert 0 everything.
  hot.hot = 20;
  EXPECT_REL(hot.shares("x", 8)[0], 1.0);
  EXPECT_EQ(hot.shares("x", 8)[1], 0.0);
}

TEST(ExpertLoad, SeveralHotExperts) {
  // Two experts of 8 at twice the mean: 2/8 each; the other six share the
  // remaining half, 1/12 each.
  RoutingModel hot;
  hot.hot = 2;
  hot.hotExperts = 2;
  SmallVector<double> shares = hot.shares("x", 8);
  EXPECT_REL(shares[0], 0.25);
  EXPECT_REL(shares[1], 0.25);
  for (double s : ArrayRef(shares).drop_front(2))
    EXPECT_REL(s, 1.0 / 12);
  // More hot experts than the factor allows: together they take all.
  hot.hot = 6;
  EXPECT_REL(hot.shares("x", 8)[1], 0.5);
  EXPECT_EQ(hot.shares("x", 8)[2], 0.0);
}

TEST(ExpertLoad, ZipfShares) {
  // s = 1 over 3 experts: 1, 1/2, 1/3 over 11/6.
  RoutingModel zipf;
  zipf.zipf = 1;
  SmallVector<double> shares = zipf.shares("x", 3);
  EXPECT_REL(shares[0], 6.0 / 11);
  EXPECT_REL(shares[1], 3.0 / 11);
  EXPECT_REL(shares[2], 2.0 / 11);
}

TEST(ExpertLoad, TraceSharesByLayer) {
  auto trace = std::make_shared<RoutingTrace>();
  trace->defaultCounts = {1, 1, 2};
  trace->layers["layers.3"] = {0, 3, 1};
  RoutingModel model;
  model.trace = trace;
  EXPECT_REL(model.shares("layers.3", 3)[1], 0.75);
  EXPECT_REL(model.shares("layers.1", 3)[2], 0.5);
  EXPECT_FALSE(static_cast<bool>(model.check("layers.3", 3, 1)));
  llvm::Error error = model.check("layers.3", 4, 1);
  ASSERT_TRUE(static_cast<bool>(error));
  EXPECT_EQ(llvm::toString(std::move(error)),
            ": layers.3 has 4 experts but the file counts 3");
}

TEST(ExpertLoad, BusiestRankContiguous) {
  // 8 experts over 4 ranks, 2 each; shares 0.3, 0.1, then 0.1 each:
  // rank 0 holds 0.4, the others 0.2.
  SmallVector<double> shares = {0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
  RankLoad rank = busiestRank(shares, 4, nullptr);
  EXPECT_EQ(rank.rank, 0);
  ASSERT_EQ(rank.copies.size(), 2u);
  EXPECT_REL(rank.total(), 0.4);
  // Balanced: the first rank.
  SmallVector<double> even(8, 0.125);
  EXPECT_EQ(busiestRank(even, 4, nullptr).rank, 0);
  EXPECT_REL(busiestRank(even, 4, nullptr).total(), 0.25);
}

TEST(ExpertLoad, BusiestRankReplicated) {
  // Expert 0 (share 0.3) on ranks 0 and 1: 0.15 each. Rank 1 also holds
  // expert 1 (0.1): 0.25; rank 2 holds experts 2, 3 (0.2), rank 3 the rest
  // (0.4). Rank 3 is the busiest.
  SmallVector<double> shares = {0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
  ExpertPlacement placement;
  placement.ranks = {{0}, {0, 1}, {2, 3}, {4, 5, 6, 7}};
  RankLoad rank = busiestRank(shares, 4, &placement);
  EXPECT_EQ(rank.rank, 3);
  EXPECT_REL(rank.total(), 0.4);
  placement.ranks = {{0, 4}, {0, 1}, {2, 3, 5}, {6, 7}};
  // Rank 0: 0.15 + 0.1 = 0.25; rank 1: 0.25; rank 2: 0.3; rank 3: 0.2.
  rank = busiestRank(shares, 4, &placement);
  EXPECT_EQ(rank.rank, 2);
  EXPECT_REL(rank.total(), 0.3);
}

TEST(ExpertLoad, OnlyOneSkew) {
  llvm::Expected<RoutingModel> both = makeRoutingModel(2, 1, "", "");
  ASSERT_FALSE(static_cast<bool>(both));
  EXPECT_NE(llvm::toString(both.takeError()).find("give one of"),
            std::string::npos);
  llvm::Expected<RoutingModel> one = makeRoutingModel(1, 1.2, "", "");
  ASSERT_TRUE(static_cast<bool>(one));
  EXPECT_FALSE(one->isUniform());
}

/// 1e12 FLOP/s, 4 compute units, 64 x 64 tiles, no K ramp.
MachineModel tiled() {
  MachineModel m;
  m.kind = MachineKind::Gpu;
  m.peakFlops16 = 1e12;
  m.computeUnits = 4;
  m.tileM = 64;
  m.tileN = 64;
  m.memoryBandwidth = 1e15;
  return m;
}

TEST(GroupedGemm, EqualRowsMatchCountForm) {
  // 3 experts of 200 rows, n = 64, k = 128: 4 tiles each, 12 tiles, 3
  // waves of 4: 3*4*2*64*64*128 / (1e12 * 1 * grouped 0.5).
  MachineModel m = tiled();
  m.groupedGemmEfficiency = 0.5;
  GemmShape shape{3, 200, 64, 128};
  double expected = 3 * 4 * 2.0 * 64 * 64 * 128 / 0.5e12;
  EXPECT_REL(gemmComputeSeconds(m, shape, 2, true), expected);
  EXPECT_REL(gemmComputeSeconds(m, 3, 200, 64, 128, 2), expected);
}

TEST(GroupedGemm, UnequalRowsCountEachExpertsTiles) {
  // Rows 300 (5 tiles) and 20, 20, 20 (1 tile each, 64-row tiles as the
  // mean is 90 > 64: full tiles): 8 tiles, 2 waves of 4:
  // 2*4*2*64*64*128 / 1e12 = 8.388608e-6 s. The same 360 rows spread
  // evenly (90 each: 2 tiles, 8 tiles) take the same 2 waves.
  MachineModel m = tiled();
  m.groupedGemmEfficiency = 1;
  GemmShape skewed[] = {{1, 300, 64, 128}, {3, 20, 64, 128}};
  EXPECT_REL(gemmComputeSeconds(m, skewed, 2, true), 8.388608e-6);
  // 330 rows for the hot one (6 tiles) tip it into a third wave.
  GemmShape hotter[] = {{1, 330, 64, 128}, {3, 20, 64, 128}};
  EXPECT_REL(gemmComputeSeconds(m, hotter, 2, true),
             3 * 4 * 2.0 * 64 * 64 * 128 / 1e12);
  // Weight gradients: equal tiles, K of each expert's rows. Experts of K
  // 300 and 100 rows, 1 tile each of n = k = 64: work 2*64*64*(300 + 100),
  // 2 tiles in one wave of 4 padded to 4 tiles: 4/2 of the work.
  GemmShape weightGrad[] = {{1, 64, 64, 300}, {1, 64, 64, 100}};
  EXPECT_REL(gemmComputeSeconds(m, weightGrad, 2, true),
             2.0 * 2 * 64 * 64 * 400 / 1e12);
}

} // namespace
