//===- moe-lsp-server.cpp - The moe language server -------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// An mlir-lsp-server that knows the moe dialect and the upstream dialects moe
// programs and plans use: diagnostics (parse and verifier errors), hover,
// go-to-definition and completion for .mlir files in editors (VS Code's MLIR
// extension: set "mlir.server_path" to this binary).
//
//===----------------------------------------------------------------------===//

#include "moe/InitAllMoE.h"

#include "mlir/Tools/mlir-lsp-server/MlirLspServerMain.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::moe::registerAllMoEDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirLspServerMain(argc, argv, registry));
}
