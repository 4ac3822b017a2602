//===- PlanSummary.h - A plan's cost without rewriting the IR ---*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Plan search prices hundreds of thousands of plans a second, so it cannot
// plan and cost a copy of the IR for each. It reads the program once into a
// ProgramSummary: its ops, with the identical consecutive layers merged into
// one layer that counts them (DeepSeek-V3's 58 MoE layers are one). To
// price a plan, the PlanEstimator lays the summary's ops out with the same
// plan rules the plan passes apply (moe/Plan/PlanLayout.h), measures each op
// on its local shapes with the same pricer the cost analysis uses (a clone
// of the op, measured once per distinct local shape and cached), and
// schedules the entries with the same step model (priceStep). Nothing about
// a plan is modelled twice: test/Transforms/moe-plan-search-agree.mlir
// checks that every plan of a search, lowered and costed as IR, agrees with
// its estimate.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SEARCH_PLANSUMMARY_H
#define MOE_SEARCH_PLANSUMMARY_H

#include "moe/Cost/CostAnalysis.h"
#include "moe/Cost/PipelineSchedule.h"
#include "moe/Plan/PlanLayout.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <unordered_map>
#include <vector>

namespace mlir::moe {

/// The program a search plans, read once.
struct ProgramSummary {
  ModuleOp module;
  FunctionOpInterface func;
  /// The program's token count, the sequence length every device keeps
  /// whole, and the largest expert count every MoE layer's count is a
  /// multiple of.
  int64_t tokens = 0, seqLen = 1, expertGcd = 1;
  /// The largest FFN width every MoE layer's expert width is a multiple
  /// of (0: no MoE layer), which expert tensor parallelism splits.
  int64_t expertFfnGcd = 0;
  /// Whether expert tensor parallelism over `tp > 1` ranks can split every
  /// MoE layer's experts (there are some, and `tp` divides their widths).
  bool canSplitExperts(int64_t tp) const {
    return tp > 1 && expertFfnGcd > 0 && expertFfnGcd % tp == 0;
  }
  /// The ops the estimate lays out and prices, in program order, with how
  /// often each runs per step (loop trip counts): every op but those of a
  /// layer identical to the one before it.
  struct SummaryOp {
    Operation *op;
    double runs;
    unsigned layer;
  };
  std::vector<SummaryOp> ops;
  /// The layer runs (names, how many identical layers each stands for,
  /// decoder or not).
  std::vector<LayerRun> layers;

  /// Reads a program that is not planned yet (one function with a body);
  /// fails with a diagnostic on anything it cannot summarise.
  static FailureOr<ProgramSummary> build(ModuleOp module);
};

/// One GPU plan.
struct GPUPlan {
  int64_t ep = 1, dp = 1, tp = 1, pp = 1, vpp = 1;
  /// Tokens per GPU per micro-batch and micro-batches per step.
  int64_t tokensPerDevice = 0, microBatches = 1;
  double capacityFactor = 0; ///< 0 keeps each layer's own
  /// Full recomputation, or (a mask of bits 1 << RecomputeModule) the
  /// modules selective recomputation recomputes.
  bool recompute = false;
  unsigned recomputeModules = 0;
  /// ZeRO stage (kMaxZeroStage).
  int64_t zero = 0;
  /// 16-bit GEMMs run in FP8.
  bool fp8 = false;
  /// Weight gradients accumulate and reduce in FP32.
  bool fp32Grads = false;
  /// MoE parallel folding: experts split over ep x cp x tp
  /// (PlanDegrees::fold).
  bool fold = false;
  /// Context-parallel degree and the cp ranks a folded expert group takes
  /// (PlanDegrees::cp, foldCp).
  int64_t cp = 1, foldCp = 0;
  /// Expert tensor parallelism: 1, or tp (PlanDegrees::etp).
  int64_t etp = 1;
  /// How tokens reach their experts (#moe.gpu_plan's dispatcher).
  Dispatcher dispatcher = Dispatcher::AllToAll;
  bool train = true;
  double overlap = 0;
  /// 1F1B with expert-parallel all-to-all overlap (CostOptions::epOverlap).
  bool epOverlap = false;
  /// Gradient synchronisation beside the backward (CostOptions::gradOverlap).
  bool gradOverlap = false;

