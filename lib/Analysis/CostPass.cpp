//===- CostPass.cpp - The --moe-cost pass -----------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Analysis/CostAnalysis.h"
#include "moe/Analysis/Passes.h"
#include "moe/Analysis/Report.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

namespace mlir::moe {
#define GEN_PASS_DEF_MOECOST
#include "moe/Analysis/Passes.h.inc"
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
  std::optional<Phase> phaseKind = symbolizePhase(phase);
  if (!phaseKind) {
    emitError(module.getLoc())
        << "unknown phase '" << phase << "' (expected forward or train)";
    return signalPassFailure();
  }
  if (recompute && *phaseKind != Phase::Train) {
    emitError(module.getLoc()) << "recompute only applies to phase=train";
    return signalPassFailure();
  }
  if (tokens < 0) {
    emitError(module.getLoc())
        << "tokens (" << tokens.getValue() << ") must not be negative";
    return signalPassFailure();
  }
  FailureOr<MachineModel> machineModel = resolveMachine();
  if (failed(machineModel))
    return signalPassFailure();

  CostOptions options;
  options.phase = *phaseKind;
  options.recompute = recompute;
  options.imbalance = imbalance;
  options.tokens = tokens;
  options.microBatches = microBatches;
  options.overlap = overlap;
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
  for (auto &[op, cost] : analysis->getOpCosts()) {
    const KernelCost &t = cost.total;
    op->setAttr(kCostAttrName, CostAttr::get(ctx, t.flops, t.bytes, t.network,
                                             t.seconds, t.bound));
  }

  const CostSummary &s = analysis->getSummary();
  Builder b(ctx);
  auto f = [&](double v) { return b.getF64FloatAttr(v); };
  NamedAttribute memory[] = {
      b.getNamedAttr("activations", f(s.memory.activations)),
      b.getNamedAttr("capacity", f(s.memoryCapacity)),
      b.getNamedAttr("gradients", f(s.memory.gradients)),
      b.getNamedAttr("optimizer", f(s.memory.optimizer)),
      b.getNamedAttr("total", f(s.memory.total())),
      b.getNamedAttr("weights", f(s.memory.weights)),
  };
  NamedAttribute fields[] = {
      b.getNamedAttr("active_params", f(s.activeParams)),
      b.getNamedAttr("bytes", f(s.bytes)),
      b.getNamedAttr("devices", b.getI64IntegerAttr(s.devices)),
      b.getNamedAttr("flops", f(s.flops)),
      b.getNamedAttr("machine", b.getStringAttr(s.machine)),
      b.getNamedAttr("memory", b.getDictionaryAttr(memory)),
      b.getNamedAttr("mfu", f(s.mfu())),
      b.getNamedAttr("model_flops", f(s.modelFlops)),
      b.getNamedAttr("network_bytes", f(s.network)),
      b.getNamedAttr("params", f(s.params)),
      b.getNamedAttr("peak_flops", f(s.peakFlops)),
      b.getNamedAttr("phase", b.getStringAttr(stringifyPhase(s.phase))),
      b.getNamedAttr("pipeline_bubble", f(s.pipelineBubble)),
      b.getNamedAttr("seconds", f(s.seconds)),
      b.getNamedAttr("tokens", b.getI64IntegerAttr(s.tokens)),
      b.getNamedAttr("tokens_per_second", f(s.tokensPerSecond())),
  };
  module->setAttr(kCostSummaryAttrName, b.getDictionaryAttr(fields));

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
