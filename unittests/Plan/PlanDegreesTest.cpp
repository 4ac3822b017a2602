//===- PlanDegreesTest.cpp - A plan's grid and its axes ---------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The grid a GPU plan runs on: dp x ep, then cp and tp where they are above
// 1, numbered row-major (the last axis varies fastest), and which axes the
// tokens, the experts and the groups of each degree take.
//
//===----------------------------------------------------------------------===//

#include "moe/Interfaces/PlanLayoutOpInterface.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

using Shape = SmallVector<int64_t, 4>;
using Axes = SmallVector<int16_t, 4>;
using Group = std::pair<int64_t, int64_t>;

Axes axes(ArrayRef<int16_t> a) { return Axes(a.begin(), a.end()); }

TEST(PlanDegrees, DegreesOfOneAreLeftOffTheGrid) {
  PlanDegrees d{/*dp=*/2, /*ep=*/4};
  EXPECT_EQ(d.gridShape(), Shape({2, 4}));
  EXPECT_EQ(d.gridAxis(PlanAxis::EP), 1);
  EXPECT_EQ(axes(d.tokenAxes()), Axes({0, 1}));
  EXPECT_EQ(axes(d.expertAxes()), Axes({1}));
  EXPECT_EQ(d.devices(), 8);
  EXPECT_FALSE(d.canFold());
}

TEST(PlanDegrees, ContextAxisSitsBetweenEpAndTp) {
  // dp 2, ep 2, cp 4, tp 2: 32 devices; the cp group's members are tp = 2
  // apart, the ep group's cp * tp = 8 apart.
  PlanDegrees d{2, 2, /*tp=*/2, /*fold=*/false, /*cp=*/4};
  EXPECT_EQ(d.gridShape(), Shape({2, 2, 4, 2}));
  EXPECT_EQ(d.gridAxis(PlanAxis::CP), 2);
  EXPECT_EQ(d.gridAxis(PlanAxis::TP), 3);
  EXPECT_EQ(axes(d.tokenAxes()), Axes({0, 1, 2, 3}));
  EXPECT_EQ(getGroup(d.gridShape(), {2}), Group(4, 2));
  EXPECT_EQ(getGroup(d.gridShape(), {1}), Group(2, 8));
  EXPECT_EQ(d.devices(), 32);
  // Unfolded, the experts take the ep axis alone.
  EXPECT_EQ(d.expertDegree(), 2);
  EXPECT_EQ(axes(d.expertAxes()), Axes({1}));
}

TEST(PlanDegrees, FoldingTakesEveryAxisButDp) {
  // Folded, the experts are split over ep, cp and tp: a group of 16
  // consecutive devices.
  PlanDegrees d{2, 2, 2, /*fold=*/true, 4};
  EXPECT_TRUE(d.canFold());
  EXPECT_EQ(d.expertDegree(), 16);
  EXPECT_EQ(axes(d.expertAxes()), Axes({1, 2, 3}));
  EXPECT_EQ(getGroup(d.gridShape(), d.expertAxes()), Group(16, 1));
  // Without tensor parallelism the cp axis is last and folds alone.
  PlanDegrees noTp{1, 2, 1, true, 2};
  EXPECT_EQ(noTp.gridShape(), Shape({1, 2, 2}));
  EXPECT_EQ(noTp.gridAxis(PlanAxis::CP), 2);
  EXPECT_EQ(axes(noTp.expertAxes()), Axes({1, 2}));
}

TEST(PlanDegrees, ExpertTensorParallelismKeepsTpForColumns) {
  // etp = tp: the experts leave the tp axis to their columns, so they span
  // the ep axis alone unfolded, and ep and cp folded.
  PlanDegrees d{2,        2, /*tp=*/2, /*fold=*/false, /*cp=*/1, /*foldCp=*/0,
                /*etp=*/2};
  EXPECT_TRUE(d.splitsExperts());
  EXPECT_EQ(d.expertDegree(), 2);
  EXPECT_EQ(axes(d.expertAxes()), Axes({1}));
  // Nothing left to fold in without cp.
  EXPECT_FALSE(d.canFold());
  PlanDegrees folded{1, 2, 2, /*fold=*/true, /*cp=*/2, 0, /*etp=*/2};
  EXPECT_TRUE(folded.canFold());
  EXPECT_EQ(folded.gridShape(), Shape({1, 2, 2, 2}));
  EXPECT_EQ(folded.expertDegree(), 4);
  EXPECT_EQ(axes(folded.expertAxes()), Axes({1, 2}));
  // The expert group is 4 devices tp = 2 apart; the columns' group the 2
  // consecutive tp ranks.
  EXPECT_EQ(getGroup(folded.gridShape(), folded.expertAxes()), Group(4, 2));
  EXPECT_EQ(getGroup(folded.gridShape(), {folded.gridAxis(PlanAxis::TP)}),
            Group(2, 1));
}

} // namespace
