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

/// Prices ops into entries: one per op, in the order they are first priced,
/// with the layer runs they belong to (one per layer name). The cost
/// analysis prices the ops of the IR; the plan search's estimate prices the
/// lowered ops of one layer of each kind.
class OpPricer {
public:
  OpPricer(const MachineModel &machine, const CostOptions &options)
      : machine(machine), options(options) {}

  /// Prices `op` (its kernels, `runs` times per micro-batch) into its entry.
  /// An op priced again (a function called twice) adds to the same entry.
  void price(Operation *op, CostModelOpInterface costOp,
             const KernelList &kernels, double runs);

  /// Values the wafer streams out as they are produced (the program's
  /// outputs): not in its SRAM.
  llvm::DenseSet<Value> streamedOut;

  llvm::MapVector<Operation *, OpEntry> entries;
  std::vector<LayerRun> layers;

private:
  Kernel applyImbalance(const Kernel &kernel) const;
  /// The layer run of `op`'s layer, and whether it was created for it.
  std::pair<unsigned, bool> getLayer(Operation *op);

  const MachineModel &machine;
  const CostOptions &options;
  llvm::DenseSet<Value> seenParams;
  llvm::StringMap<unsigned> layerIndex;
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
