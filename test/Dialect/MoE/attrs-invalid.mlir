// RUN: moe-opt %s -split-input-file -verify-diagnostics

// The typed contracts of the moe dialect: the plan and the cost summary are
// attributes with typed, verified parameters, and every moe.* attribute is
// checked wherever it appears. One case per rule.

// An untyped dictionary is not a plan (it used to be costed as one device).
// expected-error @below {{'moe.plan' must be a plan (#moe.gpu_plan<...> or #moe.wse_plan<...>), not {devices = "many", kind = 7 : i64, pp = -3 : i64}}}
module attributes {moe.plan = {devices = "many", pp = -3, kind = 7}} {
}

// -----

// expected-error @below {{'moe.plan' belongs on a builtin.module, not on 'func.func'}}
func.func @plan_on_function() attributes {moe.plan = #moe.gpu_plan<ep = 2>} {
  return
}

// -----

// expected-error @below {{'pp' of a GPU plan must be at least 1 (got -3)}}
module attributes {moe.plan = #moe.gpu_plan<pp = -3>} {
}

// -----

// expected-error @below {{'gpus_per_node' of a GPU plan must be at least 1 (got 0)}}
module attributes {moe.plan = #moe.gpu_plan<gpus_per_node = 0>} {
}

// -----

// expected-error @below {{'zero' of a GPU plan is a ZeRO stage from 0 to 3 (got 4)}}
module attributes {moe.plan = #moe.gpu_plan<zero = 4>} {
}

// -----

// expected-error @below {{'tokens' of a GPU plan must not be negative (got -1)}}
module attributes {moe.plan = #moe.gpu_plan<tokens = -1>} {
}

// -----

// Folding splits the experts over the tensor- and context-parallel ranks:
// none to fold.
// expected-error @below {{'fold' of a GPU plan folds the experts over the tensor- and context-parallel ranks: it needs tp > 1 (with etp = 1) or cp > 1}}
module attributes {moe.plan = #moe.gpu_plan<ep = 2, fold = true>} {
}

// -----

// The dispatcher is one of the known ones.
// expected-error @below {{expected ::mlir::moe::Dispatcher to be one of: alltoall, deepep}}
// expected-error @below {{failed to parse MoE_GPUPlanAttr parameter 'dispatcher'}}
module attributes {moe.plan = #moe.gpu_plan<dispatcher = nccl>} {
}

// -----

// expected-error @below {{the GPU plan's device count dp * ep * cp * tp * pp overflows}}
module attributes {moe.plan = #moe.gpu_plan<dp = 4294967296, ep = 4294967296>} {
}

// -----

// expected-error @below {{'systems' and 'tiles' of a wafer-scale plan must be at least 1 (got 0 and 1)}}
module attributes {moe.plan = #moe.wse_plan<systems = 0, batch = 4, seq_len = 64>} {
}

// -----

// expected-error @below {{'batch' and 'seq_len' of a wafer-scale plan must be at least 1 (got 4 and 0)}}
module attributes {moe.plan = #moe.wse_plan<batch = 4, seq_len = 0>} {
}

// -----

// expected-error @below {{the batch of 6 sequences does not split evenly over 2 systems and then 2 tiles}}
module attributes {moe.plan = #moe.wse_plan<systems = 2, tiles = 2, batch = 6, seq_len = 64>} {
}

// -----

// expected-error @below {{the wafer-scale plan's tokens per step (batch * seq_len) overflow}}
module attributes {moe.plan = #moe.wse_plan<batch = 4294967296, seq_len = 4294967296>} {
}

// -----

// A summary edited by hand is checked like any other attribute.
// expected-error @below {{'moe.cost_summary' must be a #moe.cost_summary<...>, not {seconds = 1.000000e+00 : f64}}}
module attributes {moe.cost_summary = {seconds = 1.0}} {
}

// -----

// expected-error @below {{'seconds' must not be negative (got -1)}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = train, tokens = 16, devices = 1, seconds = -1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>>} {
}

