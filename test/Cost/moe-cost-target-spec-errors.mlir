// RUN: not moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16" -o /dev/null 2>&1 | FileCheck %s

// Bad dlti.target_system_spec entries and programs that cannot be costed at
// all: one error each, naming the problem (every chunk is checked; the run
// fails).

// CHECK: error: dlti.target_system_spec: unknown machine field 'memory_bandwith' (known: name, kind, base, {{.*}}memory_bandwidth,
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"memory_bandwith" = 1.0e12 : f64>>} {
  func.func @f() { return }
}

// -----

// CHECK: error: dlti.target_system_spec: 'memory_bandwidth' must be a number
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"memory_bandwidth" = "fast">>} {
  func.func @f() { return }
}

// -----

// CHECK: error: dlti.target_system_spec: 'name' must be a string
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"name" = 3 : i64>>} {
  func.func @f() { return }
}

// -----

// CHECK: error: dlti.target_system_spec: 'base' must be a string
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"base" = 100 : i64>>} {
  func.func @f() { return }
}

// -----

// CHECK: error: unknown machine 'h900' (known: h100-sxm, h200, b200, cs2, cs3;
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"base" = "h900">>} {
  func.func @f() { return }
}

// -----

// CHECK: error: dlti.target_system_spec: 'kind' must be "gpu" or "wafer"
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"kind" = "tpu">>} {
  func.func @f() { return }
}

// -----

// CHECK: error: dlti.target_system_spec: 'tile_m' must be a whole number (got 1.5)
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"tile_m" = 1.5 : f64>>} {
  func.func @f() { return }
}

// -----

// The refined machine is validated like a JSON one.
// CHECK: error: machine 'unit': 'memory_bandwidth' must be positive (got 0)
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"memory_bandwidth" = 0.0 : f64>>} {
  func.func @f() { return }
}

// -----

// A wafer keeps weights in external memory: here 32 bytes of it, less than
// the 32 bf16 weights of the rms_norm (64 bytes) need in a forward pass.
// CHECK: error: weights and optimizer state need 64 B but cs2's external memory holds 32 B
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "wse" = #dlti.target_device_spec<"base" = "cs2",
                                     "external_memory_capacity" = 32.0 : f64>>} {
  func.func @f(%x: tensor<16x32xbf16>, %w: tensor<32xbf16>)
      -> tensor<16x32xbf16> {
    %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x32xbf16>, tensor<32xbf16>
    return %y : tensor<16x32xbf16>
  }
}

// -----

// CHECK: error: nothing to cost: the module has no function with a body
func.func private @declaration_only(tensor<16x32xbf16>) -> tensor<16x32xbf16>

// -----

// CHECK: error: cannot cost recursive calls
func.func @entry(%x: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  %y = func.call @recursive(%x) : (tensor<16x32xbf16>) -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}
func.func @recursive(%x: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  %y = func.call @recursive(%x) : (tensor<16x32xbf16>) -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}

// -----

// A denormal bandwidth would make every time infinite (found by moe-fuzz):
// rejected as out of range.
// CHECK: error: machine 'unit': 'memory_bandwidth' is out of range (got 1.69677e-313)
module attributes {dlti.target_system_spec = #dlti.target_system_spec<"gpu" = #dlti.target_device_spec<"memory_bandwidth" = 1.696767728166372E-313 : f64>>} {
  func.func @f(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
    %y = arith.addf %x, %x : tensor<16x64xf32>
    return %y : tensor<16x64xf32>
  }
}
