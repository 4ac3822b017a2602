//===- CostAnalysis.h - Whole-program cost on a machine ---------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Walks a module from its entry functions, prices every op's kernels on a
// machine (moe/Cost/Roofline.h) into an entry (moe/Cost/StepCost.h), and
// schedules the entries into a step with priceStep.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COST_COSTANALYSIS_H
#define MOE_COST_COSTANALYSIS_H

#include "moe/Cost/StepCost.h"
#include "moe/Support/OpLocation.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"

#include <vector>

namespace mlir::moe {

/// What one execution of an op does, priced on a machine: its kernels'
/// forward and backward time and traffic, the weights it reads, what it
/// keeps for the backward pass and keeps live. Independent of how often the
/// op runs, of micro-batches and of recomputation, so the plan search can
/// measure each distinct op once.
struct OpWork {
  KernelCost forward, backward;
  /// The forward kernels a recomputing backward pass runs again: all of
  /// them (full recomputation), or those of the selected modules and the
  /// saved bytes they free (selective).
  KernelCost recompute, selectiveRecompute;
  double selectiveFreedBytes = 0;
  /// Backward-only kernels (gradient synchronisation): one all-reduce of
  /// the gradients at their precision, and the same collective at the
  /// weights' width (what ZeRO's weight all-gathers move).
  KernelCost gradSync, weightSync;
  /// Model FLOPs of one execution (3x the forward's for a training step).
  double modelFlops = 0;
  /// The weights it reads: the weight, its bytes and elements, and the
  /// fraction of it one token uses.
  struct Weight {
    Value weight;
    double bytes = 0, count = 0, activeFraction = 1;
  };
  SmallVector<Weight, 4> weights;
  double savedBytes = 0, liveBytes = 0, inputBytes = 0;
  /// Bytes of the serving caches it reads.
  double cacheBytes = 0;
  OpRole role = OpRole::Compute;
  KernelList kernels;
};

/// Prices ops into entries, in the order they are first priced, with the
/// layer runs they belong to. The cost analysis prices the ops of the IR
/// (one run per layer name); the plan search's estimate prices the lowered
/// ops of one layer of each kind into the runs of identical layers.
class OpPricer {
public:
  OpPricer(const MachineModel &machine, const CostOptions &options)
      : machine(machine), options(options) {}

  /// What one execution of `op` (its kernels) does.
  OpWork measure(Operation *op, CostModelOpInterface costOp,
                 const KernelList &kernels) const;
  /// What a collective that is not (yet) an op does: `kernel`, reading
  /// `inputBytes` and writing `resultBytes`.
  OpWork measure(const Kernel &kernel, double inputBytes,
                 double resultBytes) const;

  /// Prices `op` of the IR, `runs` times per micro-batch, into its entry
  /// (an op priced again, in a function called twice, adds to it).
  void price(Operation *op, CostModelOpInterface costOp,
             const KernelList &kernels, double runs);
  /// Gives `op` an entry costing nothing: an op whose sizes are unknown
  /// (a warning says so) is annotated with zeros, not left out.
  void priceAsZero(Operation *op, double runs);

  /// Adds `work`, `runs` times per micro-batch of each of `instances`
  /// identical ops of layer run `layer`, to the entry of `key` (a new entry
  /// when `key` is null or new). The first reader of a weight owns its
  /// optimizer step; the first op of a layer saves the layer's input.
  OpEntry &add(Operation *key, const OpWork &work, double runs, unsigned layer,
               double instances);

  /// The layer run of `op`'s layer name, created when new.
  unsigned getLayer(Operation *op);

  /// The largest load of an expert-parallel rank over a balanced share in
  /// the kernels measured so far (1 when routing is balanced).
  double getRoutingLoad() const { return routingLoad; }

  /// Values the wafer streams out as they are produced (the program's
  /// outputs): not in its SRAM.
  llvm::DenseSet<Value> streamedOut;

  /// The plan's ZeRO stage, and for each weight whose gradient is
  /// synchronised the devices that replicate it (the group ZeRO shards its
  /// state over). Set before the first add().
  int64_t zeroStage = 0;
  llvm::DenseMap<Value, int64_t> syncGroups;

  std::vector<OpEntry> entries;
  std::vector<LayerRun> layers;

private:
  /// `kernel` as the most loaded expert-parallel rank runs it under the
  /// options' routing (unchanged when routing is uniform or the kernel is
  /// not routed). `layer` names the layer for a router trace.
  Kernel applyRouting(const Kernel &kernel, StringRef layer) const;
  /// Adds the gradient synchronisation `kernel` (at its weight's width) to
  /// `work`.
  void priceSync(const Kernel &kernel, OpWork &work) const;

  const MachineModel &machine;
  const CostOptions &options;
  llvm::DenseSet<Value> seenParams;
  llvm::StringMap<unsigned> layerIndex;
  llvm::DenseMap<Operation *, unsigned> entryIndex;
  /// Layers whose first op has been added.
  llvm::DenseSet<unsigned> startedLayers;
  /// What measuring observed (measure() is otherwise pure).
  mutable double routingLoad = 1;
};

class CostAnalysis {
public:
  /// Costs `module`; warns about ops without a cost model; fails (with an
  /// error emitted) only on programs it cannot cost at all.
  static FailureOr<CostAnalysis>
  run(ModuleOp module, const MachineModel &machine, const CostOptions &options);

  /// Per-op costs in program order.
  const llvm::MapVector<Operation *, OpCost> &getOpCosts() const {
    return opCosts;
  }
  const CostSummary &getSummary() const { return summary; }

private:
  llvm::MapVector<Operation *, OpCost> opCosts;
  CostSummary summary;
};

/// Checks the options every step is priced with; an error at `loc` naming
/// the option otherwise.
LogicalResult verifyCostOptions(const CostOptions &options, Location loc);

} // namespace mlir::moe

#endif // MOE_COST_COSTANALYSIS_H
