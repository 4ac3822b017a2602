//===- Passes.h - The report pass -------------------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_REPORT_PASSES_H
#define MOE_REPORT_PASSES_H

#include "moe/Support/Options.h"

#include "mlir/Pass/Pass.h"

namespace mlir::moe {

#define GEN_PASS_DECL
#include "moe/Report/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "moe/Report/Passes.h.inc"

} // namespace mlir::moe

#endif // MOE_REPORT_PASSES_H
