//===- PlanSearch.cpp - The --moe-plan-search pass --------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Searches on the analytic summary (moe/Search/PlanSummary.h), then lowers
// and costs only the winner through the real passes, and checks that the two
// agree: the summary is a model of the plan pass and the cost pass, and this
// keeps it honest.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/CostAnalysis.h"
#include "moe/Cost/Passes.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Interfaces/CostModelOpInterface.h"
#include "moe/Plan/PlanLayout.h"
#include "moe/Report/Report.h"
#include "moe/Report/SearchReport.h"
#include "moe/Search/PlanSearch.h"
#include "moe/Support/Checked.h"
#include "moe/Support/Output.h"
#include "moe/Transforms/Passes.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"

namespace mlir::moe {
#define GEN_PASS_DEF_MOEPLANSEARCH
#include "moe/Transforms/Passes.h.inc"
} // namespace mlir::moe

using namespace mlir;
using namespace mlir::moe;

namespace {

struct MoEPlanSearchPass : moe::impl::MoEPlanSearchBase<MoEPlanSearchPass> {
  using MoEPlanSearchBase::MoEPlanSearchBase;

  void runOnOperation() override;
  /// Plans `module` with `plan` and costs it: the IR's figures.
  FailureOr<CostSummaryAttr> lowerAndCost(ModuleOp module, const GPUPlan &plan);
  LogicalResult applyPlan(const PlanCandidate &best, int64_t seqLen);
  /// Lowers and costs every estimated plan on a copy of the program and
  /// reports the largest difference from its estimate.
  LogicalResult checkEveryPlan(const SearchResult &result, int64_t seqLen);
};

std::string percent(double fraction) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.2f%%", 100 * fraction);
  return text;
}

/// How far an estimate is from the IR's cost, relative to the IR's.
double relativeDifference(double estimate, double ir) {
  if (ir == estimate)
    return 0;
  return ir > 0 ? std::abs(estimate / ir - 1) : 1;
}

FailureOr<CostSummaryAttr>
MoEPlanSearchPass::lowerAndCost(ModuleOp module, const GPUPlan &plan) {
  // The program of the step the plan splits over the GPUs.
  int64_t replicas = plan.dp * plan.ep * plan.cp * plan.tp;
  for (auto func : module.getOps<FunctionOpInterface>())
    if (!func.isExternal() &&
        failed(resizeTokens(func, plan.tokensPerDevice * replicas)))
      return failure();

  // The pass manager of this pass when lowering its own module; a separate
  // one for a copy (which is not nested under this pass's operation).
  PassManager pm(module.getContext());
  MoEGPUPlanOptions planOptions;
  planOptions.ep = plan.ep;
  planOptions.dp = plan.dp;
  planOptions.tp = plan.tp;
  planOptions.cp = plan.cp;
  planOptions.foldCp = plan.foldCp;
  planOptions.etp = plan.etp;
  planOptions.pp = plan.pp;
  planOptions.virtualStages = plan.vpp;
  planOptions.gpusPerNode = gpusPerNode;
  planOptions.capacityFactor = plan.capacityFactor;
  planOptions.zero = plan.zero;
  planOptions.fp8 = plan.fp8;
  planOptions.fp32Grads = plan.fp32Grads;
  planOptions.fold = plan.fold;
  planOptions.dispatcher = plan.dispatcher;
  planOptions.phase = phase;
  planOptions.machine = machine;
  planOptions.machineFile = machineFile;
  pm.addPass(createMoEGPUPlan(planOptions));
  MoECostOptions cost;
  cost.machine = machine;
  cost.machineFile = machineFile;
  cost.phase = phase;
  cost.recompute = plan.recompute;
  if (plan.recomputeModules) {
    SmallVector<StringRef> names;
    std::string list = describeRecomputeModules(plan.recomputeModules);
    StringRef(list).split(names, ',');
    for (StringRef name : names)
      cost.recomputeModules.push_back(name.str());
  }
  cost.overlap = plan.overlap;
  cost.epOverlap = plan.epOverlap;
  cost.gradOverlap = plan.gradOverlap;
  cost.imbalance = imbalance;
  cost.hotExperts = hotExperts;
  cost.zipf = zipf;
  cost.microBatches = plan.microBatches;
  cost.checkMemory = false;
  pm.addPass(createMoECost(cost));
  bool own = module == getOperation();
  if (own ? failed(runPipeline(pm, module)) : failed(pm.run(module)))
    return failure();
  auto summary = module->getAttrOfType<CostSummaryAttr>(
      MoEDialect::CostSummaryAttrHelper::getNameStr());
  if (!summary)
    return emitError(module.getLoc()) << "the chosen plan was not costed";
  return summary;
}

