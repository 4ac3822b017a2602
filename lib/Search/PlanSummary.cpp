//===- PlanSummary.cpp - A plan's cost without rewriting the IR -*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Search/PlanSummary.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/Support/Checked.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "llvm/Support/raw_ostream.h"

#include <numeric>

using namespace mlir;
using namespace mlir::moe;

//===----------------------------------------------------------------------===//
// ProgramSummary
//===----------------------------------------------------------------------===//

namespace {

/// Collects the ops of a function in program order with their trip counts,
/// as the cost analysis visits them.
class OpCollector {
public:
  LogicalResult visit(Region &region, double runs) {
    for (Block &block : region)
      for (Operation &op : block)
        if (failed(visit(&op, runs)))
          return failure();
    return success();
  }

  std::vector<std::pair<Operation *, double>> ops;

private:
  LogicalResult visit(Operation *op, double runs) {
    if (isa<CallOpInterface>(op))
      return op->emitOpError()
             << "calls a function; the plan search needs the whole step in "
                "one function";
    if (isa<shard::ShardDialect>(op->getDialect()))
      return op->emitOpError() << "is a collective; search an unplanned "
                                  "program";
    ops.push_back({op, runs});
    int64_t trips = 1;
    if (auto costOp = dyn_cast<CostModelOpInterface>(op)) {
      TensorSizes sizes = checkTensorSizes(op);
      if (sizes == TensorSizes::TooLarge)
        return failure();
      KernelList kernels;
      if (sizes == TensorSizes::Dynamic || failed(costOp.getKernels(kernels)))
        return op->emitOpError() << "has dynamic shapes; cannot summarise";
      if (op->getNumRegions() > 0) {
        FailureOr<int64_t> count = costOp.getRegionTripCount();
        trips = succeeded(count) ? *count : 1;
        if (trips > kMaxCount)
          return op->emitOpError() << "runs its body more than " << kMaxCount
                                   << " times, the most the cost model counts";
      }
    }
    if (trips == 0)
      return success();
    for (Region &region : op->getRegions())
      if (failed(visit(region, runs * static_cast<double>(trips))))
        return failure();
    return success();
  }
};

/// What makes two layers the same: each op's name, attributes, types and
/// trip count, and where its operands come from (an op of the same layer,
/// by position; a weight; anything else).
std::string getSignature(ArrayRef<std::pair<Operation *, double>> ops) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::DenseMap<Operation *, unsigned> position;
  for (auto [i, entry] : llvm::enumerate(ops)) {
    Operation *op = entry.first;
    position[op] = i;
    os << op->getName() << ' ' << entry.second << ' '
       << op->getAttrDictionary();
    for (Value v : op->getOperands()) {
      os << ' ' << v.getType();
      Operation *def = v.getDefiningOp();
      if (def && position.contains(def))
        os << '@' << position[def] << '.'
           << cast<OpResult>(v).getResultNumber();
      else
        os << (isParameter(v) ? "@w" : "@x");
    }
    for (Type type : op->getResultTypes())
      os << " -> " << type;
    os << ';';
  }
  return text;
}

} // namespace

