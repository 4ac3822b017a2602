//===- MoEAttrs.td - moe dialect attributes ----------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_MOE_IR_MOEATTRS_TD
#define MOE_DIALECT_MOE_IR_MOEATTRS_TD

include "MoE/MoEDialect.td"

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

// A figure (FLOPs, bytes, seconds, a count of parameters): a finite,
// non-negative number, written as an integer or a float literal. Printed as
// the shortest decimal that reads back to the same double, so that a report
// made from saved IR equals the one made straight from the pipeline.
def MoE_Figure : AttrParameter<"::mlir::moe::Figure",
                               "a finite non-negative figure", "double"> {
  let convertFromStorage = "$_self.value";
  let parser = "::mlir::moe::parseFigure($_parser)";
  let printer = "::mlir::moe::printFigure($_printer, $_self)";
}

// The same, printed with six significant digits: per-op costs, which are
// many and read by people.
def MoE_RoundedFigure : AttrParameter<"::mlir::moe::Figure",
                                      "a finite non-negative figure",
                                      "double"> {
  let convertFromStorage = "$_self.value";
  let parser = "::mlir::moe::parseFigure($_parser)";
  let printer = "::mlir::moe::printRoundedFigure($_printer, $_self)";
}

// A figure that is 0 unless given, and then not printed.
def MoE_OptionalFigure : AttrParameter<"::mlir::moe::Figure",
                                       "a finite non-negative figure",
                                       "double"> {
  let convertFromStorage = "$_self.value";
  let parser = "::mlir::moe::parseFigure($_parser)";
  let printer = "::mlir::moe::printFigure($_printer, $_self)";
  let defaultValue = "0.0";
}

// A ratio that is 1 unless given, and then not printed.
def MoE_OptionalRatio : AttrParameter<"::mlir::moe::Figure",
                                      "a finite non-negative figure",
                                      "double"> {
  let convertFromStorage = "$_self.value";
  let parser = "::mlir::moe::parseFigure($_parser)";
  let printer = "::mlir::moe::printFigure($_printer, $_self)";
  let defaultValue = "1.0";
}

class MoE_Degree<string desc>
    : DefaultValuedParameter<"int64_t", "1", desc>;

//===----------------------------------------------------------------------===//
// Per-op cost
//===----------------------------------------------------------------------===//

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

    Figures print with six significant digits; they must be finite and not
    negative.

    Example:

    ```mlir
    moe.cost = #moe.cost<flops = 2.5e+09, bytes = 4.1e+07, network = 0,
                         seconds = 1.2e-05, bound = compute>
    ```
  }];
  let parameters = (ins MoE_RoundedFigure:$flops,
                        MoE_RoundedFigure:$bytes,
                        MoE_RoundedFigure:$network,
                        MoE_RoundedFigure:$seconds,
                        EnumParameter<MoE_Bound>:$bound);
  // Figures are stored as moe::Figure (hashable); build from doubles.
  let builders = [
    AttrBuilder<(ins "double":$flops, "double":$bytes, "double":$network,
                     "double":$seconds, "::mlir::moe::Bound":$bound), [{
      return $_get($_ctxt, ::mlir::moe::Figure(flops),
                   ::mlir::moe::Figure(bytes), ::mlir::moe::Figure(network),
                   ::mlir::moe::Figure(seconds), bound);
    }]>
  ];
  // Fixed order, and errors that name the field and the valid bounds.
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Plans
//===----------------------------------------------------------------------===//

def MoE_DispatcherParameter : EnumParameter<MoE_Dispatcher> {
  let defaultValue = "::mlir::moe::Dispatcher::AllToAll";
}

