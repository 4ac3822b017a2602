//===- BenchUtils.h - Shared set-up of the benchmarks -----------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_BENCH_BENCHUTILS_H
#define MOE_BENCH_BENCHUTILS_H

#include "moe/InitAllMoE.h"
#include "moe/Search/PlanSummary.h"
#include "moe/Target/HFConfig/HFConfig.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdlib>
#include <memory>

/// A shipped config (examples/configs/NAME) imported once.
struct ImportedModel {
  mlir::DialectRegistry registry;
  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> module;

  explicit ImportedModel(llvm::StringRef name) {
    mlir::moe::registerAllMoEDialects(registry);
    context = std::make_unique<mlir::MLIRContext>(registry);
    context->loadAllAvailableDialects();
    std::string path =
        (llvm::Twine(MOE_SOURCE_DIR) + "/examples/configs/" + name).str();
    auto buffer = llvm::MemoryBuffer::getFile(path);
    if (!buffer) {
      llvm::errs() << "cannot read " << path << "\n";
      std::abort();
    }
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
    module = mlir::moe::importHFConfig(sourceMgr, context.get(),
                                       mlir::moe::HFImportOptions());
    if (!module)
      std::abort();
  }
};

inline mlir::moe::ProgramSummary cantFailSummary(mlir::ModuleOp module) {
  mlir::FailureOr<mlir::moe::ProgramSummary> summary =
      mlir::moe::ProgramSummary::build(module);
  if (mlir::failed(summary))
    std::abort();
  return *summary;
}

#endif // MOE_BENCH_BENCHUTILS_H
