//===- MoEPlugin.cpp - moe-mlir as a plugin for upstream mlir-opt -*- C++ -*-=//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// One shared object with both plugin entry points, so upstream tools load
// the moe dialect, its cost models and every moe pass:
//
//   mlir-opt --load-dialect-plugin=libMoEPlugin.so \
//            --load-pass-plugin=libMoEPlugin.so --moe-cost in.mlir
//
// The dialect and the passes live in this one object: two plugins that each
// carried the dialect would define every moe global twice.
//
//===----------------------------------------------------------------------===//

#include "moe/InitAllMoE.h"

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "MoEDialect", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            mlir::moe::registerMoEDialectAndModels(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "MoEPasses", LLVM_VERSION_STRING,
          []() { mlir::moe::registerAllMoEPasses(); }};
}
