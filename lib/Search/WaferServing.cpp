//===- WaferServing.cpp - Serving a model on wafer-scale systems --*- C++ -*-=//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// docs/Serving.md ("Wafer-scale serving") derives every formula used here.
//
//===----------------------------------------------------------------------===//

#include "moe/Search/WaferServing.h"
#include "moe/Cost/CostAnalysis.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Plan/ServingStep.h"

#include "mlir/IR/OwningOpRef.h"

#include <cmath>
#include <optional>

using namespace mlir;
using namespace mlir::moe;

namespace {

/// One step of `model` in `shape`, priced on `machine` as the cost analysis
/// prices it (a forward pass on one device).
FailureOr<CostSummary> priceServingStep(ModuleOp model,
                                        const ServingStepShape &shape,
                                        const MachineModel &machine) {
  OwningOpRef<ModuleOp> step(cast<ModuleOp>(model->clone()));
  if (failed(makeServingStep(*step, shape)))
    return failure();
  CostOptions options;
  options.phase = Phase::Forward;
  FailureOr<CostAnalysis> cost = CostAnalysis::run(*step, machine, options);
  if (failed(cost))
    return failure();
  return cost->getSummary();
}

/// Bytes of a row of `type`: one token's hidden state in a [tokens, hidden]
/// tensor; 0 for anything else.
double getRowBytes(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() || tensor.getRank() < 2 ||
      !isa<FloatType>(tensor.getElementType()))
    return 0;
  return static_cast<double>(tensor.getShape().back()) *
         std::ceil(tensor.getElementTypeBitWidth() / 8.0);
}

