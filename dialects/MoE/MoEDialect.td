//===- MoEDialect.td - The moe dialect ---------------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_MOE_IR_MOEDIALECT_TD
#define MOE_DIALECT_MOE_IR_MOEDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def MoE_Dialect : Dialect {
  let name = "moe";
  let cppNamespace = "::mlir::moe";
  let summary = "Mixture-of-Experts transformer programs on builtin tensors";
  let description = [{
    The `moe` dialect describes one training or inference step of a
    Mixture-of-Experts transformer at the model level, independent of the
    machine: token routing (`moe.router`), the scatter of tokens into
    per-expert buffers (`moe.dispatch`), the batched expert FFN
    (`moe.experts`), the weighted gather back (`moe.combine`), and the dense
    parts of a decoder (`moe.attention`, `moe.mla_attention`, `moe.rms_norm`,
    `moe.ffn`, `moe.embedding`). Element-wise residual adds and the LM head
    use upstream `arith` and `linalg`.

    Token tensors are two-dimensional `[T, H]`: `T` tokens (batch times
    sequence length) of hidden size `H`. Attention ops carry the sequence
    length as an attribute so that the batch structure is recoverable.

    The exact semantics of every op are in docs/Spec.md.

    The attributes the project attaches to IR it does not define (a plan on
    a module, a cost on any op, a weight's name on a function argument) are
    declared here once, and the dialect verifies each of them wherever it
    appears: a malformed plan or cost summary is an error with a location,
    not a silently ignored dictionary.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let discardableAttrs = (ins
    // Module: the execution plan a plan pass chose (#moe.gpu_plan or
    // #moe.wse_plan).
    "::mlir::moe::PlanAttrInterface":$plan,
    // Module: the step's totals, left by --moe-cost.
    "::mlir::moe::CostSummaryAttr":$cost_summary,
    // Any op: its cost in the phase, left by --moe-cost.
    "::mlir::moe::CostAttr":$cost,
    // Any op: where its time falls in the step (forward, backward, ...,
    // pipeline stage), left by --moe-cost for the step's timeline.
    "::mlir::moe::TimingAttr":$timing,
    // A collective a GPU plan inserted to synchronise a weight's gradient.
    "::mlir::UnitAttr":$grad_sync,
    // Function argument: a trainable weight, by name.
    "::mlir::StringAttr":$param,
    // Function argument or result of a planned function: how the unplanned
    // program's tensor is split over the plan's grid.
    "::mlir::shard::GridAxesArrayAttr":$split_axes,
    // Module: the Hugging Face architecture an importer read.
    "::mlir::StringAttr":$architecture
  );
  let extraClassDeclaration = [{
    /// Every discardable attribute name above, for diagnostics.
    static ::llvm::ArrayRef<::llvm::StringRef> getDiscardableAttrNames();
  }];
}

class MoE_Op<string mnemonic, list<Trait> traits = []>
    : Op<MoE_Dialect, mnemonic, traits>;

class MoE_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<MoE_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def MoE_Scoring : I32EnumAttr<"Scoring", "router scoring function", [
    I32EnumAttrCase<"softmax", 0>,
    I32EnumAttrCase<"sigmoid", 1>
  ]> {
  let cppNamespace = "::mlir::moe";
  let genSpecializedAttr = 0;
}
def MoE_ScoringAttr : EnumAttr<MoE_Dialect, MoE_Scoring, "scoring">;

def MoE_Activation : I32EnumAttr<"Activation", "FFN activation function", [
    I32EnumAttrCase<"swiglu", 0>,
    I32EnumAttrCase<"geglu", 1>,
    I32EnumAttrCase<"gelu", 2>,
    I32EnumAttrCase<"relu", 3>,
    I32EnumAttrCase<"silu", 4>
  ]> {
  let cppNamespace = "::mlir::moe";
  let genSpecializedAttr = 0;
}
def MoE_ActivationAttr : EnumAttr<MoE_Dialect, MoE_Activation, "activation">;

def MoE_Phase : I32EnumAttr<"Phase", "what a step does", [
    I32EnumAttrCase<"Forward", 0, "forward">,
    I32EnumAttrCase<"Train", 1, "train">
  ]> {
  let cppNamespace = "::mlir::moe";
  let genSpecializedAttr = 0;
}
def MoE_PhaseAttr : EnumAttr<MoE_Dialect, MoE_Phase, "phase">;

def MoE_Dispatcher : I32EnumAttr<"Dispatcher",
                                 "how a GPU plan sends tokens to their experts", [
    // Every routed copy of a token is its own transfer (NCCL all-to-all).
    I32EnumAttrCase<"AllToAll", 0, "alltoall">,
    // One copy per destination node across nodes, fanned out inside the
    // node (DeepEP's normal kernels; HybridEP alike).
    I32EnumAttrCase<"DeepEP", 1, "deepep">
  ]> {
  let cppNamespace = "::mlir::moe";
  let genSpecializedAttr = 0;
}

def MoE_Bound : I32EnumAttr<"Bound", "what limits an op's time", [
    I32EnumAttrCase<"compute", 0>,
    I32EnumAttrCase<"memory", 1>,
    I32EnumAttrCase<"network", 2>,
    I32EnumAttrCase<"weight_io", 3>,
    I32EnumAttrCase<"latency", 4>,
    I32EnumAttrCase<"none", 5>
  ]> {
  let cppNamespace = "::mlir::moe";
  let genSpecializedAttr = 0;
}
def MoE_BoundAttr : EnumAttr<MoE_Dialect, MoE_Bound, "bound">;

def MoE_OpRole : I32EnumAttr<"OpRole", "how a step schedules an op", [
    // Runs on the device's compute stream.
    I32EnumAttrCase<"Compute", 0, "compute">,
    // Every kernel is a collective: it may hide behind the layer's compute.
    I32EnumAttrCase<"Collective", 1, "collective">,
    // A gradient synchronisation: after the backward pass.
    I32EnumAttrCase<"GradSync", 2, "grad_sync">,
    // Weight streaming onto a wafer, and gradients streaming off it.
    I32EnumAttrCase<"StreamIn", 3, "stream_in">,
    I32EnumAttrCase<"StreamOut", 4, "stream_out">
  ]> {
  let cppNamespace = "::mlir::moe";
  let genSpecializedAttr = 0;
}

#endif // MOE_DIALECT_MOE_IR_MOEDIALECT_TD
