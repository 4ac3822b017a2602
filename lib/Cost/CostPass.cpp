//===- CostPass.cpp - The --moe-cost pass -----------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/CostAnalysis.h"
#include "moe/Cost/Passes.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Support/Format.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

namespace mlir::moe {
#define GEN_PASS_DEF_MOECOST
#include "moe/Cost/Passes.h.inc"
} // namespace mlir::moe

using namespace mlir;
using namespace mlir::moe;

namespace {

struct MoECostPass : moe::impl::MoECostBase<MoECostPass> {
  using MoECostBase::MoECostBase;

  void runOnOperation() override;
  FailureOr<MachineModel> resolveMachine();
};

FailureOr<MachineModel> MoECostPass::resolveMachine() {
  ModuleOp module = getOperation();
  llvm::Expected<MachineModel> machineOr =
      moe::resolveMachine(machine, machineFile, module);
  if (!machineOr) {
    emitError(module.getLoc()) << llvm::toString(machineOr.takeError());
    return failure();
  }
  return std::move(*machineOr);
}

void MoECostPass::runOnOperation() {
  ModuleOp module = getOperation();
  if ((recompute || !recomputeModules.empty()) && phase != Phase::Train) {
    emitError(module.getLoc())
        << (recompute ? "recompute" : "recompute-modules")
        << " only applies to phase=train";
    return signalPassFailure();
  }
  if (recompute && !recomputeModules.empty()) {
    emitError(module.getLoc())
        << "recompute recomputes whole layers and recompute-modules parts of "
           "them: give one";
    return signalPassFailure();
  }
  FailureOr<MachineModel> machineModel = resolveMachine();
  if (failed(machineModel))
    return signalPassFailure();

  CostOptions options;
  options.phase = phase;
  options.recompute = recompute;
  if (std::optional<std::string> error =
          parseRecomputeModules(recomputeModules, options.recomputeModules)) {
    emitError(module.getLoc()) << *error;
    return signalPassFailure();
  }
  llvm::Expected<RoutingModel> routing =
      makeRoutingModel(imbalance, zipf, routingFile, placementFile, hotExperts);
  if (!routing) {
    emitError(module.getLoc()) << llvm::toString(routing.takeError());
    return signalPassFailure();
  }
  options.routing = std::move(*routing);
  options.tokens = tokens;
  options.microBatches = microBatches;
  options.overlap = overlap;
  options.epOverlap = epOverlap;
  options.gradOverlap = gradOverlap;
  FailureOr<CostAnalysis> analysis =
      CostAnalysis::run(module, *machineModel, options);
  if (failed(analysis))
    return signalPassFailure();

  if (!std::isfinite(analysis->getSummary().seconds)) {
    emitError(module.getLoc())
        << "the modelled time overflowed: the machine's figures are out of "
           "range for this program";
    return signalPassFailure();
  }

  MLIRContext *ctx = &getContext();
  auto *dialect = ctx->getLoadedDialect<MoEDialect>();
  // Annotations of an earlier run (another machine or phase), or written by
  // hand, would mix with this step's: the report reads every one.
  module.walk([&](Operation *op) {
    dialect->getCostAttrHelper().removeAttr(op);
    dialect->getTimingAttrHelper().removeAttr(op);
  });
  bool train = phase == Phase::Train;
  for (auto &[op, cost] : analysis->getOpCosts()) {
    const KernelCost &t = cost.total;
    dialect->getCostAttrHelper().setAttr(
        op,
        CostAttr::get(ctx, t.flops, t.bytes, t.network, t.seconds, t.bound));
    // An op's place in the step's timeline, unless the step is one forward
    // pass end to end. A wafer's timeline is its ops in order: weight
    // streaming already overlaps compute in their times.
    bool placed = cost.role != OpRole::Compute || cost.exposed < 1 ||
                  cost.stage > 0 || cost.chunk > 0 || cost.transferIn > 0;
    bool timed = cost.forward.seconds > 0 || cost.backward.seconds > 0 ||
                 cost.optimizer.seconds > 0;
    if (machineModel->isWafer() || !(placed || (train && timed)))
      continue;
    double backward = std::max(
        0.0, cost.backward.seconds - cost.recomputeSeconds - cost.syncSeconds);
    dialect->getTimingAttrHelper().setAttr(
        op, TimingAttr::get(ctx, cost.role, cost.forward.seconds, backward,
                            cost.recomputeSeconds, cost.syncSeconds,
                            cost.optimizer.seconds, cost.exposed, cost.stage,
                            cost.chunk, cost.transferIn));
  }

  const CostSummary &s = analysis->getSummary();
  dialect->getCostSummaryAttrHelper().setAttr(module, s.toAttr(ctx));

  if (s.tokens == 0)
    emitWarning(module.getLoc())
        << "cannot infer tokens per step (no moe.embedding "
           "or moe.router); pass tokens=N for tokens/s";
  if (s.memory.total() > s.memoryCapacity) {
    InFlightDiagnostic diag =
        checkMemory ? emitError(module.getLoc()) : emitWarning(module.getLoc());
    diag << "does not fit: needs " << formatBytes(s.memory.total())
         << " per device (weights " << formatBytes(s.memory.weights)
         << ", gradients " << formatBytes(s.memory.gradients) << ", optimizer "
         << formatBytes(s.memory.optimizer) << ", activations "
         << formatBytes(s.memory.activations) << ") but " << s.machine
         << " has " << formatBytes(s.memoryCapacity);
    if (checkMemory)
      return signalPassFailure();
  }
  markAllAnalysesPreserved();
}

} // namespace
