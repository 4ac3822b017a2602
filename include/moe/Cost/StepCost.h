//===- StepCost.h - What a step costs, op by op and in total ----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A step is priced in two halves that share moe/Cost/CostTypes.h. The first
// produces one OpEntry per op: what one instance of the op costs over the
// phase. The cost analysis builds entries from the IR
// (moe/Cost/CostAnalysis.h); the plan search's estimate builds them from the
// lowered ops of one layer of each kind and counts the identical layers
// (moe/Search/PlanSummary.h). The second half, priceStep, is the one step
// model both use: it hides collectives behind compute, pipelines weight
// streaming, schedules pipeline stages and totals time, traffic, parameters
// and memory per device (docs/CostModel.md gives every formula).
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COST_STEPCOST_H
#define MOE_COST_STEPCOST_H

#include "moe/Cost/CostTypes.h"

#include "mlir/IR/Location.h"

namespace mlir::moe {

/// Schedules `entries` (in program order, over `layers`) into a step on
/// `machine` and totals it. Rewrites each entry's `cost.total` to the time
/// on the step's critical path (collectives hidden behind compute, weight
/// streaming behind compute). Fails with an error at `loc` when the plan
/// cannot run (fewer decoder layers than pipeline stages, weights that do
/// not fit the wafer's external memory).
FailureOr<CostSummary> priceStep(MutableArrayRef<OpEntry> entries,
                                 ArrayRef<LayerRun> layers,
                                 const MachineModel &machine,
                                 const CostOptions &options,
                                 const StepShape &shape, Location loc);

/// The AdamW update of `params` elements (memory-bound), one step.
KernelCost priceOptimizerStep(const MachineModel &machine, double params);

} // namespace mlir::moe

#endif // MOE_COST_STEPCOST_H
