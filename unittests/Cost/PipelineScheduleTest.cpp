//===- PipelineScheduleTest.cpp - 1F1B schedules run in time ----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The schedule run slot by slot agrees with the closed form for equal
// stages, and departs from it where the closed form cannot hold (unequal
// stages, one micro-batch through interleaved chunks, a partial group).
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/PipelineSchedule.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <set>
#include <tuple>

using namespace mlir::moe;

namespace {

/// A schedule of `p` stages, `v` chunks, `m` micro-batches; per-stage
/// forward and backward seconds of a micro-batch through all chunks.
PipelineWork makeWork(int64_t p, int64_t v, int64_t m,
                      std::vector<double> forward,
                      std::vector<double> backward) {
  PipelineWork work;
  work.stages = p;
  work.chunks = v;
  work.microBatches = m;
  for (int64_t s = 0; s < p; ++s)
    for (int64_t c = 0; c < v; ++c) {
      work.forward.push_back(forward[s] / v);
      work.backward.push_back(backward[s] / v);
    }
  work.fill.assign(p, 0);
  return work;
}

double span(const std::vector<PipelineSlot> &slots) {
  double end = 0;
  for (const PipelineSlot &slot : slots)
    end = std::max(end, slot.end);
  return end;
}

TEST(PipelineSchedule, EqualStagesMatchTheClosedForm) {
  // (m + (p - 1) / v) * (f + b), f = 1, b = 2.
  for (auto [p, v, m] : {std::tuple<int64_t, int64_t, int64_t>{4, 1, 8},
                         {4, 2, 8},
                         {8, 4, 16},
                         {16, 1, 64},
                         {8, 4, 32},
                         {4, 1, 2}}) {
    PipelineWork work =
        makeWork(p, v, m, std::vector<double>(p, 1), std::vector<double>(p, 2));
    double closedForm = (m + static_cast<double>(p - 1) / v) * 3;
    EXPECT_NEAR(span(runPipelineSchedule(work)), closedForm, 1e-9)
        << "p=" << p << " v=" << v << " m=" << m;
  }
}

TEST(PipelineSchedule, EverySlotRunsOnceInDependencyOrder) {
  PipelineWork work = makeWork(4, 2, 6, {1, 1, 1, 1}, {2, 2, 2, 2});
  std::vector<PipelineSlot> slots = runPipelineSchedule(work);
  ASSERT_EQ(slots.size(), 2u * 4 * 2 * 6);
  std::set<std::tuple<bool, int64_t, int64_t, int64_t>> seen;
  for (const PipelineSlot &slot : slots)
    EXPECT_TRUE(
        seen.insert({slot.backward, slot.stage, slot.chunk, slot.microBatch})
            .second);
  // No two slots of a stage overlap.
  for (int64_t s = 0; s < 4; ++s) {
    std::vector<std::pair<double, double>> busy;
    for (const PipelineSlot &slot : slots)
      if (slot.stage == s)
        busy.push_back({slot.start, slot.end});
    std::sort(busy.begin(), busy.end());
    for (size_t i = 1; i < busy.size(); ++i)
      EXPECT_GE(busy[i].first, busy[i - 1].second - 1e-12);
  }
}

TEST(PipelineSchedule, OneMicroBatchThroughInterleavedChunks) {
  // One micro-batch visits 8 stages x 2 chunks in turn: 16 forwards of 0.5
  // and 16 backwards of 1, nothing overlaps: 24 (the closed form's 13.5
  // cannot hold).
  PipelineWork work =
      makeWork(8, 2, 1, std::vector<double>(8, 1), std::vector<double>(8, 2));
  EXPECT_NEAR(span(runPipelineSchedule(work)), 24, 1e-9);
}

TEST(PipelineSchedule, SlowLastStageSetsThePaceLessThanTheClosedForm) {
  // Stages of f + b = 3, the last 4.5: the closed form makes every stage
  // as slow, (8 + 3) * 4.5 = 49.5. Run in time: the last stage starts
  // after 3 forwards (3), runs 8 * 4.5 = 36 back to back, and the last
  // gradient returns through 3 stages' backwards (6): 45.
  PipelineWork work = makeWork(4, 1, 8, {1, 1, 1, 1.5}, {2, 2, 2, 3});
  EXPECT_NEAR(span(runPipelineSchedule(work)), 45, 1e-9);
}

TEST(PipelineSchedule, FillAndDrainTransfersAddOnce) {
  // Each boundary's transfer (0.1) delays the first micro-batch's forward
  // and the last one's backward: (8 + 3) * 3 + 2 * 3 * 0.1.
  PipelineWork work =
      makeWork(4, 1, 8, std::vector<double>(4, 1), std::vector<double>(4, 2));
  work.fill = {0, 0.1, 0.1, 0.1};
  EXPECT_NEAR(span(runPipelineSchedule(work)), 33.6, 1e-9);
}

TEST(PipelineSchedule, ForwardOnlyRunsEveryForward) {
  // Inference: (m + p - 1) forwards of 1.
  PipelineWork work =
      makeWork(4, 1, 8, std::vector<double>(4, 1), std::vector<double>(4, 0));
  work.train = false;
  std::vector<PipelineSlot> slots = runPipelineSchedule(work);
  EXPECT_EQ(slots.size(), 32u);
  EXPECT_NEAR(span(slots), 11, 1e-9);
}

TEST(PipelineSchedule, MergedPairsHideExchangesBehindCompute) {
  // One stage, 3 micro-batches; a forward takes 10 (4 of it all-to-alls),
  // a backward 20 (8). Overlapped: F0 alone (warm-up), then F1 + B0 and
  // F2 + B1 merged, then B2 alone. A pair's all-to-alls (4 + 8 = 12) hide
  // behind its compute (6 + 12 = 18): F 6, B 12 each. 10 + 2 * 18 + 20 =
  // 66, against 3 * 30 = 90 in plain 1F1B.
  PipelineWork work = makeWork(1, 1, 3, {10}, {20});
  EXPECT_NEAR(span(runPipelineSchedule(work)), 90, 1e-9);
  work.overlapExchanges = true;
  work.forwardExchange = {4};
  work.backwardExchange = {8};
  std::vector<PipelineSlot> slots = runPipelineSchedule(work);
  EXPECT_NEAR(span(slots), 66, 1e-9);
  ASSERT_EQ(slots.size(), 6u);
  // F0, F1, B0, F2, B1, B2.
  EXPECT_FALSE(slots[1].backward);
  EXPECT_EQ(slots[1].microBatch, 1);
  EXPECT_TRUE(slots[2].backward);
  EXPECT_EQ(slots[2].microBatch, 0);
  EXPECT_NEAR(slots[0].exchangeExposed, 1, 1e-12);
  EXPECT_NEAR(slots[1].exchangeExposed, 0, 1e-12);
  EXPECT_NEAR(slots[5].exchangeExposed, 1, 1e-12);
}

TEST(PipelineSchedule, ExchangesBeyondComputeStayExposed) {
  // A forward of 10 with 8 of all-to-alls, a backward of 20 with 16: a
  // merged pair computes 2 + 4 = 6 and exchanges 8 + 16 = 24, so it takes
  // 24, with 18 / 24 = 0.75 of the exchanges exposed (F 2 + 6 = 8, B 4 +
  // 12 = 16). 10 + 2 * 24 + 20 = 78.
  PipelineWork work = makeWork(1, 1, 3, {10}, {20});
  work.overlapExchanges = true;
  work.forwardExchange = {8};
  work.backwardExchange = {16};
  std::vector<PipelineSlot> slots = runPipelineSchedule(work);
  EXPECT_NEAR(span(slots), 78, 1e-9);
  EXPECT_NEAR(slots[1].end - slots[1].start, 8, 1e-9);
  EXPECT_NEAR(slots[2].end - slots[2].start, 16, 1e-9);
  EXPECT_NEAR(slots[2].exchangeExposed, 0.75, 1e-12);
}

TEST(PipelineSchedule, OverlapAddsOneWarmUpForward) {
  // Two stages, 4 micro-batches: the first stage warms up with p - s - 1 + 1
  // = 2 forwards, the last with 1, then runs a merged forward before its
  // first backward: 3 and 2 forwards come first (2 and 1 in plain 1F1B).
  PipelineWork work = makeWork(2, 1, 4, {1, 1}, {2, 2});
  work.overlapExchanges = true;
  work.forwardExchange = {0, 0};
  work.backwardExchange = {0, 0};
  std::vector<PipelineSlot> slots = runPipelineSchedule(work);
  for (int64_t stage : {0, 1}) {
    int64_t forwards = 0;
    for (const PipelineSlot &slot : slots) {
      if (slot.stage != stage)
        continue;
      if (slot.backward)
        break;
      ++forwards;
    }
    EXPECT_EQ(forwards, 3 - stage);
  }
}

TEST(PipelineSchedule, CacheRunsEachWorkOnce) {
  // The cached span is the schedule's own: 4 stages of f = 1, b = 2 and 8
  // micro-batches end at (8 + 3) * 3 = 33 s on the first stage, each stage
  // busy 8 * 3 = 24 s; the last starts 3 s in and never waits: 27 s.
  PipelineScheduleCache cache;
  PipelineWork work =
      makeWork(4, 1, 8, std::vector<double>(4, 1), std::vector<double>(4, 2));
  const PipelineSpan &first = cache.getSpan(work);
  EXPECT_DOUBLE_EQ(first.end.front(), 33);
  EXPECT_DOUBLE_EQ(first.end.back(), 27);
  EXPECT_DOUBLE_EQ(first.busy.front(), 24);
  EXPECT_EQ(first.end, getPipelineSpan(work).end);
  // The same work again is the same entry; a slower last stage is another.
  EXPECT_EQ(&cache.getSpan(work), &first);
  PipelineWork slower = work;
  slower.backward.back() = 3;
  const PipelineSpan &other = cache.getSpan(slower);
  EXPECT_NE(&other, &first);
  EXPECT_GT(other.end.back(), first.end.back());
}

} // namespace
