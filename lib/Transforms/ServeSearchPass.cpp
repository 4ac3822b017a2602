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
    llvm::Expected<MachineModel> machineOr =
        resolveGPUCluster(machine, machineFile, module, gpus, gpusPerNode);
    if (!machineOr) {
      emitError(loc) << llvm::toString(machineOr.takeError());
      return signalPassFailure();
    }
    MachineModel machineModel = *machineOr;

    // The two steps, each from a copy of the program.
    int64_t meanContext = inputTokens + outputTokens / 2;
    ServingStepShape prefillShape{1, inputTokens, 0, Type()};
    ServingStepShape decodeShape{1, 1, meanContext, Type()};
    if (fp8KvCache)
      decodeShape.cacheType = Float8E4M3FNType::get(&getContext());
    OwningOpRef<ModuleOp> prefill(cast<ModuleOp>(module->clone()));
    OwningOpRef<ModuleOp> decode(cast<ModuleOp>(module->clone()));
    if (failed(makeServingStep(*prefill, prefillShape)) ||
        failed(makeServingStep(*decode, decodeShape)))
      return signalPassFailure();
    FailureOr<ProgramSummary> prefillSummary = ProgramSummary::build(*prefill);
    FailureOr<ProgramSummary> decodeSummary = ProgramSummary::build(*decode);
    if (failed(prefillSummary) || failed(decodeSummary))
      return signalPassFailure();

    ServingWorkload workload;
    workload.inputTokens = inputTokens;
    workload.outputTokens = outputTokens;
    workload.ttftLimit = ttft;
    workload.tpotLimit = tpot;
    ServingSpace space;
    space.devices = gpus;
    space.gpusPerNode = gpusPerNode;
    space.maxTp = maxTp;
    space.fp8 = fp8;
    space.overlap = overlap;
    space.twoBatchOverlap = twoBatchOverlap;
    space.decodeBatches.clear();
    for (int64_t b = 1; b <= maxBatch; b *= 2)
      space.decodeBatches.push_back(b);
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
};

} // namespace