// -----

// expected-error @below {{'flops' must be finite (got inf)}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = train, tokens = 16, devices = 1, seconds = 1, flops = 1.0e400, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>>} {
}

// -----

// expected-error @+2 {{expected floating point literal}}
// expected-error @+1 {{failed to parse MoE_CostSummaryAttr parameter 'seconds'}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = train, tokens = 16, devices = 1, seconds = "fast", flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>>} {
}

// -----

// expected-error @below {{'devices' must be at least 1 (got 0)}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = forward, tokens = 16, devices = 0, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>>} {
}

// -----

// expected-error @below {{'tokens' must not be negative (got -16)}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = forward, tokens = -16, devices = 1, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>>} {
}

// -----

// expected-error @below {{a cost summary needs the machine's name}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "", phase = forward, tokens = 16, devices = 1, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>>} {
}

// -----

// expected-error @below {{'pipeline_bubble' is a fraction of the step and must be below 1 (got 1)}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = forward, tokens = 16, devices = 1, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 1, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>>} {
}

// -----

// expected-error @below {{'active_params' (200) exceeds 'params' (100)}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = forward, tokens = 16, devices = 1, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 100, active_params = 200, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>>} {
}

// -----

// expected-error @below {{memory 'total' (10) is not the sum of weights, gradients, optimizer, activations and KV cache (6)}}
// expected-error @below {{failed to parse MoE_CostSummaryAttr parameter 'memory'}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = forward, tokens = 16, devices = 1, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 1, gradients = 2, optimizer = 3, activations = 0, kv_cache = 0, total = 10, capacity = 1>>} {
}

// -----

// expected-error @below {{'capacity' must not be negative (got -1)}}
// expected-error @below {{failed to parse MoE_CostSummaryAttr parameter 'memory'}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = forward, tokens = 16, devices = 1, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = -1>>} {
}

// -----

// expected-error @below {{'moe.cost_summary' belongs on a builtin.module, not on 'func.func'}}
func.func @summary_on_function() attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = forward, tokens = 16, devices = 1, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>>} {
  return
}

// -----

func.func @cost_not_typed(%x: f32) -> f32 {
  // expected-error @below {{'moe.cost' must be a #moe.cost<...>, not 1.000000e+00 : f64}}
  %y = arith.addf %x, %x {moe.cost = 1.0} : f32
  return %y : f32
}

// -----

func.func @grad_sync_on_arith(%x: f32) -> f32 {
  // expected-error @below {{'moe.grad_sync' marks a shard collective, not 'arith.addf'}}
  %y = arith.addf %x, %x {moe.grad_sync} : f32
  return %y : f32
}

// -----

shard.grid @g(shape = 2)
func.func @grad_sync_not_unit(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{'moe.grad_sync' must be a unit attribute, not true}}
  %y = shard.all_reduce %x on @g grid_axes = [0] {moe.grad_sync = true} : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// expected-error @below {{'moe.architecture' must be a string, not 3 : i64}}
module attributes {moe.architecture = 3} {
}

// -----

// expected-error @below {{'moe.param' of argument #0 must name the weight (a non-empty string), not 1 : i64}}
func.func @param_not_string(%w: tensor<4xf32> {moe.param = 1}) {
  return
}

// -----

// expected-error @below {{'moe.param' of argument #0 must name the weight (a non-empty string), not ""}}
func.func @param_empty(%w: tensor<4xf32> {moe.param = ""}) {
  return
}

// -----

func.func @param_on_op(%x: f32) -> f32 {
  // expected-error @below {{'moe.param' belongs on a function argument or result, not on an operation}}
  %y = arith.addf %x, %x {moe.param = "w"} : f32
  return %y : f32
}

// -----

// expected-error @below {{'moe.split_axes' of result #0 must be grid axes per dimension (#shard<axisarray[...]>), not "0"}}
func.func @split_result(%x: tensor<4xf32>) -> (tensor<4xf32> {moe.split_axes = "0"}) {
  return %x : tensor<4xf32>
}

