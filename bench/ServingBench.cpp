//===- ServingBench.cpp - Speed of serving costs and search -----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Serving goals: a decode step of DeepSeek-V3 (61 layers) costed in under
// 10 ms, and a serving search in under 1 s, on one core. The decode step is
// priced two ways: by the plan estimate the serving search uses (one call
// per step and batch), and by --moe-cost annotating the whole 61-layer IR.
// The searches run the whole --moe-serve-search pass on a clone of the
// imported model: reshaping it into its two steps, summarising them and
// searching every plan and batch; on a wafer, pricing both ways of holding
// the weights at every batch.
//
//===----------------------------------------------------------------------===//

#include "BenchUtils.h"

#include "moe/Cost/Passes.h"
#include "moe/Plan/ServingStep.h"
#include "moe/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

#include <benchmark/benchmark.h>

using namespace mlir;
using namespace mlir::moe;

namespace {

/// DeepSeek-V3 as one decode step of one sequence over 4,096 cached tokens.
struct DecodeStep {
  ImportedModel model{"deepseek-v3.json"};
  DecodeStep() {
    if (failed(makeServingStep(*model.module, {1, 1, 4096, Type()})))
      std::abort();
  }
};

void BM_DecodeStepEstimateDeepSeekV3(benchmark::State &state) {
  static DecodeStep step;
  static ProgramSummary summary = cantFailSummary(*step.model.module);
  MachineModel machine = cantFail(getMachinePreset("h100-sxm"));
  GPUPlan plan;
  plan.ep = 32;
  plan.train = false;
  plan.fp8 = true;
  PlanEstimator estimator(summary, machine);
  int64_t batch = 1;
  for (auto _ : state) {
    // A new batch each time, so that the layout is not reused.
    plan.tokensPerDevice = batch;
    benchmark::DoNotOptimize(estimator.estimate(plan)->seconds);
    batch = batch % 4096 + 1;
  }
}
BENCHMARK(BM_DecodeStepEstimateDeepSeekV3)->Unit(benchmark::kMicrosecond);

void BM_DecodeStepCostPassDeepSeekV3(benchmark::State &state) {
  static DecodeStep step;
  for (auto _ : state) {
    state.PauseTiming();
    OwningOpRef<ModuleOp> clone = step.model.module->clone();
    state.ResumeTiming();
    PassManager pm(clone->getContext());
    MoECostOptions cost;
    cost.checkMemory = false;
    pm.addPass(createMoECost(cost));
    if (failed(pm.run(*clone)))
      std::abort();
  }
}
BENCHMARK(BM_DecodeStepCostPassDeepSeekV3)->Unit(benchmark::kMillisecond);

void runServeSearch(benchmark::State &state, ImportedModel &model,
                    bool wafer = false) {
  for (auto _ : state) {
    state.PauseTiming();
    OwningOpRef<ModuleOp> clone = model.module->clone();
    state.ResumeTiming();
    PassManager pm(clone->getContext());
    MoEServeSearchOptions options;
    options.gpus = 32;
    options.inputTokens = 2048;
    options.outputTokens = 512;
    options.ttft = 4;
    options.tpot = 0.1;
    options.output = "/dev/null";
    // Wafers serve 16-bit weights; `gpus` counts their systems.
    options.fp8 = !wafer;
    if (wafer) {
      options.machine = "cs3";
      options.gpus = 16;
    }
    pm.addPass(createMoEServeSearch(options));
    if (failed(pm.run(*clone)))
      std::abort();
  }
}

void BM_ServeSearchQwen3_235B(benchmark::State &state) {
  static ImportedModel model("qwen3-235b-a22b.json");
  runServeSearch(state, model);
}
BENCHMARK(BM_ServeSearchQwen3_235B)->Unit(benchmark::kMillisecond);

void BM_ServeSearchDeepSeekV3(benchmark::State &state) {
  static ImportedModel model("deepseek-v3.json");
  runServeSearch(state, model);
}
BENCHMARK(BM_ServeSearchDeepSeekV3)->Unit(benchmark::kMillisecond);

/// Both wafer modes at every batch: each priced by the cost analysis on a
/// reshaped copy of the model.
void BM_ServeSearchWaferQwen3_235B(benchmark::State &state) {
  static ImportedModel model("qwen3-235b-a22b.json");
  runServeSearch(state, model, /*wafer=*/true);
}
BENCHMARK(BM_ServeSearchWaferQwen3_235B)->Unit(benchmark::kMillisecond);

} // namespace
