//===- RecomputeModule.h - Parts of a layer to recompute -------*- C++ -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_SUPPORT_RECOMPUTEMODULE_H
#define MOE_SUPPORT_RECOMPUTEMODULE_H

#include "llvm/ADT/StringRef.h"

namespace mlir::moe {

/// Parts of a layer that selective recomputation recomputes in the backward
/// pass instead of keeping their activations (Megatron-Core's
/// `recompute_modules`).
enum class RecomputeModule {
  /// The attention core (softmax(QK^T)V): its output and statistics.
  CoreAttn,
  /// MLA's up-projections: the per-head queries, keys and values, rebuilt
  /// from the saved latents.
  MlaUpProj,
  /// The experts' activation function (SwiGLU): its output.
  MoeAct,
  /// Dense FFNs (moe.ffn, shared experts included): all but their input.
  Mlp,
  /// The whole MoE block (router, dispatch, experts, combine): all but the
  /// block's input.
  Moe,
};
constexpr unsigned kNumRecomputeModules = 5;
/// Its name in options and reports ("core_attn", ...).
llvm::StringRef stringifyRecomputeModule(RecomputeModule module);

} // namespace mlir::moe

#endif // MOE_SUPPORT_RECOMPUTEMODULE_H
