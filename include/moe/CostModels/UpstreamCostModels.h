//===- UpstreamCostModels.h - Cost models for upstream ops ------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// External models of CostModelOpInterface for the upstream ops MoE programs
// and their lowered plans use. One registration function per dialect.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COSTMODELS_UPSTREAMCOSTMODELS_H
#define MOE_COSTMODELS_UPSTREAMCOSTMODELS_H

namespace mlir {
class DialectRegistry;
namespace moe {

/// Every linalg structured op: contractions as GEMMs, the rest memory-bound.
void registerLinalgCostModels(DialectRegistry &registry);
/// arith and math: element-wise on tensors, free on scalars.
void registerElementwiseCostModels(DialectRegistry &registry);
/// tensor: views are free, data-moving ops memory-bound.
void registerTensorCostModels(DialectRegistry &registry);
/// shard collectives over the machine's links.
void registerShardCostModels(DialectRegistry &registry);
/// scf loops multiply their body; terminators and func.return are free.
void registerControlFlowCostModels(DialectRegistry &registry);

/// All of the above.
void registerUpstreamCostModels(DialectRegistry &registry);

} // namespace moe
} // namespace mlir

#endif // MOE_COSTMODELS_UPSTREAMCOSTMODELS_H
