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

#include "moe/Support/Output.h"
#include "moe/Target/HFConfig/HFConfig.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "llvm/ADT/SmallVector.h"

int main(int argc, char **argv) {
  mlir::moe::installOutputErrorHandler("moe-translate");
  mlir::moe::registerImportHFConfigTranslation();

  // Print locations by default: the importer's NameLocs ("layers.3.mlp")
  // are what lets moe-opt's diagnostics and cost reports name layers, and
  // the textual form drops them otherwise. A later
  // --mlir-print-debuginfo=false on the command line still wins.
  llvm::SmallVector<char *> args(argv, argv + argc);
  static char printDebugInfo[] = "--mlir-print-debuginfo";
  args.insert(args.begin() + std::min(argc, 1), printDebugInfo);
  return mlir::failed(mlir::mlirTranslateMain(static_cast<int>(args.size()),
                                              args.data(),
                                              "moe-mlir translation driver\n"));
}