LogicalResult MoEPlanSearchPass::applyPlan(const PlanCandidate &best,
                                           int64_t seqLen) {
  ModuleOp module = getOperation();
  FailureOr<CostSummaryAttr> summary = lowerAndCost(module, best.plan);
  if (failed(summary))
    return failure();
  double ir = summary->getSeconds();
  double irMemory = summary->getMemory().getTotal();
  double estimate = best.estimate.seconds;
  double difference = relativeDifference(estimate, ir);
  emitRemark(module.getLoc())
      << "best plan " << describePlan(best.plan, seqLen)
      << ": summary estimate " << formatSeconds(estimate) << " and "
      << formatBytes(best.estimate.memoryBytes) << " per device, lowered IR "
      << formatSeconds(ir) << " and " << formatBytes(irMemory) << " (time "
      << percent(difference) << " apart)";
  if (difference > maxDisagreement)
    return emitError(module.getLoc())
           << "the summary's estimate and the IR's cost of the chosen plan "
              "disagree by "
           << percent(difference) << " (allowed " << percent(maxDisagreement)
           << ")";
  return success();
}

LogicalResult MoEPlanSearchPass::checkEveryPlan(const SearchResult &result,
                                                int64_t seqLen) {
  ModuleOp module = getOperation();
  double worstTime = 0, worstMemory = 0;
  const PlanCandidate *worst = nullptr;
  CostSummaryAttr worstIR;
  size_t checked = 0;
  for (const PlanCandidate &candidate : result.plans) {
    // Plans a rule rejected have no estimate to check.
    if (candidate.estimate.seconds == 0)
      continue;
    OwningOpRef<ModuleOp> copy(cast<ModuleOp>(module->clone()));
    // A plan that does not fit is still checked: its memory warning is not
    // news.
    ScopedDiagnosticHandler quiet(&getContext(), [](Diagnostic &diag) {
      return success(diag.getSeverity() == DiagnosticSeverity::Warning);
    });
    FailureOr<CostSummaryAttr> summary = lowerAndCost(*copy, candidate.plan);
    if (failed(summary))
      return failure();
    ++checked;
    double time =
        relativeDifference(candidate.estimate.seconds, summary->getSeconds());
    double memory = relativeDifference(candidate.estimate.memoryBytes,
                                       summary->getMemory().getTotal());
    if (std::max(time, memory) >= std::max(worstTime, worstMemory)) {
      worst = &candidate;
      worstIR = *summary;
    }
    worstTime = std::max(worstTime, time);
    worstMemory = std::max(worstMemory, memory);
  }
  emitRemark(module.getLoc())
      << "checked " << checked << " plans lowered and costed as IR against "
      << "their estimates: largest difference " << percent(worstTime)
      << " in time, " << percent(worstMemory) << " in memory per device";
  if (std::max(worstTime, worstMemory) > maxDisagreement)
    return emitError(module.getLoc())
           << "the estimate of plan " << describePlan(worst->plan, seqLen)
           << " disagrees with its lowered IR's cost by more than "
           << percent(maxDisagreement) << ": estimate "
           << formatSeconds(worst->estimate.seconds) << " and "
           << formatBytes(worst->estimate.memoryBytes) << " per device, IR "
           << formatSeconds(worstIR.getSeconds()) << " and "
           << formatBytes(worstIR.getMemory().getTotal());
  return success();
}

void MoEPlanSearchPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto fail = [&]() {
    signalPassFailure();
    return emitError(module.getLoc());
  };
  Location loc = module.getLoc();
  if (failed(checkCount(loc, "gpus", gpus, 1)) ||
      failed(checkCount(loc, "gpus-per-node", gpusPerNode, 1)) ||
      failed(checkCount(loc, "global-batch", globalBatch, 0)) ||
      failed(checkRange(loc, "overlap", overlap, 0.0, 1.0)) ||
      failed(checkCount(loc, "top", top, 0)) ||
      failed(checkRange(loc, "max-disagreement", maxDisagreement, 0.0)) ||
      failed(checkCount(loc, "max-tp", maxTp, 1)) ||
      failed(checkCount(loc, "max-pp", maxPp, 1)) ||
      failed(checkCount(loc, "max-cp", maxCp, 1)) ||
      failed(checkCount(loc, "max-etp", maxEtp, 0)))
    return signalPassFailure();
  llvm::Expected<MachineModel> machineOr =
      resolveGPUCluster(machine, machineFile, module, gpus, gpusPerNode);
  if (!machineOr) {
    fail() << llvm::toString(machineOr.takeError());
    return;
  }
  MachineModel machineModel = *machineOr;

  FailureOr<ProgramSummary> summary = ProgramSummary::build(module);
  if (failed(summary))
    return signalPassFailure();
  GPUSearchSpace space;
  space.devices = gpus;
  space.globalSequences = globalBatch > 0 ? int64_t(globalBatch)
                                          : summary->tokens / summary->seqLen;
  space.train = phase == Phase::Train;
  space.overlap = overlap;
  space.epOverlap = epOverlap;
  space.gradOverlap = gradOverlap;
  space.dispatcher = dispatcher;
  space.maxTp = maxTp;
  space.maxPp = maxPp;
  space.maxCp = maxCp;
  space.maxEtp = maxEtp > 0 ? int64_t(maxEtp) : int64_t(maxTp);
  space.fp8 = fp8;
  space.fp32Grads = fp32Grads;
  space.pruneOverMemory = !exhaustive;
  llvm::Expected<RoutingModel> routing =
      makeRoutingModel(imbalance, zipf, "", "", hotExperts);
  if (!routing) {
    fail() << llvm::toString(routing.takeError());
    return;
  }
  space.routing = std::move(*routing);
  if (std::optional<std::string> error =
          parseRecomputeModules(recomputeModules, space.recomputeModules)) {
    fail() << *error;
    return;
  }
  if (!checkedMul(space.globalSequences, summary->seqLen)) {
    fail() << "global-batch (" << space.globalSequences << ") x seq_len ("
           << summary->seqLen << ") is more than " << kMaxCount
           << " tokens per step";
    return;
  }
  SearchResult result = searchGPUPlans(*summary, machineModel, space);
  if (result.plans.empty()) {
    // Every replica (dp * ep of them) holds whole sequences.
    int64_t replicas = int64_t(gpus) / (int64_t(maxTp) * int64_t(maxPp));
    fail() << "no plan to search: the global batch of " << space.globalSequences
           << " sequences does not split into whole "
           << "sequences over the data- and expert-parallel replicas of any "
              "plan on "
           << int64_t(gpus) << " GPUs with an expert-parallel degree that "
           << "divides the expert counts; set global-batch=N (or import with "
              "moe-translate --batch=N) to a multiple of "
           << std::max<int64_t>(1, replicas);
    return;
  }

  int64_t seqLen = summary->seqLen;
  if (failed(writeOutput(output, module.getLoc(), [&](llvm::raw_ostream &os) {
        switch (format) {
        case ReportFormat::Json:
          return writeSearchJSON(result, seqLen, os);
        case ReportFormat::Csv:
          return writeSearchCSV(result, seqLen, os);
        case ReportFormat::Text:
          return writeSearchText(result, seqLen, top, os);
        }
      })))
    return signalPassFailure();
  if (!svg.empty()) {
    std::string title = "Plans on " + std::to_string(int64_t(gpus)) + " x " +
                        machineModel.name + ": step time vs memory";
    if (failed(writeOutput(svg, module.getLoc(), [&](llvm::raw_ostream &os) {
          writeParetoSVG(result, seqLen, title, os);
        })))
      return signalPassFailure();
  }

  const PlanCandidate *best = result.best();
  if (!best) {
    const PlanCandidate &least = result.plans.front();
    fail() << "no plan fits: the tightest constraint is memory per device; "
              "the leanest plan ("
           << describePlan(least.plan, seqLen) << ") " << least.reason;
    return;
  }
  if (checkAll && failed(checkEveryPlan(result, seqLen)))
    return signalPassFailure();
  if (apply && failed(applyPlan(*best, seqLen)))
    return signalPassFailure();
}

} // namespace
