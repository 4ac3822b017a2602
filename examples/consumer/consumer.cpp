//===- consumer.cpp - Use an installed moe-mlir -----------------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Registers the moe dialects and passes from an installed moe-mlir, parses a
// module, runs a pass pipeline on it and prints each op's #moe.cost:
//
//   moe-consumer layer.mlir "moe-gpu-plan{ep=2},moe-cost{machine=h100-sxm}"
//
// The pipeline is what runs on the module (no builtin.module() anchor).
//
//===----------------------------------------------------------------------===//

#include "moe/Cost/Passes.h"
#include "moe/Dialect/MoE/IR/MoEOps.h"
#include "moe/InitAllMoE.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    llvm::errs() << "usage: moe-consumer FILE.mlir PIPELINE\n";
    return 2;
  }
  mlir::moe::registerAllMoEPasses();
  mlir::DialectRegistry registry;
  mlir::moe::registerAllMoEDialects(registry);
  mlir::MLIRContext context(registry);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(argv[1], &context);
  if (!module)
    return 1;

  mlir::PassManager pm(&context);
  if (mlir::failed(mlir::parsePassPipeline(argv[2], pm, llvm::errs())) ||
      mlir::failed(pm.run(*module)))
    return 1;

  module->walk([](mlir::Operation *op) {
    auto cost = op->getAttrOfType<mlir::moe::CostAttr>(
        mlir::moe::MoEDialect::CostAttrHelper::getNameStr());
    if (!cost)
      return;
    llvm::outs() << op->getName() << ": "
                 << llvm::format("%g FLOP, %g bytes, %g network bytes, %g s",
                                 cost.getFlops(), cost.getBytes(),
                                 cost.getNetwork(), cost.getSeconds())
                 << " (" << mlir::moe::stringifyBound(cost.getBound()) << ")\n";
  });
  return 0;
}