def MoE_PlanAttrInterface : AttrInterface<"PlanAttrInterface"> {
  let cppNamespace = "::mlir::moe";
  let description = [{
    The execution plan a plan pass chose for a module (`moe.plan`): what the
    cost passes and reports need to know of it, whatever its kind.
  }];
  let methods = [
    InterfaceMethod<"The plan's kind as reports name it.",
                    "::llvm::StringRef", "getKindName">,
    InterfaceMethod<"Devices that each run the planned program.",
                    "int64_t", "getDeviceCount">,
    InterfaceMethod<"Pipeline stages and model chunks per stage.",
                    "std::pair<int64_t, int64_t>", "getPipeline", (ins), "",
                    [{ return {1, 1}; }]>,
    InterfaceMethod<"Whether the plan runs on wafer-scale systems.",
                    "bool", "isWafer">,
    InterfaceMethod<[{
        How far ZeRO shards the training state over each weight's replicas
        (0: not at all; 1: optimizer state; 2: and gradients; 3: and the
        weights).
      }], "int64_t", "getZeroStage", (ins), "", [{ return 0; }]>,
    InterfaceMethod<[{
        Whether the plan runs 16-bit GEMMs in FP8 (DeepSeek-V3's recipe:
        activations and weights cast to FP8 per GEMM, forward and backward).
      }], "bool", "usesFP8Gemms", (ins), "", [{ return false; }]>,
    InterfaceMethod<[{
        Whether weight gradients accumulate over micro-batches, and are
        reduced, in FP32 main_grad buffers (otherwise at the weights' own
        width).
      }], "bool", "usesFP32Gradients", (ins), "", [{ return false; }]>,
    InterfaceMethod<[{
        Whether the plan's expert dispatch sends a token once to each remote
        node its experts are on and fans it out inside the node (DeepEP),
        rather than every routed copy across the network.
      }], "bool", "dispatchesPerNode", (ins), "", [{ return false; }]>,
    InterfaceMethod<[{
        Every setting as (name, value), names in alphabetical order, for
        reports.
      }], "void", "getSettings",
      (ins "::llvm::SmallVectorImpl<std::pair<::llvm::StringRef, int64_t>> &":$settings)>,
  ];
}