/// Bytes of one token's hidden state (what a pipeline stage hands the next):
/// a row of the first embedding's result, or of the first function's first
/// hidden-state argument in a program that starts from one; 0 otherwise.
double getHiddenBytesPerToken(ModuleOp module) {
  double bytes = 0;
  module.walk([&](EmbeddingOp op) {
    bytes = getRowBytes(op.getResult().getType());
    return bytes > 0 ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (bytes > 0)
    return bytes;
  for (auto func : module.getOps<FunctionOpInterface>())
    for (Type type : func.getArgumentTypes())
      if ((bytes = getRowBytes(type)) > 0)
        return bytes;
  return 0;
}

} // namespace

StringRef mlir::moe::stringifyWaferWeights(WaferWeights weights) {
  return weights == WaferWeights::Resident ? "resident" : "streamed";
}

const WaferServingRow *WaferServingResult::best(WaferWeights weights) const {
  const WaferServingRow *best = nullptr;
  for (const WaferServingRow &row : rows)
    if (row.weights == weights && row.meetsTargets &&
        (!best || row.step.tokensPerSecond > best->step.tokensPerSecond))
      best = &row;
  return best;
}

FailureOr<WaferServingResult>
mlir::moe::searchWaferServing(ModuleOp model, const MachineModel &wafer,
                              const ServingWorkload &workload,
                              const WaferServingSpace &space) {
  WaferServingResult result;
  result.machine = wafer.name;
  result.workload = workload;
  result.maxSystems = space.maxSystems;
  int64_t input = workload.inputTokens;
  result.meanContext = input + workload.outputTokens / 2;
  // Caches hold the whole request by its last token: memory is checked at
  // that context, time priced at the mean one (as on GPUs).
  double growth = static_cast<double>(input + workload.outputTokens) /
                  static_cast<double>(result.meanContext);
  MachineModel resident = getResidentWafer(wafer);

  // The step's facts: KV bytes per token and the hidden state a stage
  // hands the next.
  {
    OwningOpRef<ModuleOp> step(cast<ModuleOp>(model->clone()));
    if (failed(makeServingStep(*step,
                               {1, 1, result.meanContext, space.cacheType})))
      return failure();
    result.kvBytesPerToken = getKvBytesPerToken(*step);
  }
  double hiddenBytes = getHiddenBytesPerToken(model);
  // Crossing from one system to the next: a link latency plus the hidden
  // states of the tokens over the system interconnect.
  auto hop = [&](double tokens) {
    double bandwidth = wafer.interNodeBandwidth;
    return wafer.interNodeLatency +
           (bandwidth > 0 ? tokens * hiddenBytes / bandwidth : 0);
  };

  // Prefill of one prompt with weights resident, and the best prefill
  // throughput with weights streamed (more prompts reuse each streamed
  // weight) that fits in SRAM.
  FailureOr<CostSummary> residentPrefill =
      priceServingStep(model, {1, input, 0, Type()}, resident);
  if (failed(residentPrefill))
    return failure();
  std::optional<CostSummary> streamedPrefill;
  double streamedPrefillRate = 0;
  for (int64_t prompts : space.prefillBatches) {
    FailureOr<CostSummary> prefill =
        priceServingStep(model, {prompts, input, 0, Type()}, wafer);
    if (failed(prefill))
      return failure();
    if (!(prefill->seconds > 0) ||
        prefill->memory.total() > wafer.memoryCapacity)
      continue;
    if (!streamedPrefill)
      streamedPrefill = *prefill;
    streamedPrefillRate =
        std::max(streamedPrefillRate,
                 static_cast<double>(prompts * input) / prefill->seconds);
  }
  result.modelWeightBytes = residentPrefill->paramBytes;

  auto finishRow = [&](WaferServingRow &row) {
    row.step = colocate(row.decodeSeconds, row.batch,
                        row.prefillTokensPerSecond, workload);
    row.tokensPerSecondPerUser = row.step.tpot > 0 ? 1 / row.step.tpot : 0;
    row.meetsTargets = meetsTargets(workload, row.step.ttft, row.step.tpot);
    result.rows.push_back(row);
  };

  for (int64_t batch : space.decodeBatches) {
    ServingStepShape shape{batch, 1, result.meanContext, space.cacheType};

    // Resident: the fewest systems whose SRAM holds their share of the
    // weights next to the caches and activations of a stage.
    FailureOr<CostSummary> decode = priceServingStep(model, shape, resident);
    if (failed(decode))
      return failure();
    double kv = decode->memory.kvCache * growth;
    double activations = std::max(decode->memory.activations,
                                  residentPrefill->memory.activations);
    double room = wafer.memoryCapacity - kv - activations;
    double weights = decode->paramBytes;
    int64_t systems =
        room > 0 ? std::max<int64_t>(
                       1, static_cast<int64_t>(std::ceil(weights / room)))
                 : 0;
    if (systems >= 1 && systems <= space.maxSystems && decode->seconds > 0 &&
        residentPrefill->seconds > 0) {
      WaferServingRow row;
      row.weights = WaferWeights::Resident;
      row.systems = systems;
      row.batch = batch;
      double hops = static_cast<double>(systems - 1);
      row.decodeSeconds =
          decode->seconds + hops * hop(static_cast<double>(batch));
      row.prefillSeconds =
          residentPrefill->seconds + hops * hop(static_cast<double>(input));
      // Each system runs its stage of every prompt: a prompt per stage
      // time over the pipeline, I / t tokens per second per system.
      row.prefillTokensPerSecond =
          static_cast<double>(input) / residentPrefill->seconds;
      row.weightBytes = weights / static_cast<double>(systems);
      row.kvCacheBytes = kv;
      row.memoryBytes = row.weightBytes + kv + activations;
      finishRow(row);
    } else {
      ++result.rejected;
    }

    // Streamed: one system per replica, the weights it reads arriving from
    // external memory as each op runs.
    FailureOr<CostSummary> streamed = priceServingStep(model, shape, wafer);
    if (failed(streamed))
      return failure();
    double memory =
        streamed->memory.total() + streamed->memory.kvCache * (growth - 1);
    if (streamedPrefill && streamed->seconds > 0 &&
        memory <= wafer.memoryCapacity) {
      WaferServingRow row;
      row.weights = WaferWeights::Streamed;
      row.batch = batch;
      row.decodeSeconds = streamed->seconds;
      row.prefillSeconds = streamedPrefill->seconds;
      row.prefillTokensPerSecond = streamedPrefillRate;
      row.weightBytes = streamed->memory.weights;
      row.kvCacheBytes = streamed->memory.kvCache * growth;
      row.memoryBytes = memory;
      finishRow(row);
    } else {
      ++result.rejected;
    }
  }
  return result;
}
