//===- MoEAttrs.td - moe dialect attributes ----------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_MOE_IR_MOEATTRS_TD
#define MOE_DIALECT_MOE_IR_MOEATTRS_TD

include "MoE/MoEDialect.td"

def MoE_CostAttr : MoE_Attr<"Cost", "cost"> {
  let summary = "The cost of one op on one machine in one phase";
  let description = [{
    Attached by `--moe-cost` to every op it costs, as the `moe.cost`
    attribute. All figures are per device and for the whole phase (a
    `train` phase includes the backward pass and the optimizer step):

    - `flops`: floating-point operations;
    - `bytes`: bytes moved to and from device memory (HBM or on-wafer SRAM);
    - `network`: bytes sent over links to other devices;
    - `seconds`: modelled time;
    - `bound`: what limits the time (compute, memory, network, weight_io,
      latency, or none for ops that cost nothing).

    Example:

    ```mlir
    moe.cost = #moe.cost<flops = 2.5e+09, bytes = 4.1e+07, network = 0,
                         seconds = 1.2e-05, bound = compute>
    ```
  }];
  let parameters = (ins APFloatParameter<"FLOPs">:$flops,
                        APFloatParameter<"memory bytes">:$bytes,
                        APFloatParameter<"network bytes">:$network,
                        APFloatParameter<"modelled seconds">:$seconds,
                        "::mlir::moe::Bound":$bound);
  let builders = [
    AttrBuilder<(ins "double":$flops, "double":$bytes, "double":$network,
                     "double":$seconds, "::mlir::moe::Bound":$bound), [{
      return $_get($_ctxt, ::llvm::APFloat(flops), ::llvm::APFloat(bytes),
                   ::llvm::APFloat(network), ::llvm::APFloat(seconds), bound);
    }]>
  ];
  let extraClassDeclaration = [{
    double flops() const { return getFlops().convertToDouble(); }
    double bytes() const { return getBytes().convertToDouble(); }
    double network() const { return getNetwork().convertToDouble(); }
    double seconds() const { return getSeconds().convertToDouble(); }
  }];
  let hasCustomAssemblyFormat = 1;
}

#endif // MOE_DIALECT_MOE_IR_MOEATTRS_TD
