//===- moe-opt.cpp - The moe optimizer driver -------------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// An mlir-opt for moe programs: the moe dialect, its passes and cost models,
// the upstream dialects MoE programs and their plans use, and the upstream
// general-purpose passes (canonicalize, cse, ...) to compose with.
//
//===----------------------------------------------------------------------===//

#include "moe/InitAllMoE.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  mlir::moe::registerAllMoEPasses();

  mlir::DialectRegistry registry;
  mlir::moe::registerAllMoEDialects(registry);

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "moe-mlir optimizer driver: moe programs, plans and costs\n",
      registry));
}
