//===- ServeSearchPass.cpp - The --moe-serve-search pass --------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Reshapes copies of the program into a prefill and a decode step
// (moe/Plan/ServingStep.h), summarises each once and searches serving plans
// on the summaries (moe/Search/ServingSearch.h). The module is not changed.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Machine.h"
#include "moe/Plan/ServingStep.h"
#include "moe/Report/ServingReport.h"
#include "moe/Search/ServingSearch.h"
#include "moe/Search/WaferServing.h"
#include "moe/Support/Checked.h"
#include "moe/Support/Output.h"
#include "moe/Transforms/Passes.h"

namespace mlir::moe {
#define GEN_PASS_DEF_MOESERVESEARCH
#include "moe/Transforms/Passes.h.inc"
} // namespace mlir::moe

using namespace mlir;
using namespace mlir::moe;

namespace {

/// Longest prompt or output the search accepts: far beyond any model's
/// context, and small enough that batches of prompts stay countable.
constexpr int64_t kMaxRequestTokens = int64_t(1) << 24;

struct MoEServeSearchPass : moe::impl::MoEServeSearchBase<MoEServeSearchPass> {
  using MoEServeSearchBase::MoEServeSearchBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Location loc = module.getLoc();
    if (failed(checkCount(loc, "gpus", gpus, 1)) ||
        failed(checkCount(loc, "gpus-per-node", gpusPerNode, 1)) ||
        failed(checkCount(loc, "input-tokens", inputTokens, 1,
                          kMaxRequestTokens)) ||
        failed(checkCount(loc, "output-tokens", outputTokens, 1,
                          kMaxRequestTokens)) ||
        failed(checkRange(loc, "ttft", ttft, 0.0)) ||
        failed(checkRange(loc, "tpot", tpot, 0.0)) ||
        failed(checkRange(loc, "overlap", overlap, 0.0, 1.0)) ||
        failed(checkCount(loc, "max-tp", maxTp, 1)) ||
        failed(checkCount(loc, "max-batch", maxBatch, 1, 1 << 20)) ||
        failed(checkCount(loc, "top", top, 0)))
      return signalPassFailure();
    if (format == ReportFormat::Csv) {
      emitError(loc) << "format=csv is not a serving search format; use "
                        "format=text or format=json";
      return signalPassFailure();
    }
    int64_t meanContext = inputTokens + outputTokens / 2;
    Type cacheType;
    if (fp8KvCache)
      cacheType = Float8E4M3FNType::get(&getContext());
    std::vector<int64_t> decodeBatches;
    for (int64_t b = 1; b <= maxBatch; b *= 2)
      decodeBatches.push_back(b);
    ServingWorkload workload;
    workload.inputTokens = inputTokens;
    workload.outputTokens = outputTokens;
    workload.ttftLimit = ttft;
    workload.tpotLimit = tpot;

    llvm::Expected<MachineModel> wafer =
        resolveMachine(machine, machineFile, module);
    if (!wafer) {
      emitError(loc) << llvm::toString(wafer.takeError());
      return signalPassFailure();
    }
    if (wafer->isWafer()) {
      if (failed(searchWafers(*wafer, workload, cacheType, decodeBatches)))
        signalPassFailure();
      return;
    }
    llvm::Expected<MachineModel> machineOr =
        resolveGPUCluster(machine, machineFile, module, gpus, gpusPerNode);
    if (!machineOr) {
      emitError(loc) << llvm::toString(machineOr.takeError());
      return signalPassFailure();
    }
    MachineModel machineModel = *machineOr;

    // The two steps, each from a copy of the program.
    ServingStepShape prefillShape{1, inputTokens, 0, Type()};
    ServingStepShape decodeShape{1, 1, meanContext, cacheType};
    OwningOpRef<ModuleOp> prefill(cast<ModuleOp>(module->clone()));
    OwningOpRef<ModuleOp> decode(cast<ModuleOp>(module->clone()));
    if (failed(makeServingStep(*prefill, prefillShape)) ||
        failed(makeServingStep(*decode, decodeShape)))
      return signalPassFailure();
    FailureOr<ProgramSummary> prefillSummary = ProgramSummary::build(*prefill);
    FailureOr<ProgramSummary> decodeSummary = ProgramSummary::build(*decode);
    if (failed(prefillSummary) || failed(decodeSummary))
      return signalPassFailure();