  int64_t devices() const { return dp * ep * cp * tp * pp; }
  /// The degrees of one pipeline stage's grid.
  PlanDegrees degrees() const {
    return PlanDegrees{dp, ep, tp, fold, cp, foldCp, etp};
  }
  /// Devices in each expert-parallel group.
  int64_t expertDegree() const { return degrees().expertDegree(); }
};

struct PlanEstimate {
  double seconds = 0, tokensPerSecond = 0, mfu = 0;
  double memoryBytes = 0;
  /// The part of memoryBytes that is KV caches (serving steps).
  double kvCacheBytes = 0;
  double modelFlops = 0;
  Bound bound = Bound::none;
  /// Seconds under each bound (compute, memory, network, ...).
  BoundSeconds boundSeconds;
};

/// Prices GPU plans of one program on one machine.
class PlanEstimator {
public:
  /// `routing` spreads the routed tokens over the experts (uniform by
  /// default), as the cost options of the lowered plan do.
  /// `selective` (bits 1 << RecomputeModule) are the modules a plan with
  /// selective recomputation recomputes.
  PlanEstimator(const ProgramSummary &summary, const MachineModel &machine,
                RoutingModel routing = {}, unsigned selective = 0);
  ~PlanEstimator();

  /// The plan's step time, throughput and memory per device. Fails when a
  /// plan rule rejects the plan (a degree that does not divide the heads);
  /// `reason` receives the rule's error.
  FailureOr<PlanEstimate> estimate(const GPUPlan &plan,
                                   std::string *reason = nullptr);

private:
  struct Scratch;
  /// A plan's ops laid out and measured: what each adds to the step. The
  /// same for every plan with the same grid, tokens, capacity factor and
  /// phase.
  struct LaidOut {
    struct Item {
      Operation *op;
      const OpWork *work;
      double runs;
      unsigned layer;
      double instances;
      unsigned stageLayer;
    };
    std::vector<Item> items;
    /// Devices that replicate each weight whose gradient is synchronised.
    llvm::DenseMap<Value, int64_t> syncGroups;
    /// Why the plan rules reject the plan (empty when they do not).
    std::string error;
  };
  FailureOr<const LaidOut *> layOut(const GPUPlan &plan, std::string *reason);
  const OpWork &measureOp(Operation *op, const FunctionLayout &layout,
                          const PlanLayoutState &state, const GPUPlan &plan);
  const OpWork &measureCollective(const Kernel &kernel, double inputBytes,
                                  double resultBytes, const GPUPlan &plan);
  /// What measuring an op for `plan` prices: its phase and precisions.
  CostOptions measureOptions(const GPUPlan &plan) const;

  const ProgramSummary &summary;
  MachineModel machine;
  RoutingModel routing;
  unsigned selective = 0;
  llvm::DenseSet<Value> weights;
  std::unique_ptr<Scratch> scratch;
  /// Measured ops and collectives, by what they depend on (a key of
  /// integers or of figures), hashed.
  std::unordered_map<std::vector<int64_t>, OpWork, IntegerKeyHash> opWork;
  std::unordered_map<std::vector<int64_t>, OpWork, IntegerKeyHash>
      collectiveWork;
  std::unordered_map<std::vector<int64_t>, LaidOut, IntegerKeyHash> laidOut;
  /// Pipeline schedules run, shared by the plans whose stages do the same
  /// work (the ZeRO stages of one layout).
  std::unique_ptr<PipelineScheduleCache> schedules;
};

} // namespace mlir::moe

#endif // MOE_SEARCH_PLANSUMMARY_H
