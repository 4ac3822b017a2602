//===- Passes.td - moe conversion passes -------------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_CONVERSION_PASSES_TD
#define MOE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// ConvertMoEToLinalg
//===----------------------------------------------------------------------===//

def ConvertMoEToLinalg : Pass<"convert-moe-to-linalg"> {
  let summary = "Lower every moe op to linalg, tensor, arith, math and scf";
  let description = [{
    Gives every `moe` op its executable meaning, exactly as docs/Spec.md
    states it, on tensors with static shapes:

    - `moe.router`: `linalg.matmul` for the logits, `linalg.generic`s for
      softmax or sigmoid, the selection bias, group-limited routing,
      renormalization and scale. Top-k is a rank computation: expert `e` is
      chosen in column `r` when exactly `r` experts beat it (a higher score,
      or an equal score and a lower index), so ties go to the lower index.
    - `moe.dispatch` / `moe.combine`: the sequential slot assignment of the
      spec as an `scf.for` over the `(token, choice)` pairs on small index
      tensors; the data movement is a parallel `linalg.generic` gather.
      Choices past the capacity are dropped: no slot, zero contribution, no
      renormalization of the remaining weights.
    - `moe.experts` / `moe.ffn`: `linalg.batch_matmul` / `linalg.matmul` and
      element-wise activations (`math.exp`, `math.erf`).
    - `moe.attention` / `moe.mla_attention`: per-sequence scores, mask
      (causal, window), softmax and weighted values as `linalg.generic`s
      over `tensor.expand_shape`d heads; RoPE and QK-norm are not part of the
      ops' values (see the spec).
    - `moe.rms_norm`, `moe.embedding`: `linalg.generic`s.

    Element types narrower than f32 are computed in f32 and rounded once at
    the end of each op. Ops with a dynamic dimension are rejected with an
    error: capacity, sequence count and head layout are computed at compile
    time.

    Example: `moe-opt layer.mlir --convert-moe-to-linalg`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // MOE_CONVERSION_PASSES_TD
