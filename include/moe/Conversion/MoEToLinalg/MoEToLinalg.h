//===- MoEToLinalg.h - Lower moe ops to linalg on tensors -------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_CONVERSION_MOETOLINALG_MOETOLINALG_H
#define MOE_CONVERSION_MOETOLINALG_MOETOLINALG_H

namespace mlir {
class Operation;
class RewritePatternSet;
} // namespace mlir

namespace mlir::moe {

/// Adds the patterns that lower every moe op to linalg, tensor, arith, math
/// and scf ops on tensors, with the semantics of docs/Spec.md. Each pattern
/// fails to match ops with a dynamic dimension.
void populateMoEToLinalgPatterns(RewritePatternSet &patterns);

/// True when every operand and result of `op` is a tensor of static shape,
/// which the moe-to-linalg patterns require.
bool hasStaticTensorShapes(Operation *op);

} // namespace mlir::moe

#endif // MOE_CONVERSION_MOETOLINALG_MOETOLINALG_H
