//===- WSEPlan.cpp - Weight-streaming wafer-scale plan ----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Turns a whole-step moe program into the program one wafer-scale system of
// a data-parallel cluster runs: token tensors keep the system's sequences,
// attention runs in batch tiles (wse.batch_tiles), weights stream in
// (wse.stream_weights) and, for training, gradients stream out and MemoryX
// updates the weights. docs/Plans.md describes the plan, docs/CostModel.md
// its cost.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/CostAnalysis.h"
#include "moe/Cost/Machine.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Dialect/WSE/IR/WSEOps.h"
#include "moe/Interfaces/CostModelOpInterface.h"
#include "moe/Plan/PlanLayout.h"
#include "moe/Support/Checked.h"
#include "moe/Support/Format.h"
#include "moe/Transforms/Passes.h"

#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace mlir::moe {
#define GEN_PASS_DEF_MOEWSEPLAN
#include "moe/Transforms/Passes.h.inc"
} // namespace mlir::moe

using namespace mlir;
using namespace mlir::moe;

namespace {

constexpr StringLiteral kGridName = "systems";

/// The step as the options and the program define it.
struct Shape {
  int64_t tokens = 0;    ///< the program's token count
  int64_t seqLen = 0;    ///< tokens per sequence after planning
  int64_t batch = 0;     ///< sequences per step, all systems
  int64_t perSystem = 0; ///< sequences per system
};

/// Bytes of the scores and probabilities of one tile of `sequences`
/// sequences of every attention op (the largest): the on-wafer peak BTA
/// bounds (docs/CostModel.md, "Wafer SRAM").
double tileScoreBytes(ModuleOp module, int64_t seqLen, int64_t sequences) {
  double largest = 0;
  module.walk([&](AttentionOpInterface attention) {
    double b = elementBytes(attention->getOperand(0).getType());
    double s = static_cast<double>(seqLen);
    largest =
        std::max(largest, 2 * b * attention.getHeadCount() * s * s * sequences);
  });
  return largest;
}

/// A location in the layer of `user`, so the cost report and the pipeline
/// model group the op with the layer that reads the weight.
Location derivedLoc(Operation *user, StringRef suffix, Location weightLoc) {
  if (auto name = dyn_cast<NameLoc>(user->getLoc()))
    return NameLoc::get(
        StringAttr::get(user->getContext(), name.getName().str() + suffix),
        weightLoc);
  return user->getLoc();
}

struct MoEWSEPlanPass : moe::impl::MoEWSEPlanBase<MoEWSEPlanPass> {
  using MoEWSEPlanBase::MoEWSEPlanBase;