FailureOr<ProgramSummary> ProgramSummary::build(ModuleOp module) {
  ProgramSummary summary;
  summary.module = module;
  summary.tokens = getProgramTokenCount(module);
  if (summary.tokens <= 0)
    return emitError(module.getLoc())
           << "cannot find the program's token count (no moe.embedding or "
              "moe.router with a static shape)";
  if (getPlan(module))
    return emitError(module.getLoc())
           << "the program is already planned; search an unplanned program";
  for (auto func : module.getOps<FunctionOpInterface>()) {
    if (func.isExternal())
      continue;
    if (summary.func)
      return func.emitOpError()
             << "is a second function with a body; the plan search needs "
                "the whole step in one function";
    summary.func = func;
  }
  if (!summary.func)
    return emitError(module.getLoc())
           << "nothing to search: the module has no function with a body";

  OpCollector collector;
  if (failed(collector.visit(summary.func.getFunctionBody(), 1.0)))
    return failure();

  // Layers in program order (consecutive ops with the same layer name); a
  // decoder layer identical to the one before it is counted, not kept.
  llvm::StringMap<unsigned> layerIndex;
  std::string previousSignature;
  std::optional<unsigned> previousRun;
  auto ops = ArrayRef(collector.ops);
  for (size_t begin = 0; begin < ops.size();) {
    std::string name = getLayerName(ops[begin].first);
    size_t end = begin + 1;
    while (end < ops.size() && getLayerName(ops[end].first) == name)
      ++end;
    auto layerOps = ops.slice(begin, end - begin);
    bool decoder = StringRef(name).starts_with("layers.");
    std::string signature = decoder ? getSignature(layerOps) : "";
    if (decoder && previousRun && !layerIndex.contains(name) &&
        signature == previousSignature) {
      ++summary.layers[*previousRun].count;
      begin = end;
      continue;
    }
    auto [it, inserted] = layerIndex.try_emplace(name, summary.layers.size());
    if (inserted) {
      LayerRun run;
      run.name = name;
      run.decoder = decoder;
      summary.layers.push_back(std::move(run));
    }
    for (auto [op, runs] : layerOps)
      summary.ops.push_back({op, runs, it->second});
    previousRun = decoder ? std::optional<unsigned>(it->second) : std::nullopt;
    previousSignature = std::move(signature);
    begin = end;
  }

  int64_t seqLen = 0, expertGcd = 0, expertFfnGcd = 0;
  module.walk([&](Operation *op) {
    if (auto attention = dyn_cast<AttentionOpInterface>(op))
      seqLen = std::max(seqLen, attention.getSequenceLength());
    if (auto experts = dyn_cast<ExpertsOp>(op)) {
      // Dynamic sizes (negative) divide nothing.
      expertGcd =
          std::gcd(expertGcd, std::max<int64_t>(1, experts.getNumExperts()));
      expertFfnGcd =
          std::gcd(expertFfnGcd, std::max<int64_t>(1, experts.getFfnSize()));
    }
  });
  summary.seqLen = std::max<int64_t>(1, seqLen);
  summary.expertGcd = std::max<int64_t>(1, expertGcd);
  summary.expertFfnGcd = std::max<int64_t>(0, expertFfnGcd);
  return summary;
}

//===----------------------------------------------------------------------===//
// PlanEstimator
//===----------------------------------------------------------------------===//

/// The grid of the ops measured in the scratch module.
constexpr StringLiteral kScratchGrid = "scratch_grid";

/// Where ops are cloned with their local shapes to be measured.
struct PlanEstimator::Scratch {
  OwningOpRef<ModuleOp> module;
};

PlanEstimator::PlanEstimator(const ProgramSummary &summary,
                             const MachineModel &machine, RoutingModel routing,
                             unsigned selective)
    : summary(summary), machine(machine), routing(std::move(routing)),
      selective(selective), weights(getWeights(summary.func)),
      scratch(std::make_unique<Scratch>()),
      schedules(std::make_unique<PipelineScheduleCache>()) {
  scratch->module =
      ModuleOp::create(UnknownLoc::get(ModuleOp(summary.module).getContext()));
}

PlanEstimator::~PlanEstimator() = default;

namespace {

double shapeBytes(ArrayRef<int64_t> shape, Type type) {
  double elements = 1;
  for (int64_t d : shape)
    elements *= static_cast<double>(d);
  return elements * elementBytes(type);
}

/// The key of an op measured on its local shapes: the op, the phase, the
/// local shapes of its operands and results and the collectives between, and
/// those of the ops producing its operands (whose cost models may read
/// them: the experts read the routing of the dispatch before them).
void appendKey(std::vector<int64_t> &key, Operation *op,
               const FunctionLayout &layout, const PlanLayoutState &state,
               int depth) {
  key.push_back(reinterpret_cast<intptr_t>(op));
  const OpPlan &plan = layout.ops.find(op)->second;
  auto append = [&](ArrayRef<int64_t> shape) {
    key.push_back(static_cast<int64_t>(shape.size()));
    key.insert(key.end(), shape.begin(), shape.end());
  };
  for (auto [i, v] : llvm::enumerate(op->getOperands())) {
    append(state.shape(v));
    for (const PlanCollective &c : plan.before[i])
      append(c.shape);
    Operation *def = v.getDefiningOp();
    if (depth > 0 && def && layout.ops.count(def))
      appendKey(key, def, layout, state, depth - 1);
  }
  for (const LocalShape &shape : plan.results)
    append(shape);
  for (const NamedAttribute &attr : plan.attrs)
    key.push_back(
        reinterpret_cast<intptr_t>(attr.getValue().getAsOpaquePointer()));
}

/// Clones ops with their local shapes into a scratch function.
class Materializer {
public:
  Materializer(OpBuilder &b, Block *block, const FunctionLayout &layout,
               const PlanLayoutState &state)
      : b(b), block(block), layout(layout), state(state) {}

