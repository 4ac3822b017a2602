//===- moe-translate.cpp - The moe translation driver -----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// An mlir-translate for moe programs: importers from model descriptions
// (Hugging Face config.json) into the moe dialect.
//
//===----------------------------------------------------------------------===//

#include "moe/Target/HFConfig/HFConfig.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::moe::registerImportHFConfigTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "moe-mlir translation driver\n"));
}
