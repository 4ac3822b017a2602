//===- WSEDialect.td - The wse plan dialect ----------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_WSE_IR_WSEDIALECT_TD
#define MOE_DIALECT_WSE_IR_WSEDIALECT_TD

include "mlir/IR/OpBase.td"

def WSE_Dialect : Dialect {
  let name = "wse";
  let cppNamespace = "::mlir::wse";
  let summary = "Weight-streaming execution plans for wafer-scale engines";
  let description = [{
    The `wse` dialect makes a Cerebras-style weight-streaming plan explicit
    in the IR of a `moe` program (`--moe-wse-plan`). Every system of the
    plan runs the same program on its share of the sequences (pure data
    parallelism); weights live in external memory (MemoryX) and reach the
    wafer through a broadcast/reduce fabric (SwarmX):

    - `wse.stream_weights` brings a weight onto the wafer (forward, and again
      for the backward pass);
    - `wse.reduce_gradients` sends a weight's gradient back, summed over the
      systems on the way (backward only);
    - `wse.optimizer_step` updates the weight in MemoryX, off the wafer;
    - `wse.batch_tiles` runs its body (attention) once per tile of `B`
      sequences and concatenates the tiles back into the `G * B` sequences
      the rest of the layer (router, experts) sees: Batch Tiling on
      Attention (BTA).

    Local compute stays in `moe` ops. The semantics and the cost of every op
    are in docs/Plans.md and docs/CostModel.md ("Wafer-scale plans").
  }];
}

class WSE_Op<string mnemonic, list<Trait> traits = []>
    : Op<WSE_Dialect, mnemonic, traits>;

#endif // MOE_DIALECT_WSE_IR_WSEDIALECT_TD
