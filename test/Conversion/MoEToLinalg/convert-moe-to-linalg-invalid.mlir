// RUN: moe-opt %s --convert-moe-to-linalg -split-input-file -verify-diagnostics

// The lowering lays out capacity, sequences and heads at compile time, so a
// dynamic dimension anywhere on a moe op is an error naming the op.

func.func @dynamic_tokens(%x: tensor<?x32xf32>, %w: tensor<32xf32>)
    -> tensor<?x32xf32> {
  // expected-error @below {{'moe.rms_norm' op has a dynamic shape; --convert-moe-to-linalg needs static shapes}}
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<?x32xf32>, tensor<32xf32>
  return %y : tensor<?x32xf32>
}

// -----

func.func @dynamic_capacity(%x: tensor<16x32xf32>, %idx: tensor<16x2xi32>)
    -> tensor<8x?x32xf32> {
  // expected-error @below {{'moe.dispatch' op has a dynamic shape}}
  %buf = moe.dispatch %x, %idx dropless
      : (tensor<16x32xf32>, tensor<16x2xi32>) -> tensor<8x?x32xf32>
  return %buf : tensor<8x?x32xf32>
}

// -----

// Every dynamic op is reported, not only the first.
func.func @two_dynamic(%x: tensor<?x32xf32>, %gate: tensor<32x8xf32>,
                       %wu: tensor<32x64xf32>, %wd: tensor<64x32xf32>)
    -> (tensor<?x2xi32>, tensor<?x32xf32>) {
  // expected-error @below {{'moe.router' op has a dynamic shape}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<?x32xf32>, tensor<32x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  // expected-error @below {{'moe.ffn' op has a dynamic shape}}
  %y = moe.ffn %x, up %wu, down %wd activation = relu
      : (tensor<?x32xf32>, tensor<32x64xf32>, tensor<64x32xf32>) -> tensor<?x32xf32>
  return %idx, %y : tensor<?x2xi32>, tensor<?x32xf32>
}
