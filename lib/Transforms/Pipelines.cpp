//===- Pipelines.cpp - Plan, cost and report in one pipeline ----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Passes.h"
#include "moe/Report/Passes.h"
#include "moe/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::moe;

namespace {

/// The options every pipeline shares: how the plan is costed and reported.
/// A CRTP base, since PassPipelineOptions is one.
template <typename Derived>
struct CostReportOptions : public PassPipelineOptions<Derived> {
  template <typename T>
  using Option = mlir::detail::PassOptions::Option<T>;
  template <typename T>
  using ListOption = mlir::detail::PassOptions::ListOption<T>;

  // Derived::kDefaultMachine: the preset a pipeline plans for by default.
  Option<std::string> machine{
      *this, "machine",
      llvm::cl::desc("Built-in machine preset (docs/CostModel.md)"),
      llvm::cl::init(std::string(Derived::kDefaultMachine))};
  Option<std::string> machineFile{
      *this, "machine-file",
      llvm::cl::desc("JSON machine description (overrides machine)"),
      llvm::cl::init("")};
  Option<Phase> phase{*this, "phase", llvm::cl::desc("What the plan runs"),
                      llvm::cl::init(Phase::Forward), phaseOptionValues()};
  Option<bool> recompute{*this, "recompute",
                         llvm::cl::desc("Recompute activations (train)"),
                         llvm::cl::init(false)};
  ListOption<std::string> recomputeModules{
      *this, "recompute-modules",
      llvm::cl::desc("Parts of each layer recomputed (train; selective: "
                     "core_attn, mla_up_proj, moe_act, mlp, moe)")};
  Option<bool> checkMemory{*this, "check-memory",
                           llvm::cl::desc("Fail when memory does not fit"),
                           llvm::cl::init(true)};
  Option<ReportFormat> format{
      *this, "format", llvm::cl::desc("How to write the report"),
      llvm::cl::init(ReportFormat::Text), formatOptionValues()};
  Option<std::string> output{*this, "output",
                             llvm::cl::desc("Report file ('-' is stdout)"),
                             llvm::cl::init("-")};
  Option<std::string> trace{*this, "trace", llvm::cl::desc("Chrome trace file"),
                            llvm::cl::init("")};

