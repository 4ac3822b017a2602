//===- Passes.td - Plan passes -----------------------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_TRANSFORMS_PASSES_TD
#define MOE_TRANSFORMS_PASSES_TD

include "MoE/MoEPassOptions.td"

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
      program's factor);
    - `fold` (MoE parallel folding, with `tp > 1`) splits the experts over
      the `ep` and `tp` axes: expert weights become `[E / (ep * tp), ...]`
      and the all-to-alls run over both axes, an expert-parallel group of
      `ep * tp` consecutive devices (Megatron-Core's EP taking in the TP
      ranks, expert tensor parallelism 1);
    - `dispatcher=deepep` prices the expert all-to-alls as DeepEP sends them:
      a token once to each remote node holding one of its experts, fanned
      out over NVLink there (`alltoall`, the default: every routed copy);
    - `cp` (context parallelism) adds a grid axis between `ep` and `tp`
      (`dp x ep x cp x tp`): every device holds `1 / cp` of each sequence
      (two chunks of `seq_len / (2 cp)`, which balance the causal work),
      attention ops get `context_parallel = #moe.context<@gpus, [axis]>`
      and exchange their keys and values over that axis, and every other op
      treats the axis as data parallel. With `fold` the experts are split
      over `ep`, `cp` and `tp`; `fold-cp=N` (with `ep=1`) takes only `N` of
      the cp ranks, splitting the cp axis into `cp / N` and `N`, so that
      the expert group is the `N * tp` consecutive devices Megatron-Core
      forms for an EP smaller than its TP x CP group;
    - `etp=tp` (expert tensor parallelism, Megatron-Core's ETP) splits each
      expert's FFN width over the tp axis as well: expert weights become
      `[E / ep, H, F / tp]` (and `[E / ep, F / tp, H]`), and after the
      dispatch all-to-all each rank all-gathers its tp group's slots, runs
      its columns of every local expert, and reduce-scatters the partial
      outputs before the return all-to-all. With `fold` the experts then
      span the ep and cp axes only. `etp` is 1 (the default) or `tp`.

    The module gets `moe.plan` (the options) and a `dlti.target_system_spec`
    with `devices_per_node`, so `--moe-cost` prices the collectives over
    NVLink inside a node and InfiniBand across nodes.

    Errors: `ep` not dividing an op's expert count, a token count that does
    not split into whole sequences per device, `nodes * gpus-per-node`
    different from `dp * ep`, a grid larger than the machine allows, a module
    that is already planned, a function result that is neither a token
    tensor nor of unchanged type (a returned dispatch buffer).

    Token arguments and results are marked `moe.split_axes =
    #shard<axisarray[[0, 1]]>`, sharded expert weights `[[1]]`, so that
    `--moe-simulate-grid` can run the plan as the whole program.
  }];
  let options = !listconcat(MoE_MachineOptions<"h100-sxm">.options, [
    Option<"ep", "ep", "int64_t", "1", "Expert-parallel degree">,
    Option<"dp", "dp", "int64_t", "0",
           "Data-parallel degree (0: nodes * gpus-per-node / (ep * tp * pp), "
           "or 1)">,
    Option<"tp", "tp", "int64_t", "1",
           "Tensor-parallel degree of attention and dense FFNs (sequence "
           "parallel)">,
    Option<"pp", "pp", "int64_t", "1",
           "Pipeline stages (layers split evenly; priced by --moe-cost as a "
           "1F1B schedule)">,
    Option<"virtualStages", "virtual-stages", "int64_t", "1",
           "Model chunks per pipeline stage (interleaved 1F1B)">,
    Option<"nodes", "nodes", "int64_t", "0",
           "Nodes in the cluster (0: as many as dp * ep needs)">,
    Option<"gpusPerNode", "gpus-per-node", "int64_t", "8", "GPUs per node">,
    Option<"capacityFactor", "capacity-factor", "double", "0",
           "Capacity factor of every dispatch (0 keeps the program's)">,
    Option<"zero", "zero", "int64_t", "0",
           "ZeRO stage: 0 replicates the training state; 1 shards the "
           "optimizer state over each weight's replicas (Megatron-Core's "
           "distributed optimizer), 2 also the gradients, 3 also the weights "
           "(FSDP)">,
    Option<"fp8", "fp8", "bool", "false",
           "Run the 16-bit GEMMs in FP8 at the machine's FP8 peak, with the "
           "casts of their inputs (DeepSeek-V3's recipe)">,
    Option<"fp32Grads", "fp32-grads", "bool", "false",
           "Accumulate weight gradients over micro-batches in FP32 main_grad "
           "buffers and reduce them in FP32 (Megatron-Core's "
           "grad_reduce_in_fp32); otherwise at the weights' width">,
    Option<"fold", "fold", "bool", "false",
           "MoE parallel folding: the experts' all-to-all spans the ep, cp "
           "and tp axes (an expert-parallel group of ep * cp * tp devices; "
           "needs tp > 1 or cp > 1)">,
    Option<"dispatcher", "dispatcher", "::mlir::moe::Dispatcher",
           "::mlir::moe::Dispatcher::AllToAll",
           "How tokens reach their experts across nodes",
           "::mlir::moe::dispatcherOptionValues()">,
    Option<"cp", "cp", "int64_t", "1",
           "Context-parallel degree: each device holds 1 / cp of every "
           "sequence, and attention exchanges keys and values over the cp "
           "axis">,
    Option<"foldCp", "fold-cp", "int64_t", "0",
           "With fold and ep = 1: the context-parallel ranks the expert "
           "group takes (a divisor of cp; 0: all), splitting the cp axis so "
           "that the group is fold-cp * tp consecutive devices">,
    Option<"etp", "etp", "int64_t", "1",
           "Expert tensor parallelism: 1, or tp to split each expert's FFN "
           "width over the tp axis (tokens gathered over it before the "
           "experts, partial outputs reduce-scattered after)">,
    MoE_PhaseOption<"Forward",
                    "What the plan runs (train adds gradient synchronisation)">.option,
  ]);
  let dependentDialects = ["::mlir::shard::ShardDialect",
                           "::mlir::DLTIDialect"];
}

