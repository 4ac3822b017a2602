//===- PlanSearchBench.cpp - Speed of plan search ---------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The goal: more than 100,000 plans per second on one core. The summary of
// DeepSeek-V3 (61 layers, 256 experts) is built once. The first benchmark
// prices one GPU plan per iteration with one estimator, cycling through the
// expert-parallel degrees and micro-batch sizes of a 256-GPU search (each
// distinct op is measured once and then reused: the steady state of a
// long search). The others run whole searches, each with a fresh
// estimator, so every measurement is counted.
//
//===----------------------------------------------------------------------===//

#include "BenchUtils.h"

#include "moe/Search/PlanSearch.h"

#include <benchmark/benchmark.h>

using namespace mlir;
using namespace mlir::moe;

namespace {

void BM_EstimateGPUPlanDeepSeekV3(benchmark::State &state) {
  static ImportedModel model("deepseek-v3.json");
  static ProgramSummary summary = cantFailSummary(*model.module);
  MachineModel machine = cantFail(getMachinePreset("h100-sxm"));
  std::vector<GPUPlan> plans;
  for (int64_t ep : {1, 2, 4, 8, 16, 32, 64, 128, 256})
    for (int64_t mb : {1, 2, 4, 8})
      for (bool recompute : {false, true}) {
        GPUPlan plan;
        plan.ep = ep;
        plan.dp = 256 / ep;
        plan.tokensPerDevice = mb * summary.seqLen;
        plan.microBatches = 8 / mb;
        plan.capacityFactor = 1.0;
        plan.recompute = recompute;
        plans.push_back(plan);
      }
  PlanEstimator estimator(summary, machine);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(estimator.estimate(plans[i])->seconds);
    i = (i + 1) % plans.size();
  }
  state.counters["plans_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EstimateGPUPlanDeepSeekV3);

void BM_SearchGPUPlansDeepSeekV3(benchmark::State &state) {
  static ImportedModel model("deepseek-v3.json");
  static ProgramSummary summary = cantFailSummary(*model.module);
  MachineModel machine = cantFail(getMachinePreset("h100-sxm"));
  GPUSearchSpace space;
  space.devices = 256;
  space.globalSequences = 2048;
  size_t plans = 0;
  for (auto _ : state)
    plans += searchGPUPlans(summary, machine, space).plans.size();
  state.counters["plans_per_second"] = benchmark::Counter(
      static_cast<double>(plans), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SearchGPUPlansDeepSeekV3)->Unit(benchmark::kMillisecond);

// The whole space on 16,384 GPUs: tp up to 8, pp up to 16, context
// parallelism up to `maxCp`, every ZeRO stage, FP8, micro-batch sizes,
// capacity factors and recomputation. The goal: under one second on one
// core.
void searchFullSpaceDeepSeekV3On16384(benchmark::State &state, int64_t maxCp) {
  static ImportedModel model("deepseek-v3.json");
  static ProgramSummary summary = cantFailSummary(*model.module);
  MachineModel machine = cantFail(getMachinePreset("h100-sxm"));
  GPUSearchSpace space;
  space.devices = 16384;
  space.globalSequences = 16384;
  space.maxTp = 8;
  space.maxPp = 16;
  space.maxCp = maxCp;
  space.maxEtp = space.maxTp;
  space.fp8 = true;
  size_t plans = 0;
  for (auto _ : state)
    plans += searchGPUPlans(summary, machine, space).plans.size();
  state.counters["plans"] = benchmark::Counter(
      static_cast<double>(plans), benchmark::Counter::kAvgIterations);
}

void BM_SearchFullSpaceDeepSeekV3On16384(benchmark::State &state) {
  searchFullSpaceDeepSeekV3On16384(state, /*maxCp=*/1);
}
BENCHMARK(BM_SearchFullSpaceDeepSeekV3On16384)->Unit(benchmark::kMillisecond);

// With context parallelism up to 8 (each degree folded over all, part or
// none of its ranks) the space grows 5.5x.
void BM_SearchFullSpaceWithCpDeepSeekV3On16384(benchmark::State &state) {
  searchFullSpaceDeepSeekV3On16384(state, /*maxCp=*/8);
}
BENCHMARK(BM_SearchFullSpaceWithCpDeepSeekV3On16384)
    ->Unit(benchmark::kMillisecond);

} // namespace
