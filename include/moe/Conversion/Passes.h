//===- Passes.h - moe conversion passes and pipelines -----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_CONVERSION_PASSES_H
#define MOE_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class DialectRegistry;
class OpPassManager;
} // namespace mlir

namespace mlir::moe {

#define GEN_PASS_DECL
#include "moe/Conversion/Passes.h.inc"

/// Adds `--moe-lower-to-llvm` to `pm`: moe-simulate-grid, convert-wse-to-scf,
/// convert-moe-to-linalg, one-shot
/// bufferization across function boundaries, linalg to loops, and scf, cf,
/// arith, math, memref and func to the LLVM dialect, so that `mlir-runner`
/// can execute the result on the CPU.
void buildMoELowerToLLVMPipeline(OpPassManager &pm);

/// Registers the `--moe-lower-to-llvm` pass pipeline.
void registerMoELowerToLLVMPipeline();

/// Dialects a program to be lowered by `--moe-lower-to-llvm` may contain
/// besides moe's (memref, bufferization: a `main` that prints results), and
/// the bufferization models of the dialects the lowering produces.
void registerMoELowerToLLVMDependencies(DialectRegistry &registry);

#define GEN_PASS_REGISTRATION
#include "moe/Conversion/Passes.h.inc"

} // namespace mlir::moe

#endif // MOE_CONVERSION_PASSES_H