  /// Adds --moe-cost (with `cost`, completed by the shared options) and
  /// --moe-cost-report: the half every pipeline ends with.
  void addCostAndReport(OpPassManager &pm, MoECostOptions cost) const {
    cost.machine = machine;
    cost.machineFile = machineFile;
    cost.phase = phase;
    cost.recompute = recompute;
    cost.recomputeModules.assign(recomputeModules.begin(),
                                 recomputeModules.end());
    cost.checkMemory = checkMemory;
    pm.addPass(createMoECost(cost));
    MoECostReportOptions report;
    report.format = format;
    report.output = output;
    report.trace = trace;
    pm.addPass(createMoECostReport(report));
  }
};

struct GPUPipelineOptions : public CostReportOptions<GPUPipelineOptions> {
  static constexpr const char *kDefaultMachine = "h100-sxm";
  Option<int64_t> nodes{*this, "nodes", llvm::cl::desc("Nodes"),
                        llvm::cl::init(0)};
  Option<int64_t> gpusPerNode{*this, "gpus-per-node",
                              llvm::cl::desc("GPUs per node"),
                              llvm::cl::init(8)};
  Option<int64_t> ep{*this, "ep", llvm::cl::desc("Expert-parallel degree"),
                     llvm::cl::init(1)};
  Option<int64_t> dp{*this, "dp",
                     llvm::cl::desc("Data-parallel degree (0: derived)"),
                     llvm::cl::init(0)};
  Option<int64_t> tp{*this, "tp",
                     llvm::cl::desc("Tensor-parallel degree of attention and "
                                    "dense FFNs"),
                     llvm::cl::init(1)};
  Option<int64_t> cp{*this, "cp",
                     llvm::cl::desc("Context-parallel degree (--moe-gpu-plan)"),
                     llvm::cl::init(1)};
  Option<int64_t> foldCp{
      *this, "fold-cp",
      llvm::cl::desc("Context-parallel ranks a folded expert group takes "
                     "(--moe-gpu-plan)"),
      llvm::cl::init(0)};
  Option<int64_t> etp{
      *this, "etp",
      llvm::cl::desc("Expert tensor parallelism: 1 or tp (--moe-gpu-plan)"),
      llvm::cl::init(1)};
  Option<int64_t> pp{*this, "pp", llvm::cl::desc("Pipeline stages"),
                     llvm::cl::init(1)};
  Option<int64_t> virtualStages{
      *this, "virtual-stages",
      llvm::cl::desc("Model chunks per pipeline stage (interleaved 1F1B)"),
      llvm::cl::init(1)};
  Option<double> capacityFactor{
      *this, "capacity-factor",
      llvm::cl::desc("Dispatch capacity factor (0 keeps the program's)"),
      llvm::cl::init(0)};
  Option<double> imbalance{
      *this, "imbalance",
      llvm::cl::desc("Hottest expert's tokens over the mean (--moe-cost)"),
      llvm::cl::init(1.0)};
  Option<int64_t> hotExperts{
      *this, "hot-experts",
      llvm::cl::desc("How many experts imbalance= makes hot (--moe-cost)"),
      llvm::cl::init(1)};
  Option<double> zipf{
      *this, "zipf",
      llvm::cl::desc("Zipf exponent of the experts' loads (--moe-cost)"),
      llvm::cl::init(0.0)};
  Option<std::string> routingFile{
      *this, "routing-file",
      llvm::cl::desc("Experts' routed tokens from a router trace, JSON "
                     "(--moe-cost)")};
  Option<std::string> placementFile{
      *this, "placement-file",
      llvm::cl::desc("Experts each expert-parallel rank holds, JSON "
                     "(--moe-cost)")};
  Option<double> overlap{
      *this, "overlap",
      llvm::cl::desc("Fraction of collective time that may hide behind the "
                     "same layer's compute (0..1)"),
      llvm::cl::init(0.0)};
  Option<bool> epOverlap{
      *this, "ep-overlap",
      llvm::cl::desc("1F1B with expert-parallel all-to-all overlap "
                     "(--moe-cost)"),
      llvm::cl::init(false)};
  Option<bool> gradOverlap{
      *this, "grad-overlap",
      llvm::cl::desc("Gradient synchronisation beside the backward "
                     "(--moe-cost)"),
      llvm::cl::init(false)};
  Option<int64_t> microBatches{*this, "micro-batches",
                               llvm::cl::desc("Micro-batches per step"),
                               llvm::cl::init(1)};
  Option<bool> fp8{*this, "fp8",
                   llvm::cl::desc("GEMMs in FP8 (--moe-gpu-plan)"),
                   llvm::cl::init(false)};
  Option<bool> fp32Grads{
      *this, "fp32-grads",
      llvm::cl::desc("Weight gradients accumulated and reduced in FP32 "
                     "(--moe-gpu-plan)"),
      llvm::cl::init(false)};
  Option<bool> fold{
      *this, "fold",
      llvm::cl::desc("MoE parallel folding: experts split over ep x cp x "
                     "tp (--moe-gpu-plan)"),
      llvm::cl::init(false)};
  Option<Dispatcher> dispatcher{
      *this, "dispatcher",
      llvm::cl::desc("How tokens reach their experts (--moe-gpu-plan)"),
      llvm::cl::init(Dispatcher::AllToAll), dispatcherOptionValues()};
  Option<int64_t> zero{*this, "zero",
                       llvm::cl::desc("ZeRO stage (0 to 3; --moe-gpu-plan)"),
                       llvm::cl::init(0)};
};

void buildGPUPipeline(OpPassManager &pm, const GPUPipelineOptions &o) {
  MoEGPUPlanOptions plan;
  plan.ep = o.ep;
  plan.dp = o.dp;
  plan.tp = o.tp;
  plan.cp = o.cp;
  plan.foldCp = o.foldCp;
  plan.etp = o.etp;
  plan.pp = o.pp;
  plan.virtualStages = o.virtualStages;
  plan.nodes = o.nodes;
  plan.gpusPerNode = o.gpusPerNode;
  plan.capacityFactor = o.capacityFactor;
  plan.zero = o.zero;
  plan.fp8 = o.fp8;
  plan.fp32Grads = o.fp32Grads;
  plan.fold = o.fold;
  plan.dispatcher = o.dispatcher;
  plan.phase = o.phase;
  plan.machine = o.machine;
  plan.machineFile = o.machineFile;
  pm.addPass(createMoEGPUPlan(plan));

  MoECostOptions cost;
  cost.imbalance = o.imbalance;
  cost.hotExperts = o.hotExperts;
  cost.zipf = o.zipf;
  cost.routingFile = o.routingFile;
  cost.placementFile = o.placementFile;
  cost.overlap = o.overlap;
  cost.epOverlap = o.epOverlap;
  cost.gradOverlap = o.gradOverlap;
  cost.microBatches = o.microBatches;
  o.addCostAndReport(pm, cost);
}

struct WSEPipelineOptions : public CostReportOptions<WSEPipelineOptions> {
  static constexpr const char *kDefaultMachine = "cs2";
  Option<int64_t> systems{*this, "systems",
                          llvm::cl::desc("Wafer-scale systems"),
                          llvm::cl::init(1)};
  Option<int64_t> batch{*this, "batch",
                        llvm::cl::desc("Sequences per step (0: the program's)"),
                        llvm::cl::init(0)};
  Option<int64_t> seqLen{*this, "seq-len",
                         llvm::cl::desc("Tokens per sequence (0: the "
                                        "program's)"),
                         llvm::cl::init(0)};
  Option<TileCount> tiles{*this, "tiles",
                          llvm::cl::desc("Attention tiles per system, or "
                                         "'auto' (chosen by cost)"),
                          llvm::cl::init(TileCount{0})};
};

void buildWSEPipeline(OpPassManager &pm, const WSEPipelineOptions &o) {
  MoEWSEPlanOptions plan;
  plan.systems = o.systems;
  plan.batch = o.batch;
  plan.seqLen = o.seqLen;
  plan.tiles = o.tiles;
  plan.machine = o.machine;
  plan.machineFile = o.machineFile;
  plan.phase = o.phase;
  pm.addPass(createMoEWSEPlan(plan));
  o.addCostAndReport(pm, MoECostOptions());
}

} // namespace

void mlir::moe::registerMoEPipelines() {
  PassPipelineRegistration<GPUPipelineOptions>(
      "moe-gpu-pipeline",
      "Plan a moe program for an expert-parallel GPU grid "
      "(--moe-gpu-plan), cost it (--moe-cost) and write the report "
      "(--moe-cost-report)",
      buildGPUPipeline);
  PassPipelineRegistration<WSEPipelineOptions>(
      "moe-wse-pipeline",
      "Plan a moe program for wafer-scale systems with weight streaming and "
      "batch tiling on attention (--moe-wse-plan), cost it (--moe-cost) and "
      "write the report (--moe-cost-report)",
      buildWSEPipeline);
}
