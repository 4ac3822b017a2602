// RUN: moe-opt %s -split-input-file -verify-diagnostics

// Bad #moe.cost attributes: every figure must be a non-negative number and
// the bound one of the six names.

// expected-error @+1 {{'flops' must not be negative}}
func.func @negative_integer() attributes {moe.cost = #moe.cost<flops = -1, bytes = 0, network = 0, seconds = 0, bound = none>} {
  return
}

// -----

// expected-error @+1 {{'seconds' must not be negative}}
func.func @negative_float() attributes {moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = -1.5e-3, bound = none>} {
  return
}

// -----

// expected-error @+1 {{unknown bound 'fast' (expected compute, memory, network, weight_io, latency or none)}}
func.func @bad_bound() attributes {moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = fast>} {
  return
}

// -----

// expected-error @+1 {{expected 'bytes'}}
func.func @missing_field() attributes {moe.cost = #moe.cost<flops = 0, network = 0, seconds = 0, bound = none>} {
  return
}

// -----

// expected-error @+1 {{expected floating point literal}}
func.func @not_a_number() attributes {moe.cost = #moe.cost<flops = many, bytes = 0, network = 0, seconds = 0, bound = none>} {
  return
}
