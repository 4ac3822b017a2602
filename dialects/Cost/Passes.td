//===- Passes.td - The cost pass ---------------------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_COST_PASSES_TD
#define MOE_COST_PASSES_TD

include "MoE/MoEPassOptions.td"

def MoECost : Pass<"moe-cost", "::mlir::ModuleOp"> {
  let summary = "Annotate every op with its FLOPs, bytes and time on a machine";
  let description = [{
    Costs every op reachable from the module's entry functions (functions no
    `func.call` targets) on one machine, and attaches a `moe.cost` attribute
    (`#moe.cost<flops, bytes, network, seconds, bound>`) to each. Figures are
    per device and cover the whole phase:

    - `forward`: one forward pass (inference prefill);
    - `train`: forward, backward (twice the forward GEMM FLOPs: input and
      weight gradients) and the optimizer step (AdamW, memory-bound over the
      parameters); `recompute` re-runs the forward during the backward.

    The module also receives `moe.cost_summary`, a dictionary with the
    machine, phase, tokens per step, totals and memory per device (weights,
    gradients, optimizer state, activations), which `--moe-cost-report`
    formats. The machine is a built-in preset (`machine=`, listed in
    docs/CostModel.md), a JSON file (`machine-file=`), either refined by a
    `dlti.target_system_spec` on the module. Ops without a cost model get a
    warning naming them. When the memory needed exceeds the device's, the
    pass fails with an error unless `check-memory=false`.

    Example: `moe-opt layer.mlir --moe-cost="machine=h100-sxm phase=train"`.
  }];
  // It attaches #moe.cost attributes, also to programs without a moe op.
  let dependentDialects = ["::mlir::moe::MoEDialect"];
  let options = !listconcat(MoE_MachineOptions<"h100-sxm">.options, [
    MoE_PhaseOption<"Forward", "What to cost">.option,
    Option<"recompute", "recompute", "bool", "false",
           "Train phase: recompute activations in the backward pass instead "
           "of storing them">,
    // Names, not an enum: MLIR's list options do not hand cl::values to the
    // parser of their elements. parseRecomputeModules checks them.
    ListOption<"recomputeModules", "recompute-modules", "std::string",
               "Train phase, selective recomputation: the parts of each layer "
               "recomputed in the backward pass instead of stored (core_attn, "
               "mla_up_proj, moe_act, mlp, moe)">,
    Option<"imbalance", "imbalance", "double", "1.0",
           "Routed tokens of the hottest expert (expert 0) over the mean "
           "(>= 1); the others share the rest">,
    Option<"hotExperts", "hot-experts", "int64_t", "1",
           "How many experts (0 to N-1) imbalance= makes hot">,
    Option<"zipf", "zipf", "double", "0.0",
           "Zipf exponent of the experts' loads: expert i gets a share "
           "proportional to 1/(i+1)^s (0: uniform)">,
    Option<"routingFile", "routing-file", "std::string", "",
           "JSON of each expert's routed tokens from a router trace: "
           "{\"default\": [...], \"layers\": {\"layers.3\": [...]}}">,
    Option<"placementFile", "placement-file", "std::string", "",
           "JSON of the experts each expert-parallel rank holds, "
           "{\"ranks\": [[...], ...]} (default: contiguous blocks; an "
           "expert on several ranks splits its tokens)">,
    Option<"tokens", "tokens", "int64_t", "0",
           "Tokens per micro-batch per device for tokens/s; 0 infers it from "
           "the program's token tensors">,
    Option<"microBatches", "micro-batches", "int64_t", "1",
           "Micro-batches (gradient accumulation steps) per optimizer step: "
           "forward and backward run this many times, the optimizer once">,
    Option<"overlap", "overlap", "double", "0.0",
           "Fraction (0..1) of each layer's collective time that may run "
           "concurrently with the same layer's compute">,
    Option<"epOverlap", "ep-overlap", "bool", "false",
           "Train with Megatron-Core's 1F1B expert-parallel all-to-all "
           "overlap: each steady-state forward merges with another "
           "micro-batch's backward, their all-to-alls hidden behind each "
           "other's compute (--overlap-moe-expert-parallel-comm)">,
    Option<"gradOverlap", "grad-overlap", "bool", "false",
           "Train with each stage's gradient synchronisation beside the "
           "last micro-batch's backward and the first one's forward "
           "(Megatron-Core's --overlap-grad-reduce, --overlap-param-gather)">,
    Option<"checkMemory", "check-memory", "bool", "true",
           "Fail when the memory per device exceeds the machine's capacity">,
  ]);
}

#endif // MOE_COST_PASSES_TD
