// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16" -verify-diagnostics -o /dev/null
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=16" 2>/dev/null | FileCheck %s

// What the cost model cannot price is reported on the op, never silently
// counted as zero; the pass still succeeds and annotates everything else.
// (All figures on the unit machine: 1e11 B/s, a [16 x 32] bf16 arith.addf
// moves 3072 bytes: 3.072e-8 s.)

// An op without a cost model: scf.if. It is warned about once, and the ops
// in its regions are still costed (both branches, once each).
// The step moves 2 x 3072 bytes; the scf.if itself gets no annotation.
// CHECK: moe.cost_summary = #moe.cost_summary<{{.*}} bytes = 6144,
// CHECK-LABEL: func.func @no_model
// CHECK: scf.if %{{.*}} -> (tensor<16x32xbf16>) {
// CHECK-NEXT: arith.addf {{.*}}moe.cost = #moe.cost<flops = 512, bytes = 3072, network = 0, seconds = 3.072e-08, bound = memory>
// CHECK-NEXT: scf.yield
// CHECK-NEXT: } else {
// CHECK-NEXT: arith.addf {{.*}}moe.cost = #moe.cost<flops = 512, bytes = 3072, network = 0, seconds = 3.072e-08, bound = memory>
// CHECK-NEXT: scf.yield
// CHECK-NEXT: {{^ *}}}{{$}}
func.func @no_model(%c: i1, %x: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  // expected-warning @+1 {{no cost model for 'scf.if'; its ops are counted as zero}}
  %r = scf.if %c -> tensor<16x32xbf16> {
    %a = arith.addf %x, %x : tensor<16x32xbf16>
    scf.yield %a : tensor<16x32xbf16>
  } else {
    %b = arith.addf %x, %x : tensor<16x32xbf16>
    scf.yield %b : tensor<16x32xbf16>
  }
  // A second scf.if is not warned about again.
  %s = scf.if %c -> tensor<16x32xbf16> {
    scf.yield %r : tensor<16x32xbf16>
  } else {
    scf.yield %x : tensor<16x32xbf16>
  }
  return %s : tensor<16x32xbf16>
}

// -----

// Dynamic shapes: the work is unknown. The op is annotated with zeros.
// CHECK-LABEL: func.func @dynamic
// CHECK: moe.rms_norm {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
// CHECK: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
// CHECK: arith.addf {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
func.func @dynamic(%x: tensor<?x32xbf16>, %w: tensor<32xbf16>,
                   %a: tensor<?x32xbf16>, %b: tensor<32x8xbf16>,
                   %c: tensor<?x8xbf16>) -> (tensor<?x32xbf16>, tensor<?x8xbf16>, tensor<?x32xbf16>) {
  // expected-warning @+1 {{cannot cost 'moe.rms_norm' (dynamic shapes); counted as zero}}
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<?x32xbf16>, tensor<32xbf16>
  // expected-warning @+1 {{cannot cost 'linalg.matmul' (dynamic shapes); counted as zero}}
  %m = linalg.matmul ins(%a, %b : tensor<?x32xbf16>, tensor<32x8xbf16>)
                     outs(%c : tensor<?x8xbf16>) -> tensor<?x8xbf16>
  // expected-warning @+1 {{cannot cost 'arith.addf' (dynamic shapes); counted as zero}}
  %s = arith.addf %x, %x : tensor<?x32xbf16>
  return %y, %m, %s : tensor<?x32xbf16>, tensor<?x8xbf16>, tensor<?x32xbf16>
}

// -----

// A loop whose trip count is not a constant: its body is counted once.
// CHECK-LABEL: func.func @dynamic_trip_count
// CHECK: arith.addf {{.*}}moe.cost = #moe.cost<flops = 512, bytes = 3072, network = 0, seconds = 3.072e-08, bound = memory>
func.func @dynamic_trip_count(%n: index, %x: tensor<16x32xbf16>)
    -> tensor<16x32xbf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-warning @+1 {{trip count of 'scf.for' is not static; its body is counted once}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x)
      -> (tensor<16x32xbf16>) {
    %a = arith.addf %acc, %x : tensor<16x32xbf16>
    scf.yield %a : tensor<16x32xbf16>
  }
  return %r : tensor<16x32xbf16>
}

// -----

// A call to a function without a body (an external kernel) costs nothing
// the model can see.
// CHECK-LABEL: func.func @external_call
func.func private @kernel(tensor<16x32xbf16>) -> tensor<16x32xbf16>
func.func @external_call(%x: tensor<16x32xbf16>) -> tensor<16x32xbf16> {
  // expected-warning @+1 {{cannot cost a call to a function without a body; counted as zero}}
  %y = func.call @kernel(%x) : (tensor<16x32xbf16>) -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}