  Operation *materializeOp(Operation *op, int depth) {
    const OpPlan &plan = layout.ops.find(op)->second;
    IRMapping map;
    for (auto [i, v] : llvm::enumerate(op->getOperands())) {
      Value local = materializeValue(v, depth);
      for (const PlanCollective &c : plan.before[i])
        local = createCollective(b, op->getLoc(), "scratch", c, local);
      map.map(v, local);
    }
    Operation *clone = b.clone(*op, map);
    for (const NamedAttribute &attr : plan.attrs)
      clone->setAttr(attr.getName(), attr.getValue());
    for (auto [i, result] : llvm::enumerate(clone->getResults()))
      if (auto tensor = dyn_cast<RankedTensorType>(result.getType()))
        result.setType(tensor.clone(plan.results[i]));
    return clone;
  }

  /// The scratch argument standing for each weight, and the weight.
  SmallVector<std::pair<BlockArgument, Value>> weights;

private:
  Value materializeValue(Value v, int depth) {
    Operation *def = v.getDefiningOp();
    if (depth > 0 && def && layout.ops.count(def)) {
      Operation *producer = materializeOp(def, depth - 1);
      unsigned index = cast<OpResult>(v).getResultNumber();
      Value local = producer->getResult(index);
      const OpPlan &plan = layout.ops.find(def)->second;
      for (const PlanCollective &c : plan.after[index])
        local = createCollective(b, def->getLoc(), "scratch", c, local);
      return local;
    }
    Type type = v.getType();
    if (isa<RankedTensorType>(type))
      type = withShape(type, state.shape(v));
    BlockArgument arg = block->addArgument(type, v.getLoc());
    if (isParameter(v))
      weights.push_back({arg, v});
    return arg;
  }

  OpBuilder &b;
  Block *block;
  const FunctionLayout &layout;
  const PlanLayoutState &state;
};

} // namespace

CostOptions PlanEstimator::measureOptions(const GPUPlan &plan) const {
  CostOptions options;
  options.phase = plan.train ? Phase::Train : Phase::Forward;
  options.fp8Gemms = plan.fp8;
  options.fp32Gradients = plan.fp32Grads;
  options.dispatchPerNode = plan.dispatcher == Dispatcher::DeepEP;
  options.routing = routing;
  return options;
}

const OpWork &PlanEstimator::measureOp(Operation *op,
                                       const FunctionLayout &layout,
                                       const PlanLayoutState &state,
                                       const GPUPlan &plan) {
  std::vector<int64_t> key = {plan.train ? 1 : 0, plan.fp8 ? 1 : 0,
                              plan.fp32Grads ? 1 : 0};
  // A context-parallel attention op's exchange depends on its group's size
  // and stride (cp devices tp apart), which its attribute (grid axes) does
  // not show.
  if (plan.cp > 1 && isa<AttentionOpInterface>(op))
    key.insert(key.end(), {plan.cp, plan.tp});
  appendKey(key, op, layout, state, /*depth=*/1);
  auto it = opWork.find(key);
  if (it != opWork.end())
    return it->second;

  // Clone the op (and the op producing each operand) with their local
  // shapes and measure it as the cost analysis would the planned IR.
  MLIRContext *ctx = op->getContext();
  OpBuilder b(ctx);
  b.setInsertionPointToEnd(scratch->module->getBody());
  // The grid ops that name their group (context-parallel attention) read.
  auto grid = shard::GridOp::create(b, op->getLoc(), kScratchGrid,
                                    state.degrees.gridShape());
  auto func = func::FuncOp::create(b, op->getLoc(), "scratch",
                                   FunctionType::get(ctx, {}, {}));
  Block *block = func.addEntryBlock();
  b.setInsertionPointToEnd(block);
  Materializer materializer(b, block, layout, state);
  Operation *clone = materializer.materializeOp(op, /*depth=*/1);
  func::ReturnOp::create(b, op->getLoc());
  func.setType(FunctionType::get(ctx, block->getArgumentTypes(), {}));
  for (auto [arg, weight] : materializer.weights)
    func.setArgAttr(arg.getArgNumber(),
                    MoEDialect::ParamAttrHelper::getNameStr(),
                    StringAttr::get(ctx, "w"));

  CostOptions options = measureOptions(plan);
  // What the selective modules free and re-run; a plan uses it only when
  // it recomputes selectively.
  options.recomputeModules = selective;
  OpPricer measurer(machine, options);
  auto costOp = cast<CostModelOpInterface>(clone);
  KernelList kernels;
  if (failed(costOp.getKernels(kernels)))
    kernels.clear();
  OpWork work = measurer.measure(clone, costOp, kernels);
  // The weights are the program's, so that their first reader owns them.
  for (OpWork::Weight &weight : work.weights)
    for (auto [arg, original] : materializer.weights)
      if (weight.weight == arg)
        weight.weight = original;
  func.erase();
  grid.erase();
  return opWork.emplace(std::move(key), std::move(work)).first->second;
}

