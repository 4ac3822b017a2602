//===- Passes.h - Plan passes -----------------------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_TRANSFORMS_PASSES_H
#define MOE_TRANSFORMS_PASSES_H

#include "moe/Dialect/WSE/IR/WSEDialect.h"
#include "moe/Support/Options.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir::moe {

#define GEN_PASS_DECL
#include "moe/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "moe/Transforms/Passes.h.inc"

/// Registers `--moe-gpu-pipeline` and `--moe-wse-pipeline` (plan, cost,
/// report in one).
void registerMoEPipelines();

} // namespace mlir::moe

#endif // MOE_TRANSFORMS_PASSES_H