    ServingSpace space;
    space.devices = gpus;
    space.gpusPerNode = gpusPerNode;
    space.maxTp = maxTp;
    space.fp8 = fp8;
    space.overlap = overlap;
    space.twoBatchOverlap = twoBatchOverlap;
    llvm::Expected<RoutingModel> routing =
        makeRoutingModel(imbalance, zipf, "", "", hotExperts);
    if (!routing) {
      emitError(loc) << llvm::toString(routing.takeError());
      return signalPassFailure();
    }
    space.routing = std::move(*routing);
    space.decodeBatches = decodeBatches;
    ServingResult result = searchServing(
        *prefillSummary, *decodeSummary, getKvBytesPerToken(*decode),
        meanContext, machineModel, workload, space);

    if (failed(writeOutput(output, loc, [&](llvm::raw_ostream &os) {
          if (format == ReportFormat::Json)
            writeServingJSON(result, os);
          else
            writeServingText(result, top, os);
        })))
      return signalPassFailure();
    if (!svg.empty()) {
      std::string title = "Serving on " + std::to_string(int64_t(gpus)) +
                          " x " + machineModel.name +
                          ": tokens/s per GPU vs per user";
      if (failed(writeOutput(svg, loc, [&](llvm::raw_ostream &os) {
            writeServingSVG(result, title, os);
          })))
        return signalPassFailure();
    }
    if (result.candidates.empty()) {
      emitError(loc) << "no serving plan fits on " << int64_t(gpus) << " x "
                     << machineModel.name
                     << ": the weights and the KV cache of one sequence "
                        "need more memory than any plan leaves";
      return signalPassFailure();
    }
    if (!result.candidates.front().meetsTargets)
      emitWarning(loc) << "no serving plan meets the latency targets; the "
                          "report ranks the closest";
  }

  /// Serving on wafer-scale systems (`gpus` counts systems): weights
  /// resident or streamed, side by side.
  LogicalResult searchWafers(const MachineModel &wafer,
                             const ServingWorkload &workload, Type cacheType,
                             ArrayRef<int64_t> decodeBatches) {
    ModuleOp module = getOperation();
    Location loc = module.getLoc();
    // Options that describe GPU plans have no meaning here: refuse them
    // rather than ignore them.
    if (fp8) {
      emitError(loc) << "fp8=true is not modelled on wafer-scale systems "
                        "(machine '"
                     << wafer.name
                     << "'): they serve 16-bit weights; drop the option";
      return failure();
    }
    if (twoBatchOverlap || overlap > 0) {
      emitError(loc) << "two-batch-overlap and overlap hide all-to-alls "
                        "between GPUs; a wafer-scale system (machine '"
                     << wafer.name << "') has none: drop the option";
      return failure();
    }
    if (gpus > wafer.maxDevices) {
      emitError(loc) << "gpus (" << int64_t(gpus) << ") counts " << wafer.name
                     << " systems here; at most " << wafer.maxDevices
                     << " can be joined";
      return failure();
    }
    if (!svg.empty()) {
      emitError(loc) << "svg= draws the GPU search's Pareto front; the wafer "
                        "report lists every row instead";
      return failure();
    }
    WaferServingSpace space;
    space.maxSystems = gpus;
    space.cacheType = cacheType;
    space.decodeBatches.assign(decodeBatches.begin(), decodeBatches.end());
    FailureOr<WaferServingResult> result =
        searchWaferServing(module, wafer, workload, space);
    if (failed(result))
      return failure();
    if (failed(writeOutput(output, loc, [&](llvm::raw_ostream &os) {
          if (format == ReportFormat::Json)
            writeWaferServingJSON(*result, os);
          else
            writeWaferServingText(*result, os);
        })))
      return failure();
    if (result->rows.empty()) {
      emitError(loc) << "no wafer-scale serving plan fits on " << int64_t(gpus)
                     << " x " << wafer.name
                     << ": resident weights need more systems (raise gpus) "
                        "and one sequence's KV cache does not fit beside a "
                        "streamed layer";
      return failure();
    }
    if (!result->best(WaferWeights::Resident) &&
        !result->best(WaferWeights::Streamed))
      emitWarning(loc) << "no wafer-scale serving plan meets the latency "
                          "targets";
    return success();
  }
};

} // namespace
