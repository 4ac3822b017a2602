//===- Pipeline.cpp - The --moe-lower-to-llvm pipeline --------------------===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// From moe ops to the LLVM dialect for mlir-runner on the CPU. The aim is a
// reference execution, not speed: linalg becomes plain loops, nothing is
// tiled, vectorized or fused, so results are reproducible bit for bit.
//
//===----------------------------------------------------------------------===//

#include "moe/Conversion/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

void mlir::moe::buildMoELowerToLLVMPipeline(OpPassManager &pm) {
  // A plan runs as the whole program it came from: every device of its grid
  // on this host, the wafer's weight streaming as identities and its batch
  // tiles as a loop.
  pm.addPass(createMoESimulateGrid());
  pm.addPass(createConvertWSEToSCF());
  pm.addPass(createConvertMoEToLinalg());
  // Residual adds are arith ops on whole tensors (docs/Spec.md); make them
  // linalg.generics so that they bufferize.
  pm.addPass(createConvertElementwiseToLinalgPass());

  // Identity layouts at function boundaries, so that a caller can hand a
  // buffer straight to the runner's print functions.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Free every buffer the program allocates (one-shot bufferization only
  // allocates), so that long programs do not leak.
  bufferization::buildBufferDeallocationPipeline(pm);
  // The deallocation pipeline leaves bufferization.clone for returned
  // buffers.
  pm.addPass(createConvertBufferizationToMemRefPass());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Subviews (from slices) become explicit offsets and strides.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  // erf has no LLVM intrinsic: call the C library's erff/erf.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::moe::registerMoELowerToLLVMPipeline() {
  PassPipelineRegistration<>(
      "moe-lower-to-llvm",
      "Lower moe programs to the LLVM dialect for mlir-runner on the CPU "
      "(moe-simulate-grid, convert-wse-to-scf, convert-moe-to-linalg, "
      "elementwise to linalg, one-shot-bufferize, "
      "linalg to loops, LLVM)",
      buildMoELowerToLLVMPipeline);
}

void mlir::moe::registerMoELowerToLLVMDependencies(DialectRegistry &registry) {
  registry.insert<bufferization::BufferizationDialect, memref::MemRefDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
}
