// RUN: moe-opt %s -split-input-file | FileCheck %s
// RUN: moe-opt %s -split-input-file | moe-opt -split-input-file | FileCheck %s
// RUN: moe-opt %s -split-input-file --mlir-print-op-generic | moe-opt -split-input-file | FileCheck %s

// The plan and the cost summary as typed attributes: parameters in any
// order, degrees that are 1 (and the default 8 GPUs per node) omitted when
// printed, figures printed as the shortest decimal that reads back exactly.
// Bad values: attrs-invalid.mlir.

// CHECK: module attributes {moe.plan = #moe.gpu_plan<dp = 2, ep = 4, tp = 2, pp = 4, vpp = 2, gpus_per_node = 4, tokens = 4096>}
module attributes {moe.plan = #moe.gpu_plan<tokens = 4096, vpp = 2, pp = 4,
    tp = 2, ep = 4, dp = 2, gpus_per_node = 4>} {
}

// -----

// CHECK: module attributes {moe.plan = #moe.gpu_plan<ep = 8>}
module attributes {moe.plan = #moe.gpu_plan<dp = 1, ep = 8, tp = 1, pp = 1, vpp = 1, gpus_per_node = 8, tokens = 0>} {
}

// -----

// CHECK: module attributes {moe.plan = #moe.wse_plan<systems = 2, tiles = 4, batch = 64, seq_len = 4096>}
module attributes {moe.plan = #moe.wse_plan<batch = 64, seq_len = 4096, systems = 2, tiles = 4>} {
}

// -----

// 0.1 + 0.2 is not 0.3 in binary: 17 digits are needed to read it back;
// 1/3 needs 16.
// CHECK: moe.cost_summary = #moe.cost_summary<machine = "h100-sxm", phase = train, tokens = 4096, devices = 8, seconds = 0.30000000000000004, flops = 1.5e+15, model_flops = 1.2e+15, bytes = 2048, network_bytes = 0.3333333333333333, params = 3.0e+10, active_params = 3.3e+09, peak_flops = 9.894e+14, pipeline_bubble = 0.25, memory = <weights = 6.0e+10, gradients = 6.0e+10, optimizer = 0, activations = 1.0e+09, kv_cache = 0, total = 1.21e+11, capacity = 8.0e+10>>
module attributes {moe.cost_summary = #moe.cost_summary<machine = "h100-sxm",
    phase = train, tokens = 4096, devices = 8, seconds = 0.30000000000000004,
    flops = 1.5e15, model_flops = 1.2e15, bytes = 2048,
    network_bytes = 0.3333333333333333, params = 3.0e10, active_params = 3.3e9,
    peak_flops = 989.4e12, pipeline_bubble = 0.25,
    memory = <weights = 6.0e10, gradients = 6.0e10, optimizer = 0,
              activations = 1.0e9, kv_cache = 0, total = 1.21e11, capacity = 80.0e9>>} {
}

// -----

// Where an op's time falls in the step: fields at their defaults (role
// compute, exposed 1, stage and chunk 0, the seconds 0) are not printed;
// a summary prints micro_batches and routing_load unless 1.
// CHECK-LABEL: func.func @timed
// CHECK: moe.timing = #moe.timing<forward = 1.0e-05, backward = 2.0e-05, optimizer = 3.0e-06>
// CHECK: moe.timing = #moe.timing<role = collective, forward = 1.0e-06, backward = 1.0e-06, exposed = 0.25, stage = 3, chunk = 1, transfer = 5.0e-06>
// CHECK: moe.timing = #moe.timing<role = grad_sync, sync = 4.0e-06>
func.func @timed() attributes {moe.timing = #moe.timing<optimizer = 3.0e-6, forward = 1.0e-5, backward = 2.0e-5>} {
  return
}
func.func @timed_collective() attributes {moe.timing = #moe.timing<role = collective, forward = 1.0e-6, backward = 1.0e-6, exposed = 0.25, stage = 3, chunk = 1, transfer = 5.0e-6>} {
  return
}
func.func @timed_sync() attributes {moe.timing = #moe.timing<role = grad_sync, sync = 4.0e-6, exposed = 1>} {
  return
}
// CHECK: micro_batches = 8, routing_load = 2.5>
module attributes {moe.cost_summary = #moe.cost_summary<machine = "m", phase = train, tokens = 16, devices = 1, seconds = 1, flops = 0, model_flops = 0, bytes = 0, network_bytes = 0, params = 0, active_params = 0, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 0, gradients = 0, optimizer = 0, activations = 0, kv_cache = 0, total = 0, capacity = 1>, micro_batches = 8, routing_load = 2.5>} {
}