const OpWork &PlanEstimator::measureCollective(const Kernel &kernel,
                                               double inputBytes,
                                               double resultBytes,
                                               const GPUPlan &plan) {
  auto bits = [](double value) { return llvm::bit_cast<int64_t>(value); };
  std::vector<int64_t> key = {plan.train ? 1 : 0,
                              plan.fp8 && kernel.expertDispatch ? 1 : 0,
                              plan.fp32Grads && kernel.backwardOnly ? 1 : 0,
                              static_cast<int64_t>(kernel.collective),
                              bits(kernel.bufferBytes),
                              kernel.elemBytes,
                              kernel.groupSize,
                              kernel.groupStride,
                              kernel.backwardOnly ? 1 : 0,
                              kernel.layerExperts,
                              kernel.expertGroup,
                              plan.dispatcher == Dispatcher::DeepEP ? 1 : 0,
                              bits(kernel.routedCopies),
                              kernel.routeGroups,
                              kernel.routeGroupLimit,
                              bits(inputBytes),
                              bits(resultBytes)};
  auto it = collectiveWork.find(key);
  if (it != collectiveWork.end())
    return it->second;
  CostOptions options = measureOptions(plan);
  OpPricer measurer(machine, options);
  return collectiveWork
      .emplace(std::move(key),
               measurer.measure(kernel, inputBytes, resultBytes))
      .first->second;
}

FailureOr<const PlanEstimator::LaidOut *>
PlanEstimator::layOut(const GPUPlan &plan, std::string *reason) {
  // What a plan's layout (and the work of its ops) depends on: its grid, its
  // tokens, its capacity factor, whether it trains and its GEMMs' precision.
  std::vector<int64_t> key = {plan.dp,
                              plan.ep,
                              plan.tp,
                              plan.tokensPerDevice,
                              llvm::bit_cast<int64_t>(plan.capacityFactor),
                              plan.train ? 1 : 0,
                              plan.fp8 ? 1 : 0,
                              plan.fp32Grads ? 1 : 0,
                              plan.fold ? 1 : 0,
                              plan.cp,
                              plan.foldCp,
                              plan.etp};
  auto it = laidOut.find(key);
  if (it != laidOut.end()) {
    if (!it->second.error.empty()) {
      if (reason)
        *reason = it->second.error;
      return failure();
    }
    return &it->second;
  }
  LaidOut &result = laidOut[key];

  MLIRContext *ctx = ModuleOp(summary.module).getContext();
  PlanDegrees degrees = plan.degrees();
  PlanLayoutState state(degrees, summary.tokens, plan.tokensPerDevice,
                        plan.capacityFactor, weights, kScratchGrid);
  SmallVector<Operation *> ops;
  ops.reserve(summary.ops.size());
  for (const ProgramSummary::SummaryOp &s : summary.ops)
    ops.push_back(s.op);
  FailureOr<FunctionLayout> layout;
  {
    // A rule that rejects the plan says why; the search keeps the reason.
    ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
      if (result.error.empty())
        result.error = diag.str();
      return success();
    });
    layout = layOutOps(ops, summary.func, state);
  }
  if (failed(layout)) {
    if (result.error.empty())
      result.error = "the plan rules reject this plan";
    if (reason)
      *reason = result.error;
    return failure();
  }

  SmallVector<int64_t, 5> grid = degrees.gridShape();
  auto addCollective = [&](const ProgramSummary::SummaryOp &s,
                           const PlanCollective &c, Value value,
                           ArrayRef<int64_t> input) {
    Type type = value.getType();
    auto [size, stride] = getGroup(grid, c.axes);
    double inBytes = shapeBytes(input, type);
    double outBytes = shapeBytes(c.shape, type);
    Kernel kernel = makeExchange(c.kind, value, input, inBytes, outBytes, size,
                                 stride, false);
    result.items.push_back(
        {nullptr, &measureCollective(kernel, inBytes, outBytes, plan), s.runs,
         s.layer, static_cast<double>(summary.layers[s.layer].count), s.layer});
  };

  // Every op, with the collectives its rule put around it.
  SmallVector<std::pair<const OpWork *, unsigned>> readers;
  for (const ProgramSummary::SummaryOp &s : summary.ops) {
    Operation *op = s.op;
    const OpPlan &opPlan = layout->ops.find(op)->second;
    // A chain's collectives each start from the shape the one before left.
    auto addChain = [&](const CollectiveChain &chain, Value value,
                        ArrayRef<int64_t> input) {
      LocalShape shape(input);
      for (const PlanCollective &c : chain) {
        addCollective(s, c, value, shape);
        shape = c.shape;
      }
    };
    for (auto [i, chain] : llvm::enumerate(opPlan.before))
      addChain(chain, op->getOperand(i), state.shape(op->getOperand(i)));
    if (isa<CostModelOpInterface>(op)) {
      const OpWork &work = measureOp(op, *layout, state, plan);
      result.items.push_back(
          {op, &work, s.runs, s.layer,
           static_cast<double>(summary.layers[s.layer].count), s.layer});
      readers.push_back({&work, s.layer});
    }
    for (auto [i, chain] : llvm::enumerate(opPlan.after))
      addChain(chain, op->getResult(i), opPlan.results[i]);
  }

  // Training synchronises every weight's gradient over the devices that
  // replicate it, once per step, in the stage of the layer that reads it
  // (a layer run of its own, as the lowered IR names them).
  if (plan.train) {
    unsigned gradLayer = summary.layers.size();
    llvm::DenseSet<Value> synced;
    for (auto [work, layer] : readers)
      for (const OpWork::Weight &weight : work->weights) {
        if (!synced.insert(weight.weight).second)
          continue;
        GradSync sync = getGradSync(weight.weight, *layout, degrees);
        if (sync.group == 1)
          continue;
        result.syncGroups[weight.weight] = sync.group;
        auto [size, stride] = getGroup(grid, sync.axes);
        Kernel kernel = makeCollective(CollectiveKind::AllReduce, weight.bytes,
                                       elementBytes(weight.weight.getType()),
                                       size, stride, true);
        result.items.push_back(
            {nullptr,
             &measureCollective(kernel, weight.bytes, weight.bytes, plan), 1,
             gradLayer, static_cast<double>(summary.layers[layer].count),
             layer});
      }
  }
  return &result;
}

