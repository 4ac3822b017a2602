//===- PlanLayoutOpInterface.td - How a plan lays out an op -*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_INTERFACES_PLANLAYOUTOPINTERFACE_TD
#define MOE_INTERFACES_PLANLAYOUTOPINTERFACE_TD

include "mlir/IR/OpBase.td"

def PlanLayoutOpInterface : OpInterface<"PlanLayoutOpInterface"> {
  let cppNamespace = "::mlir::moe";
  let description = [{
    How a GPU or wafer-scale plan lays this op out on its grid of devices:
    the shape each device computes it on, which of its weights are split
    over which grid axes, the attributes that change (heads per device),
    and the collectives that bring its operands into that layout and its
    results back to the token layout the rest of the program uses.

    This is the one description of a plan: `--moe-gpu-plan` and
    `--moe-wse-plan` apply it to the IR, and the plan search evaluates it
    without rewriting anything (docs/Plans.md, "Plan rules"). An op without
    the interface follows the default rule: every tensor whose leading
    dimension is the program's token count keeps the device's tokens, and
    nothing else changes.
  }];
  let methods = [
    InterfaceMethod<[{
        Fills `plan` (its per-operand and per-result vectors already sized)
        from the local shapes of the operands in `state`. Fails with an
        error on the op when the plan cannot lay it out (a degree that does
        not divide its heads or experts, a weight that is not a function
        argument).
      }], "::llvm::LogicalResult", "planLayout",
      (ins "::mlir::moe::PlanLayoutState &":$state,
           "::mlir::moe::OpPlan &":$plan)>,
  ];
}

#endif // MOE_INTERFACES_PLANLAYOUTOPINTERFACE_TD
