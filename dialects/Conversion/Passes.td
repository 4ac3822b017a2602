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

//===----------------------------------------------------------------------===//
// ConvertWSEToSCF
//===----------------------------------------------------------------------===//

def ConvertWSEToSCF : Pass<"convert-wse-to-scf"> {
  let summary = "Lower the wse ops of a wafer-scale plan to scf and tensor";
  let description = [{
    Gives a wafer-scale plan's forward program its executable meaning:

    - `wse.batch_tiles %x tiles = G` becomes an `scf.for` over the `G` tiles:
      `tensor.extract_slice` cuts tile `i` out of the input, the body runs on
      it, and `tensor.insert_slice` writes its result into rows
      `[i * R', (i + 1) * R')` of the result (the regrouping of BTA).
    - `wse.stream_weights %w` is the wafer copy of `%w`: its uses read `%w`.

    `wse.reduce_gradients` and `wse.optimizer_step` stand for a training
    step's backward pass and MemoryX's update, which the program does not
    compute; a module that has them is rejected with an error naming the
    op (plan with `phase=forward` to run the step's forward pass).

    Example: `moe-opt planned.mlir --convert-wse-to-scf --convert-moe-to-linalg`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

//===----------------------------------------------------------------------===//
// MoESimulateGrid
//===----------------------------------------------------------------------===//

def MoESimulateGrid : Pass<"moe-simulate-grid", "::mlir::ModuleOp"> {
  let summary = "Run every device of a planned grid on one host";
  let description = [{
    A plan (`--moe-gpu-plan`, `--moe-wse-plan`) is the program one device of
    a `shard.grid` runs. This pass rebuilds the whole program from it, so
    that the plan can be executed on one CPU and compared with the program
    it came from:

    - each function takes and returns the tensors of the unplanned program:
      an argument or result marked `moe.split_axes = #shard<axisarray[...]>`
      (set by the plans; `shard.sharding`'s notation: entry `d` lists the
      grid axes that dimension `d` is split over) is `N` times larger along
      each split dimension, `N` the product of those axes' sizes; unmarked
      ones are replicated;
    - the body runs once per device (row-major device order) on the
      device's block of each argument, cut out with `tensor.extract_slice`;
    - each collective becomes the tensor ops that move the devices' values:
      `shard.all_to_all` slices and concatenates, `shard.all_gather`
      concatenates, `shard.all_reduce` / `shard.reduce_scatter` combine the
      group's values in device order (`sum`, `max`, `min`, `product`),
      `shard.all_slice` slices; `shard.process_linear_index`,
      `shard.process_multi_index` and `shard.grid_shape` become constants;
    - split results are reassembled from the devices' blocks; replicated
      results are device 0's.

    The grid is removed, and so is `moe.plan`: the result is an unplanned
    program again. A module without a grid is left as it is.

    Errors: more than one grid, a grid with a dynamic size or more devices
    than `max-devices`, a collective inside a region or one without a
    simulation (broadcast, send, recv, ...), a gradient all-reduce
    (`moe.grad_sync`: a training plan's backward pass is not in the
    program), a malformed `moe.split_axes`, calls between planned functions.

    Example: `moe-opt layer.mlir --moe-gpu-plan="ep=2 dp=2" --moe-simulate-grid`.
  }];
  let options = [
    Option<"maxDevices", "max-devices", "int64_t", "64",
           "Largest grid to simulate (the body is copied once per device)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // MOE_CONVERSION_PASSES_TD
