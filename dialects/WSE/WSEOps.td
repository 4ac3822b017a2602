//===- WSEOps.td - wse dialect operations ------------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_WSE_IR_WSEOPS_TD
#define MOE_DIALECT_WSE_IR_WSEOPS_TD

include "WSE/WSEDialect.td"
include "Interfaces/CostModelOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

def WSE_FloatTensor : RankedTensorOf<[AnyFloat]>;
def WSE_Float2D : 2DTensorOf<[AnyFloat]>;
def WSE_PositiveI64 : ConfinedAttr<I64Attr, [IntPositive]>;

// The result of an op with this trait is a copy of its first operand, a
// trainable weight, placed elsewhere: the cost model keeps treating it as the
// weight (moe::isParameter looks through it).
def WSE_WeightCopy : NativeOpTrait<"WeightCopy"> {
  let cppNamespace = "::mlir::OpTrait::moe";
}

// Where MemoryX keeps weights and optimizer state: the optimizer step writes
// it, so it is not dead code although it has no result.
def WSE_MemoryXResource : Resource<"::mlir::wse::MemoryXResource">;

//===----------------------------------------------------------------------===//
// Weights and gradients
//===----------------------------------------------------------------------===//

def WSE_StreamWeightsOp : WSE_Op<"stream_weights", [Pure, WSE_WeightCopy,
    AllTypesMatch<["weight", "result"]>,
    DeclareOpInterfaceMethods<CostModelOpInterface,
        ["getKernels", "getSavedActivationBytes"]>]> {
  let summary = "Stream a weight from MemoryX over SwarmX onto the wafer";
  let description = [{
    Broadcasts `weight` from external memory (MemoryX) through the SwarmX
    broadcast tree to each of the `systems` wafers. The result is the wafer
    copy the layer's ops read; it holds the same values. Weight streaming is
    the only way weights reach the wafer: one layer's weights stream in
    while the previous layer computes.

    Cost: `bytes / weight_stream_bandwidth + ceil(log2(systems)) *
    inter_node_latency`, bound `weight_io`, once in the forward pass and
    once more in the backward pass (the weights are streamed again for the
    input and weight gradients; Cerebras, "Weight Streaming Execution").
    GEMMs that read the result stream nothing themselves.

    Example:

    ```mlir
    %w = wse.stream_weights %wq systems = 4 : tensor<2048x4096xbf16>
    ```
  }];
  let arguments = (ins WSE_FloatTensor:$weight, WSE_PositiveI64:$systems);
  let results = (outs WSE_FloatTensor:$result);
  let assemblyFormat = [{
    $weight `systems` `=` $systems attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def WSE_ReduceGradientsOp : WSE_Op<"reduce_gradients", [Pure,
    AllTypesMatch<["weight", "gradient"]>,
    DeclareOpInterfaceMethods<CostModelOpInterface,
        ["getKernels", "getSavedActivationBytes"]>]> {
  let summary = "Send a weight's gradient back to MemoryX, summed over systems";
  let description = [{
    The gradient of the wafer copy `weight` (computed by the backward pass,
    which is implicit in a forward program) streams from each of the
    `systems` wafers back through SwarmX, which sums it across systems at
    line rate on the way to MemoryX. The result is the reduced gradient in
    MemoryX.

    Cost (backward pass only): `bytes / weight_stream_bandwidth +
    ceil(log2(systems)) * inter_node_latency`, bound `weight_io`. Gradients
    leave on the other direction of the link from the weights that stream
    in, so the two overlap.

    Example:

    ```mlir
    %g = wse.reduce_gradients %w systems = 4 : tensor<2048x4096xbf16>
    ```
  }];
  let arguments = (ins WSE_FloatTensor:$weight, WSE_PositiveI64:$systems);
  let results = (outs WSE_FloatTensor:$gradient);
  let assemblyFormat = [{
    $weight `systems` `=` $systems attr-dict `:` type($gradient)
  }];
  let hasVerifier = 1;
}

def WSE_OptimizerStepOp : WSE_Op<"optimizer_step", [
    AllTypesMatch<["weight", "gradient"]>,
    MemoryEffects<[MemRead<WSE_MemoryXResource>,
                   MemWrite<WSE_MemoryXResource>]>,
    DeclareOpInterfaceMethods<CostModelOpInterface,
        ["getKernels", "getSavedActivationBytes"]>]> {
  let summary = "Update a weight in MemoryX from its reduced gradient";
  let description = [{
    Applies the optimizer (`adamw`) to `weight`, the MemoryX copy, with the
    reduced `gradient`, in MemoryX: MemoryX holds the weights and the
    optimizer state and performs the update (Cerebras, MemoryX glossary).
    The wafer does no work, so the op has no kernels; it is in the IR so the
    step is complete and visible.

    Example:

    ```mlir
    wse.optimizer_step %wq, %g optimizer = "adamw" : tensor<2048x4096xbf16>
    ```
  }];
  let arguments = (ins WSE_FloatTensor:$weight, WSE_FloatTensor:$gradient,
                       DefaultValuedStrAttr<StrAttr, "adamw">:$optimizer);
  let assemblyFormat = [{
    $weight `,` $gradient `optimizer` `=` $optimizer attr-dict `:`
    type($weight)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Batch tiling on attention
//===----------------------------------------------------------------------===//

def WSE_BatchTilesOp : WSE_Op<"batch_tiles", [
    SingleBlock, RecursiveMemoryEffects,
    DeclareOpInterfaceMethods<CostModelOpInterface,
        ["getKernels", "getSavedActivationBytes", "getRegionTripCount"]>]> {
  let summary = "Run the body once per tile of sequences and concatenate";
  let description = [{
    Batch Tiling on Attention (BTA; Soboleva et al., SC'25 workshops). The
    `[G*B*S, H]` token rows of `input` are split into `tiles = G`
    consecutive tiles of `B*S` rows (`B` whole sequences of `S` tokens). The
    body runs once per tile on its block argument `[B*S, H]` and yields
    `[B*S, H']`; the tiles are concatenated in order into the `[G*B*S, H']`
    result. Only what is inside runs at the tile batch `B` (attention, whose
    `S x S` scores cap `B` on the wafer); the ops after it (router,
    dispatch, experts, combine) see the regrouped batch of `G*B` sequences.

    Cost: the body times `G` (`getRegionTripCount`), plus the regrouping:
    the result is written once more (`G > 1`).

    Example:

    ```mlir
    %y = wse.batch_tiles %x tiles = 4 : tensor<16384x2048xbf16> -> tensor<16384x2048xbf16> {
    ^bb0(%tile: tensor<4096x2048xbf16>):
      %a = moe.attention %tile, %wq, %wk, %wv, %wo heads = 32 kv_heads = 4
          head_dim = 128 seq_len = 4096 causal
          : (tensor<4096x2048xbf16>, tensor<2048x4096xbf16>, tensor<2048x512xbf16>,
             tensor<2048x512xbf16>, tensor<4096x2048xbf16>) -> tensor<4096x2048xbf16>
      wse.yield %a : tensor<4096x2048xbf16>
    }
    ```
  }];
  let arguments = (ins WSE_Float2D:$input, WSE_PositiveI64:$tiles);
  let results = (outs WSE_Float2D:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $input `tiles` `=` $tiles attr-dict `:` type($input) `->` type($result)
    $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    // Creates the body block with its tile argument; the caller fills it
    // and adds the wse.yield.
    OpBuilder<(ins "::mlir::Type":$resultType, "::mlir::Value":$input,
                   "int64_t":$tiles)>
  ];
  let extraClassDeclaration = [{
    /// The tile the body sees: `input`'s type with `1/G` of its rows.
    ::mlir::RankedTensorType getTileType();
    ::mlir::BlockArgument getTile() { return getBody().front().getArgument(0); }
  }];
}

def WSE_YieldOp : WSE_Op<"yield", [Pure, Terminator,
    HasParent<"BatchTilesOp">,
    DeclareOpInterfaceMethods<CostModelOpInterface,
        ["getKernels", "getSavedActivationBytes"]>]> {
  let summary = "Yield one tile's result from wse.batch_tiles";
  let description = [{
    Terminates the body of `wse.batch_tiles` with the tile's result, which is
    concatenated into the op's result. Free.

    Example: `wse.yield %a : tensor<4096x2048xbf16>`
  }];
  let arguments = (ins WSE_Float2D:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

#endif // MOE_DIALECT_WSE_IR_WSEOPS_TD