  void runOnOperation() override;
  LogicalResult checkOptions(MachineModel &machineModel);
  FailureOr<Shape> getShape(ModuleOp module);
  /// Chooses G for `tiles=auto`: plans and costs each divisor.
  FailureOr<int64_t> chooseTiles(const Shape &shape,
                                 const MachineModel &machineModel);
  LogicalResult checkTile(ModuleOp module, const Shape &shape, int64_t tiles,
                          const MachineModel &machineModel);
  LogicalResult apply(ModuleOp module, const Shape &shape, int64_t tiles);
  LogicalResult planFunction(FunctionOpInterface func, const Shape &shape,
                             int64_t tiles);
};

LogicalResult MoEWSEPlanPass::checkOptions(MachineModel &machineModel) {
  ModuleOp module = getOperation();
  auto fail = [&]() { return emitError(module.getLoc()); };
  Location loc = module.getLoc();
  if (failed(checkUnplanned(module)) ||
      failed(checkCount(loc, "systems", systems, 1)) ||
      failed(checkCount(loc, "batch", batch, 0)) ||
      failed(checkCount(loc, "seq-len", seqLen, 0)))
    return failure();
  llvm::Expected<MachineModel> resolved =
      resolveMachine(machine, machineFile, module);
  if (!resolved)
    return fail() << llvm::toString(resolved.takeError());
  machineModel = std::move(*resolved);
  if (!machineModel.isWafer())
    return fail() << "machine '" << machineModel.name
                  << "' is a GPU, not a wafer-scale system; use --moe-gpu-plan";
  if (systems > machineModel.maxDevices)
    return fail() << systems.getValue() << " systems are more than "
                  << machineModel.name << " allows (" << machineModel.maxDevices
                  << ")";
  return success();
}

FailureOr<Shape> MoEWSEPlanPass::getShape(ModuleOp module) {
  Shape shape;
  shape.tokens = getProgramTokenCount(module);
  if (shape.tokens <= 0)
    return emitError(module.getLoc())
           << "cannot find the program's token count (no moe.embedding or "
              "moe.router with a static shape)";
  // Every attention must agree on the sequence length; a program without
  // attention is one sequence.
  int64_t programSeq = 0;
  WalkResult walk = module.walk([&](AttentionOpInterface attention) {
    int64_t s = attention.getSequenceLength();
    if (programSeq != 0 && s != programSeq) {
      attention->emitOpError()
          << "has seq_len " << s << " but an earlier attention "
          << "has " << programSeq << "; a plan needs one sequence length";
      return WalkResult::interrupt();
    }
    programSeq = s;
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (programSeq == 0)
    programSeq = shape.tokens;
  // Plans rewrite static shapes; dynamic ones cannot be split or costed.
  WalkResult dynamic = module.walk([&](Operation *op) {
    auto isDynamic = [](Type t) {
      auto shaped = dyn_cast<ShapedType>(t);
      return shaped && !shaped.hasStaticShape();
    };
    if (llvm::any_of(op->getOperandTypes(), isDynamic) ||
        llvm::any_of(op->getResultTypes(), isDynamic)) {
      op->emitOpError() << "has a dynamic shape; --moe-wse-plan needs static "
                           "shapes";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (dynamic.wasInterrupted())
    return failure();
  shape.seqLen = seqLen > 0 ? static_cast<int64_t>(seqLen) : programSeq;
  shape.batch =
      batch > 0 ? static_cast<int64_t>(batch) : shape.tokens / programSeq;
  if (shape.batch % systems != 0)
    return emitError(module.getLoc())
           << "systems (" << systems.getValue()
           << ") does not divide the batch of " << shape.batch << " sequences";
  shape.perSystem = shape.batch / systems;
  // Token counts stay far from int64 overflow (and from any real machine).
  constexpr int64_t kMaxTokens = int64_t(1) << 40;
  if (shape.perSystem > kMaxTokens / shape.seqLen)
    return emitError(module.getLoc())
           << shape.perSystem << " sequences of " << shape.seqLen
           << " tokens per system are too many to plan";
  return shape;
}

LogicalResult MoEWSEPlanPass::checkTile(ModuleOp module, const Shape &shape,
                                        int64_t g,
                                        const MachineModel &machineModel) {
  if (shape.perSystem % g != 0)
    return emitError(module.getLoc())
           << "tiles (" << g << ") does not divide the " << shape.perSystem
           << " sequences per system";
  int64_t tileSequences = shape.perSystem / g;
  double scores = tileScoreBytes(module, shape.seqLen, tileSequences);
  if (scores > machineModel.memoryCapacity)
    return emitError(module.getLoc())
           << "a tile of " << tileSequences << " sequences of " << shape.seqLen
           << " tokens needs " << formatBytes(scores)
           << " of attention scores and probabilities, more than the "
           << formatBytes(machineModel.memoryCapacity) << " of SRAM of "
           << machineModel.name << "; use more tiles";
  return success();
}

FailureOr<int64_t>
MoEWSEPlanPass::chooseTiles(const Shape &shape,
                            const MachineModel &machineModel) {
  ModuleOp module = getOperation();
  CostOptions options;
  options.phase = phase;
  int64_t best = 0;
  double bestRate = -1, smallestNeed = 0;
  bool anyPlanned = false;
  for (int64_t g = 1; g <= shape.perSystem; ++g) {
    if (shape.perSystem % g != 0 ||
        tileScoreBytes(module, shape.seqLen, shape.perSystem / g) >
            machineModel.memoryCapacity)
      continue;
    // Candidates are planned and priced quietly; the chosen plan is planned
    // again, with its diagnostics, and costed for real afterwards.
    ScopedDiagnosticHandler quiet(&getContext(),
                                  [](Diagnostic &) { return success(); });
    OwningOpRef<ModuleOp> candidate(cast<ModuleOp>(module->clone()));
    if (failed(apply(*candidate, shape, g)))
      continue;
    anyPlanned = true;
    FailureOr<CostAnalysis> analysis =
        CostAnalysis::run(*candidate, machineModel, options);
    if (failed(analysis))
      continue;
    const CostSummary &s = analysis->getSummary();
    double need = s.memory.total();
    if (smallestNeed == 0 || need < smallestNeed)
      smallestNeed = need;
    if (need > s.memoryCapacity)
      continue;
    // Strictly better only: on a tie the fewest tiles win.
    if (s.tokensPerSecond() > bestRate * (1 + 1e-9)) {
      bestRate = s.tokensPerSecond();
      best = g;
    }
  }
  if (!anyPlanned) {
    // Every candidate failed to plan: plan one again to report why.
    OwningOpRef<ModuleOp> candidate(cast<ModuleOp>(module->clone()));
    (void)apply(*candidate, shape, 1);
    return failure();
  }
  if (best == 0) {
    InFlightDiagnostic diag =
        emitError(module.getLoc())
        << "no tile count fits " << machineModel.name << "'s "
        << formatBytes(machineModel.memoryCapacity) << " of SRAM with "
        << shape.perSystem << " sequences of " << shape.seqLen
        << " tokens per system";
    if (smallestNeed > 0)
      diag << " (the smallest plan needs " << formatBytes(smallestNeed) << ")";
    return failure();
  }
  return best;
}

LogicalResult MoEWSEPlanPass::planFunction(FunctionOpInterface func,
                                           const Shape &shape, int64_t g) {
  MLIRContext *ctx = func.getContext();
  OpBuilder builder(ctx);
  int64_t local = shape.perSystem * shape.seqLen;
  // Attention runs on sequences of the planned length.
  func.walk([&](AttentionOpInterface attention) {
    attention.setSequenceLength(shape.seqLen);
  });
  // Pure data parallelism over the systems: the plan rules with one axis
  // (moe/Plan/PlanLayout.h) keep each system's tokens.
  // Each system holds its own sequences (--moe-simulate-grid).
  llvm::DenseSet<Value> weights = getWeights(func);
  PlanLayoutState state(PlanDegrees{systems, 1, 1}, shape.tokens, local, 0,
                        weights);
  if (failed(
          moe::planFunction(func, state, kGridName, {0}, "wafer-scale plan")))
    return failure();

  // BTA: each attention runs on G tiles; the ops after it see the whole
  // regrouped batch.
  SmallVector<Operation *> attentions;
  func.walk([&](AttentionOpInterface op) { attentions.push_back(op); });
  for (Operation *attention : attentions) {
    // Tiles hold whole sequences of the attention's own rows.
    int64_t rows = cast<RankedTensorType>(attention->getOperand(0).getType())
                       .getDimSize(0);
    if (rows % (g * shape.seqLen) != 0)
      return attention->emitOpError()
             << "cannot run on " << g << " tiles of whole sequences of "
             << shape.seqLen << " tokens: it has " << rows << " rows";
    builder.setInsertionPoint(attention);
    Value result = attention->getResult(0);
    auto tiled = wse::BatchTilesOp::create(builder, attention->getLoc(),
                                           result.getType(),
                                           attention->getOperand(0), g);
    result.replaceAllUsesWith(tiled.getResult());
    Block &body = tiled.getBody().front();
    attention->moveBefore(&body, body.end());
    attention->setOperand(0, body.getArgument(0));
    result.setType(withDim(result.getType(), 0, rows / g));
    builder.setInsertionPointToEnd(&body);
    wse::YieldOp::create(builder, attention->getLoc(), result);
  }

  // Weight streaming: each weight is streamed before its first user; the
  // layer's ops read the wafer copy.
  Block &entry = func.getFunctionBody().front();
  struct Streamed {
    BlockArgument weight;
    wse::StreamWeightsOp stream;
    Operation *firstUser;
  };
  SmallVector<Streamed> streamed;
  for (BlockArgument arg : entry.getArguments()) {
    if (!isParameter(arg) || arg.use_empty())
      continue;
    Operation *first = nullptr;
    for (OpOperand &use : arg.getUses()) {
      Operation *user = entry.findAncestorOpInBlock(*use.getOwner());
      if (user && (!first || user->isBeforeInBlock(first)))
        first = user;
    }
    if (!first)
      continue;
    builder.setInsertionPoint(first);
    auto stream = wse::StreamWeightsOp::create(
        builder, derivedLoc(first, ".stream_weights", arg.getLoc()),
        arg.getType(), arg, systems);
    arg.replaceAllUsesExcept(stream.getResult(), stream);
    streamed.push_back({arg, stream, first});
  }
  if (phase != Phase::Train)
    return success();

  // The backward pass reaches the last layer first: its gradients leave
  // first, and MemoryX updates each weight once its gradient is reduced.
  // Distinct ops in one block: a strict total order, so sort is enough.
  llvm::sort(streamed, [](const Streamed &a, const Streamed &b) {
    return a.stream->isBeforeInBlock(b.stream);
  });
  builder.setInsertionPoint(entry.getTerminator());
  for (Streamed &s : llvm::reverse(streamed)) {
    Location weightLoc = s.weight.getLoc();
    auto reduce = wse::ReduceGradientsOp::create(
        builder, derivedLoc(s.firstUser, ".reduce_gradients", weightLoc),
        s.weight.getType(), s.stream.getResult(), systems);
    wse::OptimizerStepOp::create(
        builder, derivedLoc(s.firstUser, ".optimizer_step", weightLoc),
        s.weight, reduce.getGradient(), "adamw");
  }
  return success();
}

LogicalResult MoEWSEPlanPass::apply(ModuleOp module, const Shape &shape,
                                    int64_t g) {
  // The systems as a grid, so that the plan reads like any other (and runs
  // under --moe-simulate-grid); SwarmX, not a shard collective, connects
  // them.
  OpBuilder builder(module.getBodyRegion());
  builder.setInsertionPointToStart(module.getBody());
  shard::GridOp::create(builder, module.getLoc(), kGridName,
                        ArrayRef<int64_t>{systems});
  for (auto func : module.getOps<FunctionOpInterface>())
    if (!func.isExternal() && failed(planFunction(func, shape, g)))
      return failure();
  MLIRContext *ctx = module.getContext();
  ctx->getLoadedDialect<MoEDialect>()->getPlanAttrHelper().setAttr(
      module, WSEPlanAttr::get(ctx, systems, g, shape.batch, shape.seqLen));
  return success();
}

void MoEWSEPlanPass::runOnOperation() {
  ModuleOp module = getOperation();
  MachineModel machineModel;
  if (failed(checkOptions(machineModel)))
    return signalPassFailure();
  FailureOr<Shape> shape = getShape(module);
  if (failed(shape))
    return signalPassFailure();
  int64_t g = tiles.getValue().count;
  if (tiles.getValue().isAuto()) {
    FailureOr<int64_t> chosen = chooseTiles(*shape, machineModel);
    if (failed(chosen))
      return signalPassFailure();
    g = *chosen;
  } else if (failed(checkTile(module, *shape, g, machineModel))) {
    return signalPassFailure();
  }
  if (failed(apply(module, *shape, g)))
    return signalPassFailure();
}

} // namespace
