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
  }];
  let useDefaultAttributePrinterParser = 1;
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

#endif // MOE_DIALECT_MOE_IR_MOEDIALECT_TD