def MoE_GPUPlanAttr : MoE_Attr<"GPUPlan", "gpu_plan",
                               [DeclareAttrInterfaceMethods<MoE_PlanAttrInterface,
                                                            ["getPipeline",
                                                             "getZeroStage",
                                                             "usesFP8Gemms",
                                                             "usesFP32Gradients",
                                                             "dispatchesPerNode"]>]> {
  let summary = "An expert-parallel GPU plan (--moe-gpu-plan)";
  let description = [{
    The degrees of a GPU plan: `dp x ep x cp x tp` devices run the planned
    program on their tokens (`pp` pipeline stages, with `vpp` model chunks
    each, run it in turn), `gpus_per_node` of them per node. `tokens` is the
    unplanned program's token count per step. Devices:
    `dp * ep * cp * tp * pp`. `zero` (0 to 3) is the ZeRO stage: how far the
    optimizer state, gradients and weights of each weight are sharded over
    the devices that replicate it (for a routed expert `dp`, for other
    weights `dp * ep`). `fp8` runs the 16-bit GEMMs in FP8. `fp32_grads`
    accumulates weight gradients over micro-batches in FP32 main_grad
    buffers and reduces them in FP32 (Megatron-Core's
    `grad_reduce_in_fp32`); by default they stay at the weights' width.
    `fold` (MoE parallel folding, Megatron-Core) lets the experts'
    all-to-all span the tensor-parallel ranks too: the expert-parallel group
    is then `ep * tp` consecutive devices, each holding `E / (ep * tp)`
    whole experts (expert tensor parallelism 1), and the experts are
    replicated over `dp` only; without it the group is the `ep` devices
    that share a tensor-parallel rank, and the experts are replicated over
    `dp * tp`. It needs `tp > 1`. `dispatcher` is how tokens reach their
    experts: `alltoall` (the default) sends every routed copy, `deepep`
    sends a token once to each remote node that holds one of its experts
    and fans it out over NVLink there (DeepEP's normal kernels).
    `cp` is the context-parallel degree: attention ops hold `1 / cp` of
    each sequence (`#moe.context`), the grid is `dp x ep x cp x tp`, and
    `fold` takes the cp ranks into the expert group too; `fold_cp` (with
    `ep = 1`, a divisor of `cp`) takes only that many, splitting the cp
    axis in two, so that the expert group is `fold_cp * tp` consecutive
    devices inside the context-parallel group (0, the default: all).
    `etp` (expert tensor parallelism) is 1 or `tp`: at `tp`, each expert's
    FFN width is split over the tp axis, the experts over the other expert
    axes only, and each rank's received tokens are gathered over the tp
    ranks before the experts and their partial outputs reduce-scattered
    after (Megatron-Core's ETP).

    Degrees are at least 1 (omitted ones are 1); `gpus_per_node` defaults
    to 8, `zero` and `tokens` to 0 (none; unknown).

    ```mlir
    moe.plan = #moe.gpu_plan<dp = 2, ep = 4, gpus_per_node = 8, tokens = 4096>
    ```
  }];
  let parameters = (ins MoE_Degree<"data-parallel degree">:$dp,
                        MoE_Degree<"expert-parallel degree">:$ep,
                        MoE_Degree<"tensor-parallel degree">:$tp,
                        MoE_Degree<"pipeline stages">:$pp,
                        MoE_Degree<"model chunks per stage">:$vpp,
                        DefaultValuedParameter<"int64_t", "8",
                                               "GPUs per node">:$gpus_per_node,
                        DefaultValuedParameter<"int64_t", "0",
                                               "ZeRO stage">:$zero,
                        DefaultValuedParameter<"bool", "false",
                                               "GEMMs in FP8">:$fp8,
                        DefaultValuedParameter<"bool", "false",
                                               "FP32 gradients">:$fp32_grads,
                        DefaultValuedParameter<"bool", "false",
                                               "MoE parallel folding">:$fold,
                        MoE_DispatcherParameter:$dispatcher,
                        MoE_Degree<"context-parallel degree">:$cp,
                        DefaultValuedParameter<"int64_t", "0",
                            "context-parallel ranks in a folded expert group">:$fold_cp,
                        MoE_Degree<"expert tensor-parallel degree">:$etp,
                        DefaultValuedParameter<"int64_t", "0",
                                               "tokens per step">:$tokens);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def MoE_ContextAttr : MoE_Attr<"Context", "context"> {
  let summary = "The context-parallel group of an attention op";
  let description = [{
    An attention op with `context = #moe.context<@grid, [axes]>` runs on
    `1 / c` of each of its sequences, where `c` is the number of devices
    along `axes` of the `shard.grid` `@grid`: cut each sequence into `2c`
    equal chunks, the device with index `r` along those axes holds chunks
    `r` and `2c - 1 - r`, which balances the causal work (Megatron-Core's
    context parallelism; Llama 3 section 3.3.2). `seq_len` stays the whole
    sequence. The op exchanges its keys and values with the group so that
    its queries attend to every position they may see; the cost model
    prices that exchange as a ring running beside the attention core.

    ```mlir
    %y = moe.attention ... seq_len = 8192 causal
        context = #moe.context<@gpus, [2]> : ...
    ```
  }];
  let parameters = (ins "::mlir::FlatSymbolRefAttr":$grid,
                        ArrayRefParameter<"int16_t", "grid axes">:$axes);
  let assemblyFormat = "`<` $grid `,` `[` $axes `]` `>`";
  let genVerifyDecl = 1;
}

def MoE_WSEPlanAttr : MoE_Attr<"WSEPlan", "wse_plan",
                               [DeclareAttrInterfaceMethods<MoE_PlanAttrInterface>]> {
  let summary = "A weight-streaming wafer-scale plan (--moe-wse-plan)";
  let description = [{
    `systems` wafer-scale systems each run the planned program on
    `batch / systems` sequences of `seq_len` tokens; attention runs in
    `tiles` batch tiles of `batch / (systems * tiles)` sequences (BTA).
    `batch` must split evenly over the systems and then the tiles.

    ```mlir
    moe.plan = #moe.wse_plan<systems = 1, tiles = 4, batch = 64, seq_len = 4096>
    ```
  }];
  let parameters = (ins MoE_Degree<"wafer-scale systems">:$systems,
                        MoE_Degree<"attention tiles per system">:$tiles,
                        "int64_t":$batch,
                        "int64_t":$seq_len);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Sequences in one attention tile.
    int64_t getTileSequences() const {
      return getBatch() / (getSystems() * getTiles());
    }
  }];
}

def MoE_RoleParameter : EnumParameter<MoE_OpRole> {
  let defaultValue = "::mlir::moe::OpRole::Compute";
}

// The fraction of an op's time on the critical path: 1 unless given.
def MoE_ExposedFraction : AttrParameter<"::mlir::moe::Figure",
                                        "a fraction in [0, 1]", "double"> {
  let convertFromStorage = "$_self.value";
  let parser = "::mlir::moe::parseFigure($_parser)";
  let printer = "::mlir::moe::printFigure($_printer, $_self)";
  let defaultValue = "1.0";
}

def MoE_TimingAttr : MoE_Attr<"Timing", "timing"> {
  let summary = "Where an op's time falls in a costed step";
  let description = [{
    Attached by `--moe-cost` next to `moe.cost` when the step is more than
    one forward pass run end to end (training, pipeline stages, or
    collectives that overlap compute); the step's timeline
    (`--moe-cost-report` trace and time breakdown) is built from it.
    Seconds per device over the whole step, before any overlap:

    - `role`: how the step schedules the op (`compute`, `collective`,
      `grad_sync`, `stream_in`, `stream_out`);
    - `forward`, `backward`: of every micro-batch; `backward` excludes
      `recompute` (the forward kernels a recomputing backward runs again)
      and `sync` (gradient synchronisation);
    - `optimizer`: the optimizer step of the weights it owns;
    - `exposed`: the fraction of a collective's time on the critical path
      (the rest hides behind compute: `overlap=`), in [0, 1];
    - `stage`, `chunk`: the pipeline stage and model chunk that run it;
    - `transfer`: seconds its input takes to arrive from the previous
      stage (the first op of a stage).

    So `moe.cost`'s seconds are `exposed * (forward + backward + recompute +
    sync) + optimizer`. Omitted fields are 0 (`exposed` 1, `role` compute).

    ```mlir
    moe.timing = #moe.timing<forward = 1.2e-05, backward = 2.4e-05,
                             optimizer = 3e-06, stage = 1>
    ```
  }];
  let parameters = (ins MoE_RoleParameter:$role,
                        MoE_OptionalFigure:$forward,
                        MoE_OptionalFigure:$backward,
                        MoE_OptionalFigure:$recompute,
                        MoE_OptionalFigure:$sync,
                        MoE_OptionalFigure:$optimizer,
                        MoE_ExposedFraction:$exposed,
                        DefaultValuedParameter<"int64_t", "0",
                                               "pipeline stage">:$stage,
                        DefaultValuedParameter<"int64_t", "0",
                                               "model chunk">:$chunk,
                        MoE_OptionalFigure:$transfer);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Cost summary
//===----------------------------------------------------------------------===//

def MoE_MemoryAttr : MoE_Attr<"Memory", "memory"> {
  let summary = "Memory per device of a costed step";
  let description = [{
    Bytes per device: weights, gradients, optimizer state, activations and
    the serving steps' KV caches (their sum is `total`), and the `capacity`
    they are checked against (HBM, or a wafer's SRAM).
  }];
  let parameters = (ins MoE_Figure:$weights, MoE_Figure:$gradients,
                        MoE_Figure:$optimizer, MoE_Figure:$activations,
                        MoE_Figure:$kv_cache, MoE_Figure:$total,
                        MoE_Figure:$capacity);
  let builders = [
    AttrBuilder<(ins "double":$weights, "double":$gradients,
                     "double":$optimizer, "double":$activations,
                     "double":$kv_cache, "double":$total,
                     "double":$capacity), [{
      using ::mlir::moe::Figure;
      return $_get($_ctxt, Figure(weights), Figure(gradients),
                   Figure(optimizer), Figure(activations), Figure(kv_cache),
                   Figure(total), Figure(capacity));
    }]>
  ];
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def MoE_CostSummaryAttr : MoE_Attr<"CostSummary", "cost_summary"> {
  let summary = "The totals of a step costed by --moe-cost";
  let description = [{
    Left on the module by `--moe-cost` and read by `--moe-cost-report` and
    the plan search. Per device unless said: `seconds` of one step on
    `machine` in `phase`; `tokens` per step over all `devices`; `flops`
    (all executed), `model_flops` (what the model needs: no recomputation,
    no collectives), `bytes` of device memory traffic and `network_bytes`;
    the model's `params` and `active_params` (per token); the device's
    `peak_flops`; the fraction of the step the pipeline stage that ends it
    waits (`pipeline_bubble`, in [0, 1)); `memory` per device;
    `micro_batches` per optimizer step (1 unless given); the routed tokens
    of the most loaded expert-parallel rank over a balanced share, in the
    most skewed layer (`routing_load`, at least 1; 1 unless given);
    `ep_overlap`, when the step ran Megatron-Core's 1F1B with
    expert-parallel all-to-all overlap, the fraction of a merged pair's
    overlappable time it hides (the machine's `overlap_efficiency`; 0: not
    run), so that the timeline draws the same schedule.

    Throughput (`tokens / seconds`) and MFU
    (`model_flops / (seconds * peak_flops)`) are derived, not stored.
    Every figure is finite and non-negative; `devices` is at least 1.
  }];
  let parameters = (ins StringRefParameter<"machine name">:$machine,
                        EnumParameter<MoE_Phase>:$phase,
                        "int64_t":$tokens,
                        "int64_t":$devices,
                        MoE_Figure:$seconds,
                        MoE_Figure:$flops,
                        MoE_Figure:$model_flops,
                        MoE_Figure:$bytes,
                        MoE_Figure:$network_bytes,
                        MoE_Figure:$params,
                        MoE_Figure:$active_params,
                        MoE_Figure:$peak_flops,
                        MoE_Figure:$pipeline_bubble,
                        "::mlir::moe::MemoryAttr":$memory,
                        DefaultValuedParameter<"int64_t", "1",
                                               "micro-batches">:$micro_batches,
                        MoE_OptionalRatio:$routing_load,
                        MoE_OptionalFigure:$ep_overlap);
  let builders = [
    AttrBuilder<(ins "::llvm::StringRef":$machine, "::mlir::moe::Phase":$phase,
                     "int64_t":$tokens, "int64_t":$devices, "double":$seconds,
                     "double":$flops, "double":$model_flops, "double":$bytes,
                     "double":$network_bytes, "double":$params,
                     "double":$active_params, "double":$peak_flops,
                     "double":$pipeline_bubble,
                     "::mlir::moe::MemoryAttr":$memory,
                     CArg<"int64_t", "1">:$micro_batches,
                     CArg<"double", "1.0">:$routing_load,
                     CArg<"double", "0.0">:$ep_overlap), [{
      using ::mlir::moe::Figure;
      return $_get($_ctxt, machine, phase, tokens, devices, Figure(seconds),
                   Figure(flops), Figure(model_flops), Figure(bytes),
                   Figure(network_bytes), Figure(params),
                   Figure(active_params), Figure(peak_flops),
                   Figure(pipeline_bubble), memory, micro_batches,
                   Figure(routing_load), Figure(ep_overlap));
    }]>
  ];
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    double getTokensPerSecond() const {
      return getSeconds() > 0 ? static_cast<double>(getTokens()) / getSeconds()
                              : 0;
    }
    double getMFU() const {
      return getSeconds() > 0 && getPeakFlops() > 0
                 ? getModelFlops() / (getSeconds() * getPeakFlops())
                 : 0;
    }
  }];
}

#endif // MOE_DIALECT_MOE_IR_MOEATTRS_TD
