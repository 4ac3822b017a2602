//===- Passes.h - The cost pass ---------------------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COST_PASSES_H
#define MOE_COST_PASSES_H

#include "moe/Support/Options.h"

#include "mlir/Pass/Pass.h"

namespace mlir::moe {

#define GEN_PASS_DECL
#include "moe/Cost/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "moe/Cost/Passes.h.inc"

} // namespace mlir::moe

#endif // MOE_COST_PASSES_H
