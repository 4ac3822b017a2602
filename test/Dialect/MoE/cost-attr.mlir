// RUN: moe-opt %s -split-input-file | FileCheck %s
// RUN: moe-opt %s -split-input-file | moe-opt -split-input-file | FileCheck %s
// RUN: moe-opt %s -split-input-file --mlir-print-op-generic | moe-opt -split-input-file | FileCheck %s

// #moe.cost prints its figures with %.6g: whole numbers come out without a
// dot ("flops = 2048"), large and small ones in exponent form, given a dot
// when %g leaves none ("1.0e-06": MLIR lexes "1e-06" as 1 then `e`). All of
// them parse back, as do integer literals written by hand. Bad values:
// cost-attr-invalid.mlir.

// CHECK-LABEL: func.func @costed
// CHECK-SAME: moe.cost = #moe.cost<flops = 2048, bytes = 0, network = 1.5e+06, seconds = 2.112e-08, bound = memory>
func.func @costed() attributes {moe.cost = #moe.cost<flops = 2048, bytes = 0,
    network = 1.5e+06, seconds = 2.112e-08, bound = memory>} {
  return
}

// -----

// Floats with a dot, and every bound.
// CHECK-LABEL: func.func @bounds
// CHECK-SAME: a = #moe.cost<flops = 1, bytes = 2.5, network = 0, seconds = 1.0e-06, bound = compute>
// CHECK-SAME: b = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
// CHECK-SAME: c = #moe.cost<flops = 0, bytes = 0, network = 1024, seconds = 1, bound = network>
// CHECK-SAME: d = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 1.0e-05, bound = latency>
// CHECK-SAME: e = #moe.cost<flops = 1.23457e+11, bytes = 0, network = 0, seconds = 0.5, bound = weight_io>
func.func @bounds() attributes {
    a = #moe.cost<flops = 1.0, bytes = 2.5, network = 0.0, seconds = 1.0e-06, bound = compute>,
    b = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>,
    c = #moe.cost<flops = 0, bytes = 0, network = 1024, seconds = 1, bound = network>,
    d = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 1.0e-05, bound = latency>,
    e = #moe.cost<flops = 123456789012, bytes = 0, network = 0, seconds = 0.5, bound = weight_io>} {
  return
}
