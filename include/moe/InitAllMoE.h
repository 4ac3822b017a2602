//===- InitAllMoE.h - Register everything moe-mlir provides -----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// One place for tools and plugins to register the moe dialect, the upstream
// dialects moe programs and plans use, their cost models, and every pass.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_INITALLMOE_H
#define MOE_INITALLMOE_H

#include "moe/Conversion/Passes.h"
#include "moe/Cost/Passes.h"
#include "moe/CostModels/UpstreamCostModels.h"
#include "moe/Dialect/MoE/IR/MoEDialect.h"
#include "moe/Dialect/WSE/IR/WSEDialect.h"
#include "moe/Report/Passes.h"
#include "moe/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

namespace mlir::moe {

/// The moe dialect and the cost models of the upstream ops it works with.
inline void registerMoEDialectAndModels(DialectRegistry &registry) {
  registry.insert<MoEDialect>();
  registerUpstreamCostModels(registry);
}

/// The moe dialect plus the dialects moe programs and plans use: the wse
/// plan dialect and upstream ones.
inline void registerAllMoEDialects(DialectRegistry &registry) {
  registerMoEDialectAndModels(registry);
  registry.insert<wse::WSEDialect>();
  registry.insert<arith::ArithDialect, DLTIDialect, func::FuncDialect,
                  linalg::LinalgDialect, math::MathDialect, scf::SCFDialect,
                  shard::ShardDialect, tensor::TensorDialect>();
  registerMoELowerToLLVMDependencies(registry);
}

/// Every moe-mlir pass.
inline void registerAllMoEPasses() {
  registerMoECostPasses();
  registerMoEReportPasses();
  registerMoEConversionPasses();
  registerMoELowerToLLVMPipeline();
  registerMoETransformsPasses();
  registerMoEPipelines();
}

} // namespace mlir::moe

#endif // MOE_INITALLMOE_H
