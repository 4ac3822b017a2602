//===- Passes.td - Plan passes -----------------------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_TRANSFORMS_PASSES_TD
#define MOE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MoEGPUPlan : Pass<"moe-gpu-plan", "::mlir::ModuleOp"> {
  let summary = "Map a moe program onto an expert-parallel grid of GPUs";
  let description = [{
    Rewrites the program into what one GPU of a `dp x ep` grid runs
    (`shard.grid @gpus(shape = dp x ep)`, devices numbered row-major, so the
    `ep` axis is contiguous and stays inside a node when `ep <=
    gpus-per-node`):

    - every device is data parallel for the dense parts: token tensors keep
      `T / (dp * ep)` of the program's `T` tokens (whole sequences);
    - experts are sharded over the `ep` axis: expert weights become
      `[E / ep, ...]`; around each `moe.experts` the dispatch buffer goes
      through `shard.all_to_all` (split the expert axis 0, concatenate the
      capacity axis 1) and comes back through the inverse all-to-all before
      `moe.combine`;
    - `phase=train` appends the gradient synchronisation of every weight as a
      `shard.all_reduce` marked `moe.grad_sync`: over both axes for
      replicated weights, over the `dp` axis for expert weights;
    - `capacity-factor=f` re-plans each dispatch's capacity (`0` keeps the
      program's factor).

    The module gets `moe.plan` (the options) and a `dlti.target_system_spec`
    with `devices_per_node`, so `--moe-cost` prices the collectives over
    NVLink inside a node and InfiniBand across nodes.

    Errors: `ep` not dividing an op's expert count, a token count that does
    not split into whole sequences per device, `nodes * gpus-per-node`
    different from `dp * ep`, a grid larger than the machine allows, a module
    that is already planned.
  }];
  let options = [
    Option<"ep", "ep", "int64_t", "1", "Expert-parallel degree">,
    Option<"dp", "dp", "int64_t", "0",
           "Data-parallel degree (0: nodes * gpus-per-node / ep, or 1)">,
    Option<"nodes", "nodes", "int64_t", "0",
           "Nodes in the cluster (0: as many as dp * ep needs)">,
    Option<"gpusPerNode", "gpus-per-node", "int64_t", "8", "GPUs per node">,
    Option<"capacityFactor", "capacity-factor", "double", "0",
           "Capacity factor of every dispatch (0 keeps the program's)">,
    Option<"phase", "phase", "std::string", "\"forward\"",
           "forward | train (train adds gradient synchronisation)">,
    Option<"machine", "machine", "std::string", "\"h100-sxm\"",
           "Machine preset whose size bounds the grid">,
  ];
  let dependentDialects = ["::mlir::shard::ShardDialect",
                           "::mlir::DLTIDialect"];
}

#endif // MOE_TRANSFORMS_PASSES_TD