// -----

// A misspelt attribute is named, with the ones the dialect knows.
// expected-error @below {{unknown moe attribute 'moe.plans' (known: moe.plan, moe.cost_summary, moe.cost, moe.timing, moe.grad_sync, moe.param, moe.split_axes, moe.architecture)}}
module attributes {moe.plans = #moe.gpu_plan<ep = 2>} {
}

// -----

// expected-error @below {{unknown moe attribute 'moe.weight' of argument #0}}
func.func @unknown_arg(%w: tensor<4xf32> {moe.weight = "w"}) {
  return
}

// -----

// expected-error @below {{unknown moe attribute 'moe.param' of result #0}}
func.func @unknown_result(%x: tensor<4xf32>) -> (tensor<4xf32> {moe.param = "w"}) {
  return %x : tensor<4xf32>
}

// -----

// expected-error @below {{'exposed' is a fraction in [0, 1] (got 1.5)}}
func.func @exposed_above_one() attributes {moe.timing = #moe.timing<exposed = 1.5>} {
  return
}

// -----

// expected-error @below {{'backward' must not be negative (got -2)}}
func.func @negative_backward() attributes {moe.timing = #moe.timing<backward = -2>} {
  return
}

// -----

// expected-error @below {{'stage' and 'chunk' must not be negative (got -1, 0)}}
func.func @negative_stage() attributes {moe.timing = #moe.timing<stage = -1>} {
  return
}

// -----

// expected-error @below {{'moe.timing' must be a #moe.timing<...>, not #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>}}
func.func @timing_not_timing() attributes {moe.timing = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>} {
  return
}

// -----

// expected-error @below {{'micro_batches' must be at least 1 (got 0)}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = train, tokens = 16, devices = 1, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>, micro_batches = 0>} {
}

// -----

// expected-error @below {{'routing_load' is a rank's load over a balanced share and must be at least 1 (got 0.5)}}
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = train, tokens = 16, devices = 1, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>, routing_load = 0.5>} {
}

// -----

// A context-parallel group spans at least one grid axis.
// expected-error @below {{expected integer value}}
// expected-error @below {{failed to parse MoE_ContextAttr parameter 'axes'}}
module attributes {test.context = #moe.context<@gpus, []>} {
}

// -----

// Its axes are distinct and in order.
// expected-error @below {{the grid axes of a context-parallel group must be non-negative and increasing}}
module attributes {test.context = #moe.context<@gpus, [1, 0]>} {
}

// -----

// fold_cp is part of the cp ranks taken into a folded expert group of its
// own: it needs fold.
// expected-error @below {{'fold_cp' of a GPU plan is the context-parallel ranks a folded expert group takes: it needs fold, ep = 1 and a divisor of cp (got fold_cp = 2, cp = 4, ep = 1)}}
module attributes {moe.plan = #moe.gpu_plan<cp = 4, fold_cp = 2>} {
}

// -----

// Expert tensor parallelism splits each expert over the tp axis: etp is 1
// or tp.
// expected-error @below {{'etp' of a GPU plan splits each expert over the tensor-parallel axis: it must be 1 or tp (got etp = 2, tp = 4)}}
module attributes {moe.plan = #moe.gpu_plan<tp = 4, etp = 2>} {
}

// -----

// With the tp axis holding the experts' columns, folding needs cp.
// expected-error @below {{'fold' of a GPU plan folds the experts over the tensor- and context-parallel ranks: it needs tp > 1 (with etp = 1) or cp > 1}}
module attributes {moe.plan = #moe.gpu_plan<ep = 2, tp = 2, etp = 2, fold = true>} {
}

// -----

// Degrees are at least 1.
// expected-error @below {{'etp' of a GPU plan must be at least 1 (got 0)}}
module attributes {moe.plan = #moe.gpu_plan<etp = 0>} {
}
