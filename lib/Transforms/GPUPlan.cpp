//===- GPUPlan.cpp - Expert-parallel GPU plan -------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Turns a whole-step moe program into the program one GPU of a dp x ep grid
// runs. Token tensors are recognised by their leading dimension: every
// non-weight tensor whose dim 0 is the program's token count T is a token
// tensor and keeps T / (dp * ep) rows. Types are rewritten in place, so the
// ops stay the program's own ops; only collectives are inserted.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Machine.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Interfaces/CostModelOpInterface.h"
#include "moe/Plan/PlanLayout.h"
#include "moe/Support/Checked.h"
#include "moe/Transforms/Passes.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::moe {
#define GEN_PASS_DEF_MOEGPUPLAN
#include "moe/Transforms/Passes.h.inc"
} // namespace mlir::moe

using namespace mlir;
using namespace mlir::moe;

namespace {

constexpr StringLiteral kGridName = "gpus";

struct MoEGPUPlanPass : moe::impl::MoEGPUPlanBase<MoEGPUPlanPass> {
  using MoEGPUPlanBase::MoEGPUPlanBase;

  void runOnOperation() override;
  LogicalResult checkOptions(int64_t &dpDegree);
  LogicalResult planFunction(FunctionOpInterface func, int64_t tokens,
                             int64_t devices, int64_t dpDegree);
  void insertGradientSync(FunctionOpInterface func, ArrayRef<GradSync> syncs);
  PlanDegrees getDegrees(int64_t dpDegree) const {
    return PlanDegrees{dpDegree, ep, tp, fold, cp, foldCp, etp};
  }
  /// "dp * ep", with the other degrees above 1, for messages.
  std::string degreesName() const {
    std::string name = "dp * ep";
    if (cp > 1)
      name += " * cp";
    if (tp > 1)
      name += " * tp";
    if (pp > 1)
      name += " * pp";
    return name;
  }
};

LogicalResult MoEGPUPlanPass::checkOptions(int64_t &dpDegree) {
  ModuleOp module = getOperation();
  auto fail = [&]() { return emitError(module.getLoc()); };
  Location loc = module.getLoc();
  if (failed(checkUnplanned(module)) || failed(checkCount(loc, "ep", ep, 1)) ||
      failed(checkCount(loc, "tp", tp, 1)) ||
      failed(checkCount(loc, "cp", cp, 1)) ||
      failed(checkCount(loc, "pp", pp, 1)) ||
      failed(checkCount(loc, "virtual-stages", virtualStages, 1)) ||
      failed(checkCount(loc, "gpus-per-node", gpusPerNode, 1)) ||
      failed(checkCount(loc, "nodes", nodes, 0)) ||
      failed(checkCount(loc, "dp", dp, 0)) ||
      failed(checkRange(loc, "capacity-factor", capacityFactor, 0.0)) ||
      failed(checkCount(loc, "zero", zero, 0, kMaxZeroStage)))
    return failure();
  if (!getDegrees(1).hasValidEtp())
    return fail() << "etp = " << int64_t(etp)
                  << " is expert tensor parallelism over the tp axis: it must "
                     "be 1 or tp = "
                  << int64_t(tp);
  if (fold && !getDegrees(1).canFold())
    return fail() << "fold splits the experts over the tensor- and "
                     "context-parallel ranks too: it needs tp > 1 (with "
                     "etp = 1) or cp > 1";
  if (foldCp != 0 && (!fold || ep != 1 || foldCp < 1 || cp % foldCp != 0))
    return fail() << "fold-cp = " << int64_t(foldCp)
                  << " is the context-parallel ranks a folded expert group "
                     "takes: it needs fold, ep = 1 and a divisor of cp = "
                  << int64_t(cp);
  // Degrees come from the command line: products must not overflow.
  int64_t model = 0, gpus = 0;
  if (llvm::MulOverflow(int64_t(ep), int64_t(tp), model) ||
      llvm::MulOverflow(model, int64_t(cp), model) ||
      llvm::MulOverflow(model, int64_t(pp), model) ||
      llvm::MulOverflow(int64_t(nodes), int64_t(gpusPerNode), gpus))
    return fail() << "the grid is too large (ep * cp * tp * pp or nodes * "
                     "gpus-per-node overflows)";
  dpDegree = dp;
  if (dpDegree == 0) {
    if (nodes > 0 && gpus % model != 0) {
      InFlightDiagnostic diag = fail();
      if (tp > 1 || cp > 1 || pp > 1)
        diag << StringRef(degreesName()).drop_front(5) << " (" << model << ")";
      else
        diag << "ep (" << int64_t(ep) << ")";
      return diag << " does not divide the " << gpus << " GPUs of "
                  << int64_t(nodes) << " nodes x " << int64_t(gpusPerNode);
    }
    dpDegree = nodes > 0 ? gpus / model : 1;
  }
  int64_t devices = 0;
  if (llvm::MulOverflow(dpDegree, model, devices))
    return fail() << "the grid is too large (" << degreesName()
                  << " overflows)";
  if (nodes > 0 && devices != gpus) {
    InFlightDiagnostic diag = fail();
    diag << degreesName() << " = " << int64_t(dpDegree) << " * " << int64_t(ep);
    if (cp > 1)
      diag << " * " << int64_t(cp);
    if (tp > 1)
      diag << " * " << int64_t(tp);
    if (pp > 1)
      diag << " * " << int64_t(pp);
    return diag << " = " << devices
                << " GPUs, but nodes * gpus-per-node = " << int64_t(nodes)
                << " * " << int64_t(gpusPerNode) << " = " << gpus;
  }
  llvm::Expected<MachineModel> machineModel =
      resolveMachine(machine, machineFile, module);
  if (!machineModel)
    return fail() << llvm::toString(machineModel.takeError());
  if (machineModel->isWafer())
    return fail() << "machine '" << machineModel->name
                  << "' is a wafer-scale system; use --moe-wse-plan";
  if (devices > machineModel->maxDevices)
    return fail() << "a grid of " << devices << " GPUs is larger than "
                  << machineModel->name << " allows ("
                  << machineModel->maxDevices << ")";
  return success();
}

LogicalResult MoEGPUPlanPass::planFunction(FunctionOpInterface func,
                                           int64_t tokens, int64_t devices,
                                           int64_t dpDegree) {
  // The ops whose shapes the plan rewrites must have static shapes.
  WalkResult dynamic = func.walk([&](Operation *op) {
    if (!isa<DispatchOp, ExpertsOp, CombineOp>(op))
      return WalkResult::advance();
    for (TypeRange types :
         {TypeRange(op->getOperandTypes()), TypeRange(op->getResultTypes())})
      for (Type type : types)
        if (auto tensor = dyn_cast<RankedTensorType>(type);
            tensor && !tensor.hasStaticShape()) {
          op->emitOpError() << "has the dynamic shape " << tensor
                            << "; the GPU plan needs static shapes";
          return WalkResult::interrupt();
        }
    return WalkResult::advance();
  });
  if (dynamic.wasInterrupted())
    return failure();

  // Every op laid out by its plan rule (moe/Plan/PlanLayout.h): tokens split
  // over every device, experts over the ep axis, attention and dense FFNs
  // over the tp axis, with the collectives between.
  PlanDegrees degrees = getDegrees(dpDegree);
  llvm::DenseSet<Value> weights = getWeights(func);
  PlanLayoutState state(degrees, tokens, tokens / devices, capacityFactor,
                        weights, kGridName);
  FailureOr<FunctionLayout> layout = moe::planFunction(
      func, state, kGridName, degrees.tokenAxes(), "GPU plan");
  if (failed(layout))
    return failure();
  if (phase == Phase::Train)
    insertGradientSync(func, getGradSyncs(func, *layout, degrees));
  return success();
}

void MoEGPUPlanPass::insertGradientSync(FunctionOpInterface func,
                                        ArrayRef<GradSync> syncs) {
  Block &entry = func.getFunctionBody().front();
  OpBuilder builder(entry.getTerminator());
  for (const GradSync &sync : syncs) {
    auto arg = cast<BlockArgument>(sync.weight);
    std::string name = "grad_sync";
    if (StringAttr paramName = getParamName(func, arg.getArgNumber()))
      name += "." + paramName.getValue().str();
    Location loc = NameLoc::get(builder.getStringAttr(name), func.getLoc());
    auto op = shard::AllReduceOp::create(builder, loc, arg.getType(), kGridName,
                                         sync.axes, arg);
    op->setAttr(MoEDialect::GradSyncAttrHelper::getNameStr(),
                builder.getUnitAttr());
  }
}

void MoEGPUPlanPass::runOnOperation() {
  ModuleOp module = getOperation();
  int64_t dpDegree = 1;
  if (failed(checkOptions(dpDegree)))
    return signalPassFailure();
  // Every pipeline stage sees the same tokens: they are split over the
  // other degrees only.
  int64_t devices = dpDegree * ep * cp * tp * pp;
  int64_t replicas = devices / pp;
  int64_t tokens = getProgramTokenCount(module);
  if (tokens <= 0) {
    emitError(module.getLoc())
        << "cannot find the program's token count (no moe.embedding or "
           "moe.router with a static shape)";
    return signalPassFailure();
  }
  if (tokens % replicas != 0) {
    emitError(module.getLoc()) << tokens << " tokens do not split evenly over "
                               << StringRef(degreesName()).split(" * pp").first
                               << " = " << replicas << " GPUs";
    return signalPassFailure();
  }

  OpBuilder builder(module.getBodyRegion());
  builder.setInsertionPointToStart(module.getBody());
  shard::GridOp::create(builder, module.getLoc(), kGridName,
                        getDegrees(dpDegree).gridShape());
  for (auto func : module.getOps<FunctionOpInterface>())
    if (!func.isExternal() &&
        failed(planFunction(func, tokens, replicas, dpDegree)))
      return signalPassFailure();

  MLIRContext *ctx = &getContext();
  ctx->getLoadedDialect<MoEDialect>()->getPlanAttrHelper().setAttr(
      module, GPUPlanAttr::get(ctx, dpDegree, ep, tp, pp, virtualStages,
                               gpusPerNode, zero, fp8, fp32Grads, fold,
                               dispatcher, cp, foldCp, etp, tokens));
  if (!module->hasAttr(DLTIDialect::kTargetSystemDescAttrName)) {
    auto entry =
        DataLayoutEntryAttr::get(StringAttr::get(ctx, "devices_per_node"),
                                 builder.getI64IntegerAttr(gpusPerNode));
    auto device = TargetDeviceSpecAttr::get(
        ctx, ArrayRef<DataLayoutEntryInterface>{entry});
    auto system = TargetSystemSpecAttr::get(
        ctx, ArrayRef<DataLayoutEntryInterface>{DataLayoutEntryAttr::get(
                 StringAttr::get(ctx, "gpus"), device)});
    module->setAttr(DLTIDialect::kTargetSystemDescAttrName, system);
  }
}

} // namespace