FailureOr<PlanEstimate> PlanEstimator::estimate(const GPUPlan &plan,
                                                std::string *reason) {
  FailureOr<const LaidOut *> laid = layOut(plan, reason);
  if (failed(laid))
    return failure();

  CostOptions options = measureOptions(plan);
  options.recompute = plan.recompute;
  options.recomputeModules = plan.recomputeModules;
  options.microBatches = plan.microBatches;
  options.overlap = plan.overlap;
  options.epOverlap = plan.epOverlap;
  options.gradOverlap = plan.gradOverlap;
  options.scheduleCache = schedules.get();
  OpPricer pricer(machine, options);
  pricer.zeroStage = plan.zero;
  pricer.syncGroups = (*laid)->syncGroups;
  pricer.entries.reserve((*laid)->items.size());
  pricer.layers = summary.layers;
  if (plan.train) {
    LayerRun run;
    run.name = "grad_sync";
    pricer.layers.push_back(run);
  }
  for (const LaidOut::Item &item : (*laid)->items)
    pricer.add(item.op, *item.work, item.runs, item.layer, item.instances)
        .stageLayer = item.stageLayer;

  StepShape shape;
  shape.devices = plan.devices();
  shape.stages = plan.pp;
  shape.virtualStages = plan.vpp;
  shape.tokensPerDevice = plan.tokensPerDevice;
  shape.zeroStage = plan.zero;
  FailureOr<CostSummary> step;
  {
    // A plan the step model rejects (more stages than layers) says why.
    std::string message;
    ScopedDiagnosticHandler handler(ModuleOp(summary.module).getContext(),
                                    [&](Diagnostic &diag) {
                                      if (message.empty())
                                        message = diag.str();
                                      return success();
                                    });
    step = priceStep(pricer.entries, pricer.layers, machine, options, shape,
                     ModuleOp(summary.module).getLoc());
    if (failed(step)) {
      if (reason)
        *reason = message;
      return failure();
    }
  }

  PlanEstimate estimate;
  estimate.seconds = step->seconds;
  estimate.tokensPerSecond = step->tokensPerSecond();
  estimate.mfu = step->mfu();
  estimate.memoryBytes = step->memory.total();
  estimate.kvCacheBytes = step->memory.kvCache;
  estimate.modelFlops = step->modelFlops;
  for (const OpEntry &entry : pricer.entries) {
    BoundSeconds part = entry.cost.total.boundSeconds;
    part *= entry.instances;
    estimate.boundSeconds += part;
  }
  estimate.bound = estimate.boundSeconds.dominant();
  return estimate;
}
