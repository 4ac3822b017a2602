//===- CostModelOpInterface.td - Analytic op cost ----------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_INTERFACES_COSTMODELOPINTERFACE_TD
#define MOE_INTERFACES_COSTMODELOPINTERFACE_TD

include "mlir/IR/OpBase.td"

def CostModelOpInterface : OpInterface<"CostModelOpInterface"> {
  let cppNamespace = "::mlir::moe";
  let description = [{
    An op that describes the work it does as machine-independent kernels:
    GEMMs (with their shapes, so efficiency can depend on size), fused
    attention cores, memory-bound kernels and collectives. The cost analysis
    turns kernels into time on a machine and derives the backward pass and
    the optimizer step from them; ops never see the machine.

    Every op the analysis visits must implement this interface (the moe ops
    do; upstream ops get external models). An op without it is reported with
    a warning, never silently counted as free.
  }];
  let methods = [
    InterfaceMethod<[{
        Appends the kernels one forward execution of this op runs on one
        device. Ops that only change metadata (casts, views) append nothing.
        Fails (after emitting nothing) when the work cannot be known, e.g.
        for dynamic shapes; the analysis then warns.
      }], "::llvm::LogicalResult", "getKernels", (ins "::mlir::moe::KernelList &":$kernels)>,
    InterfaceMethod<[{
        Appends the trainable weights this op reads, each with the fraction
        of it that one token uses (top_k / E for routed experts, 1 for dense
        weights). Used for parameter counts, weight memory, gradients and the
        optimizer step.
      }], "void", "getParameters",
      (ins "::llvm::SmallVectorImpl<::mlir::moe::ParameterUse> &":$params),
      "", [{ return; }]>,
    InterfaceMethod<[{
        Bytes of activations this op keeps for the backward pass. The
        default is its non-weight tensor operands.
      }], "double", "getSavedActivationBytes", (ins), "", [{
        return ::mlir::moe::defaultSavedActivationBytes($_op);
      }]>,
    InterfaceMethod<[{
        Selective recomputation of `module`: the bytes of this op's saved
        activations (getSavedActivationBytes) that the backward pass no
        longer keeps because it recomputes them, and (appended to
        `kernels`) the names of the op's forward kernels it runs again to
        do so. 0 and none when the module is not part of this op.
      }], "double", "getRecomputed",
      (ins "::mlir::moe::RecomputeModule":$module,
           "::llvm::SmallVectorImpl<::llvm::StringRef> &":$kernels), "",
      [{ return 0; }]>,
    InterfaceMethod<[{
        Appends the serving caches (KV caches) the op reads: state that stays
        on the device between steps, counted as memory of its own.
      }], "void", "getCaches",
      (ins "::llvm::SmallVectorImpl<::mlir::Value> &":$caches), "",
      [{ return; }]>,
    InterfaceMethod<[{
        How many times the op's regions run per execution of the op (the
        trip count of a loop); 0 when the op's own kernels already cover
        its regions (the payload of a linalg op). Returns failure when it
        cannot be known statically.
      }], "::mlir::FailureOr<int64_t>", "getRegionTripCount", (ins), "", [{
        return int64_t(1);
      }]>,
  ];
}

#endif // MOE_INTERFACES_COSTMODELOPINTERFACE_TD
