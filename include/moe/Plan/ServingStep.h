//===- ServingStep.h - Reshape a program into a serving step ----*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A model program (one imported with moe-translate, a prefill or a decode
// step) reshaped into the serving step a serving plan runs: a prefill of
// whole prompts, or a decode step over KV caches.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_PLAN_SERVINGSTEP_H
#define MOE_PLAN_SERVINGSTEP_H

#include "mlir/IR/BuiltinOps.h"

namespace mlir::moe {

struct ServingStepShape {
  /// Sequences in the step and new tokens of each.
  int64_t sequences = 1, newTokens = 1;
  /// Tokens each sequence already holds in its KV cache; 0 gives a step
  /// without caches (a prefill of whole prompts).
  int64_t context = 0;
  /// Element type of the KV caches; null keeps the program's (or the
  /// activations').
  Type cacheType;
};

/// Rewrites every function of `module` into the step `shape` describes:
/// attention ops get `seq_len = newTokens` and caches of `context` tokens
/// (function arguments, added or re-typed; removed when `context` is 0),
/// every dispatch becomes dropless (serving engines drop no token) and the
/// token tensors hold `sequences * newTokens` tokens. Fails with a
/// diagnostic when the program cannot take that shape.
LogicalResult makeServingStep(ModuleOp module, const ServingStepShape &shape);

/// KV cache bytes one token adds over all the attention ops of `module`
/// (a program with caches); 0 when it has none.
double getKvBytesPerToken(ModuleOp module);

} // namespace mlir::moe

#endif // MOE_PLAN_SERVINGSTEP_H