def MoEPlanSearch : Pass<"moe-plan-search", "::mlir::ModuleOp"> {
  let summary = "Search GPU plans for a program and apply the best one";
  let description = [{
    Reads an unplanned program once into an analytic summary (its kernels
    and how they scale with the tokens a GPU holds, its MoE layers and
    weights), then prices every plan on `gpus` GPUs: expert-parallel degree
    `ep` (dividing the GPUs and every layer's expert count, `dp = gpus /
    ep`), tensor parallelism up to `max-tp` and context parallelism up to
    `max-cp` (with and without MoE parallel folding, `fold`, and expert
    tensor parallelism `etp = tp` where `tp <= max-etp`), pipeline
    stages up to `max-pp`, ZeRO stage,
    micro-batch size (sequences per GPU per micro-batch dividing the
    step's `global-batch / gpus`), capacity factor and activation
    recomputation. Plans whose memory per device exceeds the machine's are
    pruned with the reason. The estimate applies the same plan rules as
    `--moe-gpu-plan` (PlanLayoutOpInterface) to one layer of each kind and
    prices it with the same cost model as `--moe-cost`. Writes the ranked
    plans (`format=text|json|csv`
    to `output`) and an SVG of the Pareto front of step time against memory
    per device (`svg=FILE`).

    Unless `apply=false`, the best plan is then emitted as IR: the token
    count is set to `gpus x` the plan's micro-batch tokens, `--moe-gpu-plan`
    runs with the plan's options and `--moe-cost` annotates the result. The
    pass fails when the IR's cost and the summary's estimate disagree by more
    than `max-disagreement`. When no plan fits, the error names the tightest
    constraint.
  }];
  let options = !listconcat(MoE_MachineOptions<"h100-sxm">.options, [
    Option<"gpus", "gpus", "int64_t", "8", "GPUs in the cluster">,
    Option<"gpusPerNode", "gpus-per-node", "int64_t", "8", "GPUs per node">,
    Option<"globalBatch", "global-batch", "int64_t", "0",
           "Sequences per optimizer step (0: the program's)">,
    MoE_PhaseOption<"Train", "What the plans run">.option,
    Option<"overlap", "overlap", "double", "0.0",
           "Fraction of collective time that may hide behind compute">,
    Option<"epOverlap", "ep-overlap", "bool", "false",
           "Every plan trains with 1F1B expert-parallel all-to-all overlap "
           "(--moe-cost ep-overlap)">,
    Option<"gradOverlap", "grad-overlap", "bool", "false",
           "Every plan overlaps its gradient synchronisation with the "
           "backward (--moe-cost grad-overlap)">,
    Option<"dispatcher", "dispatcher", "::mlir::moe::Dispatcher",
           "::mlir::moe::Dispatcher::AllToAll",
           "Every plan's token dispatcher (--moe-gpu-plan dispatcher)",
           "::mlir::moe::dispatcherOptionValues()">,
    Option<"imbalance", "imbalance", "double", "1.0",
           "Routed tokens of the hottest expert over the mean (>= 1), as "
           "--moe-cost prices them">,
    Option<"hotExperts", "hot-experts", "int64_t", "1",
           "How many experts imbalance= makes hot, as --moe-cost prices them">,
    Option<"zipf", "zipf", "double", "0.0",
           "Zipf exponent of the experts' loads (0: uniform), as --moe-cost "
           "prices them">,
    ListOption<"recomputeModules", "recompute-modules", "std::string",
               "Also try selective recomputation of these modules (core_attn, "
               "mla_up_proj, moe_act, mlp, moe) next to none and full">,
    MoE_FormatOption,
    Option<"output", "output", "std::string", "\"-\"",
           "Where to write the ranked table ('-' is stdout)">,
    Option<"top", "top", "int64_t", "20", "Rows of the text table">,
    Option<"svg", "svg", "std::string", "\"\"",
           "Write the Pareto front as SVG to this file">,
    Option<"apply", "apply", "bool", "true",
           "Emit the best plan as IR, costed">,
    Option<"maxDisagreement", "max-disagreement", "double", "0.02",
           "Largest relative difference allowed between the summary's "
           "estimate and the IR's cost of the chosen plan">,
    Option<"maxTp", "max-tp", "int64_t", "1",
           "Largest tensor-parallel degree to search">,
    Option<"maxPp", "max-pp", "int64_t", "1",
           "Largest number of pipeline stages to search">,
    Option<"maxCp", "max-cp", "int64_t", "1",
           "Largest context-parallel degree to search">,
    Option<"maxEtp", "max-etp", "int64_t", "0",
           "Largest tensor-parallel degree whose plans also try expert "
           "tensor parallelism, etp = tp (0: every tp up to max-tp; 1: "
           "none)">,
    Option<"fp8", "fp8", "bool", "false",
           "Run the 16-bit GEMMs of every plan in FP8 (--moe-gpu-plan fp8)">,
    Option<"fp32Grads", "fp32-grads", "bool", "false",
           "Accumulate and reduce every plan's weight gradients in FP32 "
           "(--moe-gpu-plan fp32-grads)">,
    Option<"exhaustive", "exhaustive", "bool", "false",
           "Price every plan, also the micro-batch sizes past one that does "
           "not fit (which the search otherwise skips: memory does not fall "
           "as micro-batches grow)">,
    Option<"checkAll", "check-all", "bool", "false",
           "Also lower and cost every estimated plan (not only the best) "
           "and fail when any disagrees with its estimate by more than "
           "max-disagreement">,
  ]);
  let dependentDialects = ["::mlir::shard::ShardDialect",
                           "::mlir::DLTIDialect"];
}

def MoEWSEPlan : Pass<"moe-wse-plan", "::mlir::ModuleOp"> {
  let summary = "Map a moe program onto wafer-scale systems with weight "
                "streaming and batch tiling on attention";
  let description = [{
    Rewrites the program into what one wafer-scale system (a Cerebras CS-2 or
    CS-3) of a pure data-parallel cluster runs, with weight streaming and
    Batch Tiling on Attention (BTA) explicit as `wse` ops:

    - token tensors keep the `batch / systems` sequences of one system
      (`seq-len` re-types the sequences; `batch` re-sizes the step);
    - every attention is wrapped in `wse.batch_tiles` with `tiles = G`: it
      runs on `G` tiles of `B = batch / (systems * G)` sequences, and the
      router, dispatch, experts and combine after it see all `G * B`;
    - every weight reaches the wafer through `wse.stream_weights`, inserted
      before its first user and replacing its uses;
    - `phase=train` adds `wse.reduce_gradients` and `wse.optimizer_step` for
      every weight, last layer first, before the return.

    `tiles=auto` plans and costs (`--moe-cost` on `machine`, `phase`) every
    `G` dividing the sequences per system and keeps the highest tokens/s
    whose memory fits the wafer, the fewest tiles on a tie. The module gets
    `moe.plan = {kind = "wse-weight-streaming", systems, devices, tiles,
    batch, seq_len, tile_sequences, tokens}`.

    Errors: a GPU machine, more systems than the machine allows, `systems`
    not dividing the batch, `tiles` not dividing the sequences per system,
    a tile whose attention scores do not fit the wafer's SRAM (or, for
    `auto`, no tile count that fits), a module that is already planned, a
    function result that is neither a token tensor nor of unchanged type.

    The systems form `shard.grid @systems(shape = N)` and token arguments and
    results are marked `moe.split_axes = #shard<axisarray[[0]]>`, so that
    `--moe-simulate-grid` and `--convert-wse-to-scf` run the plan as the
    whole program.
  }];
  let options = !listconcat(MoE_MachineOptions<"cs2">.options, [
    Option<"systems", "systems", "int64_t", "1",
           "Wafer-scale systems (data parallel)">,
    Option<"batch", "batch", "int64_t", "0",
           "Sequences per step over all systems (0: the program's)">,
    Option<"seqLen", "seq-len", "int64_t", "0",
           "Tokens per sequence (0: the program's)">,
    Option<"tiles", "tiles", "::mlir::moe::TileCount",
           "::mlir::moe::TileCount{1}",
           "Attention tiles G per system, or 'auto' (chosen by cost)">,
    MoE_PhaseOption<"Forward",
                    "What the plan runs (train adds gradient reduction and "
                    "the optimizer step)">.option,
  ]);
  let dependentDialects = ["::mlir::shard::ShardDialect",
                           "::mlir::wse::WSEDialect"];
}


def MoEServeSearch : Pass<"moe-serve-search", "::mlir::ModuleOp"> {
  let summary = "Search serving plans (co-located and disaggregated) for a model";
  let description = [{
    Reshapes the model's program (an import, prefill or decode) into the two
    serving steps (docs/Serving.md): a prefill of one prompt of
    `input-tokens` tokens, and a decode step over KV caches holding the mean
    context of a request (`input-tokens + output-tokens / 2`). Prices both on
    every plan of an instance of GPUs (a divisor of `gpus`: expert, data
    and tensor parallelism, dropless dispatch) and every batch per GPU with
    the plan estimate of --moe-plan-search, with the KV caches of the whole
    request in memory. Combines them into serving plans:

    - co-located: every GPU runs decode steps of `b` sequences, each step
      also prefilling `b * input / output` prompt tokens (chunked prefill);
    - disaggregated: a prefill pool and a decode pool of instances, sized to
      serve the most requests on the cluster, the KV cache of each prompt
      sent over the network.

    Reports the best plan of each kind under the latency targets (`ttft`,
    `tpot`, in seconds; 0 sets none), the verdict and the Pareto front of
    output tokens/s per GPU against tokens/s per user (`format=text|json` to
    `output`, the front as SVG to `svg`). The module is left unchanged.

    On a wafer-scale machine (`machine=cs3`, or a file of kind `wafer`)
    `gpus` counts systems, and the search prices the two ways a wafer holds
    the model side by side: weights resident in the SRAM of the fewest
    systems that hold them (layers pipelined over the systems), or streamed
    from external memory with the KV cache on the wafer; both co-located,
    every batch that fits listed.
  }];
  let options = !listconcat(MoE_MachineOptions<"h100-sxm">.options, [
    Option<"gpus", "gpus", "int64_t", "8",
           "GPUs in the cluster (systems, on a wafer-scale machine)">,
    Option<"gpusPerNode", "gpus-per-node", "int64_t", "8", "GPUs per node">,
    Option<"inputTokens", "input-tokens", "int64_t", "1024",
           "Prompt tokens of every request">,
    Option<"outputTokens", "output-tokens", "int64_t", "256",
           "Output tokens of every request">,
    Option<"ttft", "ttft", "double", "0",
           "Time-to-first-token target in seconds (0: none)">,
    Option<"tpot", "tpot", "double", "0",
           "Time-per-output-token target in seconds (0: none)">,
    Option<"fp8", "fp8", "bool", "false",
           "FP8 weights and GEMMs (the casts of activations priced)">,
    Option<"fp8KvCache", "fp8-kv-cache", "bool", "false",
           "Keep the KV caches in FP8 (f8E4M3FN) instead of the program's "
           "precision">,
    Option<"overlap", "overlap", "double", "0.0",
           "Fraction of collective time hidden behind compute">,
    Option<"twoBatchOverlap", "two-batch-overlap", "bool", "false",
           "Run an even batch as two micro-batches whose communication "
           "hides behind each other's compute (dual-batch overlap) where "
           "that is faster: a step then takes twice a half batch's">,
    Option<"imbalance", "imbalance", "double", "1.0",
           "Routed tokens of the hot experts over the mean (>= 1), as "
           "--moe-cost prices them">,
    Option<"hotExperts", "hot-experts", "int64_t", "1",
           "How many experts imbalance= makes hot">,
    Option<"zipf", "zipf", "double", "0.0",
           "Zipf exponent of the experts' loads (0: uniform)">,
    Option<"maxTp", "max-tp", "int64_t", "8",
           "Largest tensor-parallel degree to search">,
    Option<"maxBatch", "max-batch", "int64_t", "512",
           "Largest decode batch per GPU to search (powers of two up to it)">,
    MoE_FormatOption,
    Option<"output", "output", "std::string", "\"-\"",
           "Where to write the result ('-' is stdout)">,
    Option<"top", "top", "int64_t", "12", "Rows of the Pareto front shown">,
    Option<"svg", "svg", "std::string", "\"\"",
           "Write tokens/s per GPU against tokens/s per user as SVG">,
  ]);
  // The estimate builds planned ops (shard collectives) to price them.
  let dependentDialects = ["::mlir::shard::ShardDialect",
                           "::mlir::DLTIDialect"];
}

#endif // MOE_TRANSFORMS_PASSES_TD
