// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16" | FileCheck %s
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16 phase=train" | FileCheck %s --check-prefix=TRAIN

// A dlti.target_system_spec on the module refines the machine given by
// machine= or machine-file= (here the unit machine, Inputs/unit-machine.json:
// 1e12 FLOP/s, 1e11 B/s, efficiencies 1, no latency, 1x1 tiles). Its keys are
// those of a JSON machine.

// Faster memory and a new name: the rms_norm's 2112 bytes now take
// 2112 / 1e12 = 2.112e-9 s instead of 2.112e-8.
// CHECK: moe.cost_summary = #moe.cost_summary<machine = "unit-fast"
// CHECK: moe.rms_norm {{.*}}moe.cost = #moe.cost<flops = 2048, bytes = 2112, network = 0, seconds = 2.112e-09, bound = memory>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"name" = "unit-fast",
                                     "memory_bandwidth" = 1.0e12 : f64>>} {
  func.func @faster(%x: tensor<16x32xbf16>, %w: tensor<32xbf16>)
      -> tensor<16x32xbf16> {
    %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x32xbf16>, tensor<32xbf16>
    return %y : tensor<16x32xbf16>
  }
}

// -----

// Integer values work as well as floats (memory_bandwidth = 2e11 as an
// integer): 2112 / 2e11 = 1.056e-8 s.
// CHECK: moe.rms_norm {{.*}}moe.cost = #moe.cost<flops = 2048, bytes = 2112, network = 0, seconds = 1.056e-08, bound = memory>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"memory_bandwidth" = 200000000000 : i64>>} {
  func.func @integer_value(%x: tensor<16x32xbf16>, %w: tensor<32xbf16>)
      -> tensor<16x32xbf16> {
    %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x32xbf16>, tensor<32xbf16>
    return %y : tensor<16x32xbf16>
  }
}

// -----

// "base" replaces the machine with a preset before the other keys refine it:
// on a CS-2 (on-wafer SRAM 20e15 B/s at efficiency 1, no kernel latency)
// the rms_norm takes 2112 / 20e15 = 1.056e-13 s.
// CHECK: moe.cost_summary = #moe.cost_summary<machine = "cs2"
// CHECK: moe.rms_norm {{.*}}moe.cost = #moe.cost<flops = 2048, bytes = 2112, network = 0, seconds = 1.056e-13, bound = memory>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "wse" = #dlti.target_device_spec<"base" = "cs2">>} {
  func.func @preset(%x: tensor<16x32xbf16>, %w: tensor<32xbf16>)
      -> tensor<16x32xbf16> {
    %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x32xbf16>, tensor<32xbf16>
    return %y : tensor<16x32xbf16>
  }
}

// -----

// "kind" = "wafer" turns the unit machine into a weight-streaming wafer with
// 1e9 B/s from external memory. A GEMM [16 x 32] * W[32 x 8] must stream W
// (32*8*2 = 512 bytes) in: 512 / 1e9 = 5.12e-7 s, far above its compute
// (8192 FLOPs, 8.192e-9 s) and SRAM traffic (1792 bytes, 1.792e-8 s):
// weight_io-bound, and a wafer has no kernel latency.
// CHECK: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 8192, bytes = 1792, network = 0, seconds = 5.12e-07, bound = weight_io>
// Training streams W in again for the input gradient and streams its
// gradient out (512 bytes each): 3 x 5.12e-7 = 1.536e-6 s; FLOPs and bytes
// triple (24576, 5376). The optimizer runs in external memory, off the
// wafer's clock: no AdamW time.
// On the wafer only the op being streamed and its gradient are held: 512
// bytes each; weights, gradients and optimizer state live off the wafer.
// Wafer activations are the largest op's working set without the program's
// outputs, which leave the wafer as they are produced: the matmul's A
// (1024 B), not its init C and result (what @wafer returns); total
// 512 + 512 + 1024 = 2048.
// TRAIN: moe.cost_summary = #moe.cost_summary<{{.*}}memory = <weights = 512, gradients = 512, optimizer = 0, activations = 1024, kv_cache = 0, total = 2048, capacity = 1.0e+12>>
// TRAIN: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 24576, bytes = 5376, network = 0, seconds = 1.536e-06, bound = weight_io>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "wse" = #dlti.target_device_spec<"kind" = "wafer",
                                     "weight_stream_bandwidth" = 1.0e9 : f64>>} {
  func.func @wafer(%a: tensor<16x32xbf16>,
                   %w: tensor<32x8xbf16> {moe.param = "w"},
                   %c: tensor<16x8xbf16>) -> tensor<16x8xbf16> {
    %r = linalg.matmul ins(%a, %w : tensor<16x32xbf16>, tensor<32x8xbf16>)
                       outs(%c : tensor<16x8xbf16>) -> tensor<16x8xbf16>
    return %r : tensor<16x8xbf16>
  }
}
