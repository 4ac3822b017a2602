// --moe-cost replaces every annotation: running it again (another phase)
// leaves none of the first run's #moe.timing, and a #moe.cost written by
// hand on an op it does not cost (the function) is dropped, so the report
// and its timeline read this step alone. The rms_norm: forward reads x
// (1024 B) and w (64 B) and writes y (1024 B), 2112 B at 1e11 B/s =
// 2.112e-8 s on the unit machine.
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train tokens=16" --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=forward tokens=16" | FileCheck %s
// CHECK: moe.cost_summary = #moe.cost_summary<machine = "unit", phase = forward, {{.*}}seconds = 2.112e-08, flops
// CHECK-NOT: moe.timing
// CHECK-NOT: seconds = 5
// CHECK: moe.rms_norm {{.*}}moe.cost = #moe.cost<flops = {{[0-9]+}}, bytes = 2112, network = 0, seconds = 2.112e-08, bound = memory>}
// CHECK-NOT: moe.timing
func.func @f(%x: tensor<16x32xbf16>, %n: tensor<32xbf16> {moe.param = "n"}) -> tensor<16x32xbf16>
    attributes {moe.cost = #moe.cost<flops = 1, bytes = 1, network = 1, seconds = 5.0, bound = memory>} {
  %h = moe.rms_norm %x, %n epsilon = 1.0e-06 : tensor<16x32xbf16>, tensor<32xbf16> loc("layers.0.norm")
  return %h : tensor<16x32xbf16>
}
