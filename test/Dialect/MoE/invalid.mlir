// RUN: moe-opt %s -split-input-file -verify-diagnostics

// One case per verifier rule of the `moe` dialect: every check in
// lib/Dialect/MoE/IR/MoEOps.cpp and the ODS constraints in
// dialects/MoE/MoEOps.td. Each case starts from a valid op (the shapes of
// ops.mlir) and breaks exactly one thing; the comment names the rule.

//===----------------------------------------------------------------------===//
// moe.router
//===----------------------------------------------------------------------===//

// ODS: top_k is a positive integer.
func.func @router_top_k_zero(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op attribute 'top_k' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %idx, %w = moe.router %x, %gate top_k = 0 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x0xi32>, tensor<16x0xf32>)
  return
}

// -----

// ODS: top_k is a positive integer (negative).
func.func @router_top_k_negative(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{attribute 'top_k' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %idx, %w = moe.router %x, %gate top_k = -1 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// ODS: the input is a 2-D float tensor (wrong rank).
func.func @router_input_rank(%x: tensor<2x8x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op operand #0 must be 2D tensor of floating-point values, but got 'tensor<2x8x64xf32>'}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<2x8x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// ODS: the input is a 2-D float tensor (integer elements).
func.func @router_input_not_float(%x: tensor<16x64xi32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op operand #0 must be 2D tensor of floating-point values, but got 'tensor<16x64xi32>'}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xi32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}


// -----

// ODS: the gate is a 2-D float tensor.
func.func @router_gate_rank(%x: tensor<16x64xf32>, %gate: tensor<64x8x1xf32>) {
  // expected-error @+1 {{'moe.router' op operand #1 must be 2D tensor of floating-point values, but got 'tensor<64x8x1xf32>'}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8x1xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}
// -----

// ODS: the bias is a 1-D float tensor.
func.func @router_bias_rank(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>,
                            %bias: tensor<1x8xf32>) {
  // expected-error @+1 {{'moe.router' op operand #2 must be 1D tensor of floating-point values, but got 'tensor<1x8xf32>'}}
  %idx, %w = moe.router %x, %gate bias %bias top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>, tensor<1x8xf32>)
      -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// ODS: indices are i32.
func.func @router_indices_i64(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op result #0 must be 2D tensor of 32-bit signless integer values, but got 'tensor<16x2xi64>'}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi64>, tensor<16x2xf32>)
  return
}

// -----

// ODS: weights are floats.
func.func @router_weights_not_float(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op result #1 must be 2D tensor of floating-point values, but got 'tensor<16x2xi32>'}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xi32>)
  return
}

// -----

// The gate projects the hidden size: gate rows = H.
func.func @router_gate_hidden(%x: tensor<16x64xf32>, %gate: tensor<32x8xf32>) {
  // expected-error @+1 {{'moe.router' op hidden size of 'gate' (32) must equal the input's (64)}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<32x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// top_k <= E.
func.func @router_top_k_too_large(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op top_k (9) exceeds the number of experts (8)}}
  %idx, %w = moe.router %x, %gate top_k = 9 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x9xi32>, tensor<16x9xf32>)
  return
}

// -----

// One row of indices per token.
func.func @router_indices_rows(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op rows of 'indices' (15) must equal the token count (16)}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<15x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// One column of indices per choice.
func.func @router_indices_columns(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op columns of 'indices' (3) must equal top_k (2)}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x3xi32>, tensor<16x2xf32>)
  return
}

// -----

// One row of weights per token.
func.func @router_weights_rows(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op rows of 'weights' (8) must equal the token count (16)}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<8x2xf32>)
  return
}

// -----

// One column of weights per choice.
func.func @router_weights_columns(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op columns of 'weights' (1) must equal top_k (2)}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x1xf32>)
  return
}

// -----

// One bias entry per expert.
func.func @router_bias_size(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>,
                            %bias: tensor<4xf32>) {
  // expected-error @+1 {{'moe.router' op size of 'bias' (4) must equal the number of experts (8)}}
  %idx, %w = moe.router %x, %gate bias %bias top_k = 2 scoring = sigmoid
      : (tensor<16x64xf32>, tensor<64x8xf32>, tensor<4xf32>)
      -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// The gate shares the input's element type.
func.func @router_gate_element_type(%x: tensor<16x64xf32>, %gate: tensor<64x8xbf16>) {
  // expected-error @+1 {{'moe.router' op element type of 'gate' ('bf16') must match the input ('f32')}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xbf16>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// The bias shares the input's element type.
func.func @router_bias_element_type(%x: tensor<16x64xbf16>, %gate: tensor<64x8xbf16>,
                                    %bias: tensor<8xf32>) {
  // expected-error @+1 {{'moe.router' op element type of 'bias' ('f32') must match the input ('bf16')}}
  %idx, %w = moe.router %x, %gate bias %bias top_k = 2 scoring = sigmoid
      : (tensor<16x64xbf16>, tensor<64x8xbf16>, tensor<8xf32>)
      -> (tensor<16x2xi32>, tensor<16x2xbf16>)
  return
}

// -----

// The weights share the input's element type.
func.func @router_weights_element_type(%x: tensor<16x64xbf16>, %gate: tensor<64x8xbf16>) {
  // expected-error @+1 {{'moe.router' op element type of 'weights' ('f32') must match the input ('bf16')}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xbf16>, tensor<64x8xbf16>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// Group routing needs n_group and topk_group together (n_group alone).
func.func @router_n_group_alone(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op requires both 'n_group' and 'topk_group' or neither}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = sigmoid {n_group = 4 : i64}
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// Group routing needs n_group and topk_group together (topk_group alone).
func.func @router_topk_group_alone(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op requires both 'n_group' and 'topk_group' or neither}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = sigmoid {topk_group = 2 : i64}
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// 0 < topk_group <= n_group: more eligible groups than groups.
func.func @router_topk_group_too_large(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op group routing needs 0 < topk_group (5) <= n_group (4)}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = sigmoid groups(4, 5)
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// 0 < topk_group <= n_group: no eligible group.
func.func @router_topk_group_zero(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op group routing needs 0 < topk_group (0) <= n_group (4)}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = sigmoid groups(4, 0)
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// 0 < topk_group <= n_group: a non-positive group count.
func.func @router_n_group_negative(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op group routing needs 0 < topk_group (1) <= n_group (-2)}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = sigmoid groups(-2, 1)
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// Groups are equal: E must be a multiple of n_group.
func.func @router_groups_not_divisible(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op number of experts (8) must be divisible by n_group (3)}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = sigmoid groups(3, 1)
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// top_k fits in the eligible groups: topk_group * E / n_group = 1 * 8 / 4 = 2.
func.func @router_top_k_exceeds_groups(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op top_k (4) exceeds the 2 experts in the topk_group (1) best groups}}
  %idx, %w = moe.router %x, %gate top_k = 4 scoring = sigmoid groups(4, 1)
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x4xi32>, tensor<16x4xf32>)
  return
}

// -----

// scale > 0 (zero).
func.func @router_scale_zero(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op scale (0.000000e+00) must be positive}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = sigmoid scale = 0.0
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// scale > 0 (negative).
func.func @router_scale_negative(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+1 {{'moe.router' op scale (-2.500000e+00) must be positive}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = sigmoid scale = -2.5
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

// ODS: scoring is softmax or sigmoid.
func.func @router_unknown_scoring(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>) {
  // expected-error @+2 {{expected ::mlir::moe::Scoring to be one of: softmax, sigmoid}}
  // expected-error @+2 {{failed to parse MoE_ScoringAttr parameter 'value' which is to be a `::mlir::moe::Scoring`}}
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = relu
      : (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}

// -----

//===----------------------------------------------------------------------===//
// moe.dispatch
//===----------------------------------------------------------------------===//

// ODS: the result is a 3-D [E, C, H] buffer.
func.func @dispatch_result_rank(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op result #0 must be 3D tensor of floating-point values, but got 'tensor<40x64xf32>'}}
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<40x64xf32>
  return
}

// -----

// ODS: indices are i32.
func.func @dispatch_indices_i64(%x: tensor<16x64xf32>, %idx: tensor<16x2xi64>) {
  // expected-error @+1 {{'moe.dispatch' op operand #1 must be 2D tensor of 32-bit signless integer values, but got 'tensor<16x2xi64>'}}
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x64xf32>, tensor<16x2xi64>) -> tensor<8x5x64xf32>
  return
}


// -----

// ODS: the tokens are floats.
func.func @dispatch_input_not_float(%x: tensor<16x64xi8>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op operand #0 must be 2D tensor of floating-point values, but got 'tensor<16x64xi8>'}}
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x64xi8>, tensor<16x2xi32>) -> tensor<8x5x64xf32>
  return
}
// -----

// Exactly one capacity policy: not both.
func.func @dispatch_both_policies(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op cannot be both 'dropless' and have a 'capacity_factor'}}
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25 dropless
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x16x64xf32>
  return
}

// -----

// Exactly one capacity policy: not neither.
func.func @dispatch_no_policy(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op requires a 'capacity_factor' or 'dropless'}}
  %buf = moe.dispatch %x, %idx
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x5x64xf32>
  return
}

// -----

// capacity_factor > 0 (zero).
func.func @dispatch_capacity_factor_zero(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op capacity_factor (0.000000e+00) must be positive}}
  %buf = moe.dispatch %x, %idx capacity_factor = 0.0
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x0x64xf32>
  return
}

// -----

// capacity_factor > 0 (negative).
func.func @dispatch_capacity_factor_negative(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op capacity_factor (-1.000000e+00) must be positive}}
  %buf = moe.dispatch %x, %idx capacity_factor = -1.0
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x5x64xf32>
  return
}

// -----

// One row of indices per token.
func.func @dispatch_indices_rows(%x: tensor<16x64xf32>, %idx: tensor<32x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op rows of 'indices' (32) must equal the token count (16)}}
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x64xf32>, tensor<32x2xi32>) -> tensor<8x5x64xf32>
  return
}

// -----

// The buffer keeps the hidden size.
func.func @dispatch_result_hidden(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op hidden size of the result (32) must equal the input's (64)}}
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x5x32xf32>
  return
}

// -----

// top_k (columns of indices) <= E (the buffer's first dimension).
func.func @dispatch_top_k_too_large(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op top_k (2) exceeds the number of experts (1)}}
  %buf = moe.dispatch %x, %idx dropless
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<1x16x64xf32>
  return
}

// -----

// C = ceil(capacity_factor * T * top_k / E) = ceil(1.25 * 16 * 2 / 8) = 5.
func.func @dispatch_wrong_capacity(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op capacity of the result (4) must equal ceil(capacity_factor * T * top_k / E) (5)}}
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x4x64xf32>
  return
}

// -----

// C = ceil(1.1 * 100 * 1 / 2 - 1e-9) = 55, not 56: in doubles 1.1 * 100 is
// 110.00000000000001, and that rounding error must not raise the capacity.
func.func @dispatch_capacity_rounding(%x: tensor<100x64xf32>, %idx: tensor<100x1xi32>) {
  // expected-error @+1 {{'moe.dispatch' op capacity of the result (56) must equal ceil(capacity_factor * T * top_k / E) (55)}}
  %buf = moe.dispatch %x, %idx capacity_factor = 1.1
      : (tensor<100x64xf32>, tensor<100x1xi32>) -> tensor<2x56x64xf32>
  return
}

// -----

// Dropless: C = T.
func.func @dispatch_dropless_capacity(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op capacity of the result (4) must equal the token count (dropless) (16)}}
  %buf = moe.dispatch %x, %idx dropless
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x4x64xf32>
  return
}

// -----

// The buffer keeps the input's element type.
func.func @dispatch_element_type(%x: tensor<16x64xbf16>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op element type of the result ('f32') must match the input ('bf16')}}
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x64xbf16>, tensor<16x2xi32>) -> tensor<8x5x64xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// moe.experts
//===----------------------------------------------------------------------===//

// ODS: the input is a 3-D [E, C, H] buffer.
func.func @experts_input_rank(%buf: tensor<40x64xf32>, %wu: tensor<8x64x32xf32>,
                              %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op operand #0 must be 3D tensor of floating-point values, but got 'tensor<40x64xf32>'}}
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<40x64xf32>, tensor<8x64x32xf32>, tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// ODS: activation is one of the known functions.
func.func @experts_unknown_activation(%buf: tensor<8x5x64xf32>, %wu: tensor<8x64x32xf32>,
                                      %wd: tensor<8x32x64xf32>) {
  // expected-error @+2 {{expected ::mlir::moe::Activation to be one of: swiglu, geglu, gelu, relu, silu}}
  // expected-error @+2 {{failed to parse MoE_ActivationAttr parameter 'value' which is to be a `::mlir::moe::Activation`}}
  %y = moe.experts %buf, up %wu, down %wd activation = tanh
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// A gated activation needs the gate weight.
func.func @experts_gated_without_gate(%buf: tensor<8x5x64xf32>, %wu: tensor<8x64x32xf32>,
                                      %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op activation 'swiglu' is gated and requires a 'gate' weight}}
  %y = moe.experts %buf, up %wu, down %wd activation = swiglu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// A plain activation takes no gate weight.
func.func @experts_plain_with_gate(%buf: tensor<8x5x64xf32>, %wg: tensor<8x64x32xf32>,
                                   %wu: tensor<8x64x32xf32>, %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op activation 'relu' is not gated and takes no 'gate' weight}}
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = relu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x64x32xf32>,
         tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// One 'up' matrix per expert.
func.func @experts_up_count(%buf: tensor<8x5x64xf32>, %wg: tensor<8x64x32xf32>,
                            %wu: tensor<4x64x32xf32>, %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op expert count of 'up' (4) must equal the input's (8)}}
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<4x64x32xf32>,
         tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// One 'down' matrix per expert.
func.func @experts_down_count(%buf: tensor<8x5x64xf32>, %wg: tensor<8x64x32xf32>,
                              %wu: tensor<8x64x32xf32>, %wd: tensor<16x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op expert count of 'down' (16) must equal the input's (8)}}
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x64x32xf32>,
         tensor<16x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// One 'gate' matrix per expert.
func.func @experts_gate_count(%buf: tensor<8x5x64xf32>, %wg: tensor<2x64x32xf32>,
                              %wu: tensor<8x64x32xf32>, %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op expert count of 'gate' (2) must equal the input's (8)}}
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = geglu
      : (tensor<8x5x64xf32>, tensor<2x64x32xf32>, tensor<8x64x32xf32>,
         tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// 'up' is [E, H, F].
func.func @experts_up_hidden(%buf: tensor<8x5x64xf32>, %wu: tensor<8x48x32xf32>,
                             %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op hidden size of 'up' (48) must equal the input's (64)}}
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<8x5x64xf32>, tensor<8x48x32xf32>, tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// 'down' is [E, F, H].
func.func @experts_down_hidden(%buf: tensor<8x5x64xf32>, %wu: tensor<8x64x32xf32>,
                               %wd: tensor<8x32x48xf32>) {
  // expected-error @+1 {{'moe.experts' op hidden size of 'down' (48) must equal the input's (64)}}
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x32x48xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// 'down' takes the F columns of 'up'.
func.func @experts_down_ffn(%buf: tensor<8x5x64xf32>, %wu: tensor<8x64x32xf32>,
                            %wd: tensor<8x16x64xf32>) {
  // expected-error @+1 {{'moe.experts' op FFN size of 'down' (16) must equal the FFN size of 'up' (32)}}
  %y = moe.experts %buf, up %wu, down %wd activation = silu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x16x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// 'gate' is [E, H, F] like 'up'.
func.func @experts_gate_hidden(%buf: tensor<8x5x64xf32>, %wg: tensor<8x32x32xf32>,
                               %wu: tensor<8x64x32xf32>, %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op hidden size of 'gate' (32) must equal the input's (64)}}
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x5x64xf32>, tensor<8x32x32xf32>, tensor<8x64x32xf32>,
         tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// 'gate' has the FFN width of 'up'.
func.func @experts_gate_ffn(%buf: tensor<8x5x64xf32>, %wg: tensor<8x64x64xf32>,
                            %wu: tensor<8x64x32xf32>, %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op FFN size of 'gate' (64) must equal the FFN size of 'up' (32)}}
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x5x64xf32>, tensor<8x64x64xf32>, tensor<8x64x32xf32>,
         tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// The result has the input's shape: dimension 0 (experts).
func.func @experts_result_experts(%buf: tensor<8x5x64xf32>, %wu: tensor<8x64x32xf32>,
                                  %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op result dimension 0 (4) must equal the input's (8)}}
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x32x64xf32>) -> tensor<4x5x64xf32>
  return
}

// -----

// The result has the input's shape: dimension 1 (capacity).
func.func @experts_result_capacity(%buf: tensor<8x5x64xf32>, %wu: tensor<8x64x32xf32>,
                                   %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op result dimension 1 (6) must equal the input's (5)}}
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x32x64xf32>) -> tensor<8x6x64xf32>
  return
}

// -----

// The result has the input's shape: dimension 2 (hidden).
func.func @experts_result_hidden(%buf: tensor<8x5x64xf32>, %wu: tensor<8x64x32xf32>,
                                 %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op result dimension 2 (32) must equal the input's (64)}}
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x32x64xf32>) -> tensor<8x5x32xf32>
  return
}

// -----

// All weights share the input's element type: 'gate'.
func.func @experts_gate_element_type(%buf: tensor<8x5x64xf32>, %wg: tensor<8x64x32xbf16>,
                                     %wu: tensor<8x64x32xf32>, %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op element type of 'gate' ('bf16') must match the input ('f32')}}
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x5x64xf32>, tensor<8x64x32xbf16>, tensor<8x64x32xf32>,
         tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// All weights share the input's element type: 'up'.
func.func @experts_up_element_type(%buf: tensor<8x5x64xf32>, %wu: tensor<8x64x32xf16>,
                                   %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op element type of 'up' ('f16') must match the input ('f32')}}
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf16>, tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return
}

// -----

// All weights share the input's element type: 'down'.
func.func @experts_down_element_type(%buf: tensor<8x5x64xf32>, %wu: tensor<8x64x32xf32>,
                                     %wd: tensor<8x32x64xf16>) {
  // expected-error @+1 {{'moe.experts' op element type of 'down' ('f16') must match the input ('f32')}}
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x32x64xf16>) -> tensor<8x5x64xf32>
  return
}

// -----

// The result keeps the input's element type.
func.func @experts_result_element_type(%buf: tensor<8x5x64xf32>, %wu: tensor<8x64x32xf32>,
                                       %wd: tensor<8x32x64xf32>) {
  // expected-error @+1 {{'moe.experts' op element type of the result ('bf16') must match the input ('f32')}}
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x32x64xf32>) -> tensor<8x5x64xbf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// moe.combine
//===----------------------------------------------------------------------===//

// ODS: the expert outputs are a 3-D [E, C, H] buffer.
func.func @combine_input_rank(%out: tensor<40x64xf32>, %idx: tensor<16x2xi32>,
                              %w: tensor<16x2xf32>) {
  // expected-error @+1 {{'moe.combine' op operand #0 must be 3D tensor of floating-point values, but got 'tensor<40x64xf32>'}}
  %y = moe.combine %out, %idx, %w
      : (tensor<40x64xf32>, tensor<16x2xi32>, tensor<16x2xf32>) -> tensor<16x64xf32>
  return
}

// -----

// ODS: indices are i32.
func.func @combine_indices_index(%out: tensor<8x5x64xf32>, %idx: tensor<16x2xindex>,
                                 %w: tensor<16x2xf32>) {
  // expected-error @+1 {{'moe.combine' op operand #1 must be 2D tensor of 32-bit signless integer values, but got 'tensor<16x2xindex>'}}
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xf32>, tensor<16x2xindex>, tensor<16x2xf32>) -> tensor<16x64xf32>
  return
}


// -----

// ODS: the weights are floats.
func.func @combine_weights_not_float(%out: tensor<8x5x64xf32>, %idx: tensor<16x2xi32>,
                                     %w: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.combine' op operand #2 must be 2D tensor of floating-point values, but got 'tensor<16x2xi32>'}}
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xf32>, tensor<16x2xi32>, tensor<16x2xi32>) -> tensor<16x64xf32>
  return
}

// -----

// ODS: the result is 2-D [T, H].
func.func @combine_result_rank(%out: tensor<8x5x64xf32>, %idx: tensor<16x2xi32>,
                               %w: tensor<16x2xf32>) {
  // expected-error @+1 {{'moe.combine' op result #0 must be 2D tensor of floating-point values, but got 'tensor<2x8x64xf32>'}}
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xf32>, tensor<16x2xi32>, tensor<16x2xf32>) -> tensor<2x8x64xf32>
  return
}
// -----

// One row of weights per token.
func.func @combine_weights_rows(%out: tensor<8x5x64xf32>, %idx: tensor<16x2xi32>,
                                %w: tensor<12x2xf32>) {
  // expected-error @+1 {{'moe.combine' op rows of 'weights' (12) must equal the rows of 'indices' (16)}}
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xf32>, tensor<16x2xi32>, tensor<12x2xf32>) -> tensor<16x64xf32>
  return
}

// -----

// One weight per choice.
func.func @combine_weights_columns(%out: tensor<8x5x64xf32>, %idx: tensor<16x2xi32>,
                                   %w: tensor<16x3xf32>) {
  // expected-error @+1 {{'moe.combine' op columns of 'weights' (3) must equal the columns of 'indices' (2)}}
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xf32>, tensor<16x2xi32>, tensor<16x3xf32>) -> tensor<16x64xf32>
  return
}

// -----

// One result row per token.
func.func @combine_result_rows(%out: tensor<8x5x64xf32>, %idx: tensor<16x2xi32>,
                               %w: tensor<16x2xf32>) {
  // expected-error @+1 {{'moe.combine' op rows of the result (32) must equal the token count (16)}}
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xf32>, tensor<16x2xi32>, tensor<16x2xf32>) -> tensor<32x64xf32>
  return
}

// -----

// The result keeps the expert outputs' hidden size.
func.func @combine_result_hidden(%out: tensor<8x5x64xf32>, %idx: tensor<16x2xi32>,
                                 %w: tensor<16x2xf32>) {
  // expected-error @+1 {{'moe.combine' op hidden size of the result (128) must equal the expert outputs' (64)}}
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xf32>, tensor<16x2xi32>, tensor<16x2xf32>) -> tensor<16x128xf32>
  return
}

// -----

// top_k (columns of indices) <= E (the buffer's first dimension).
func.func @combine_top_k_too_large(%out: tensor<2x5x64xf32>, %idx: tensor<16x4xi32>,
                                   %w: tensor<16x4xf32>) {
  // expected-error @+1 {{'moe.combine' op top_k (4) exceeds the number of experts (2)}}
  %y = moe.combine %out, %idx, %w
      : (tensor<2x5x64xf32>, tensor<16x4xi32>, tensor<16x4xf32>) -> tensor<16x64xf32>
  return
}

// -----

// The weights share the expert outputs' element type.
func.func @combine_weights_element_type(%out: tensor<8x5x64xbf16>, %idx: tensor<16x2xi32>,
                                        %w: tensor<16x2xf32>) {
  // expected-error @+1 {{'moe.combine' op element type of 'weights' ('f32') must match the expert outputs ('bf16')}}
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xbf16>, tensor<16x2xi32>, tensor<16x2xf32>) -> tensor<16x64xbf16>
  return
}

// -----

// The result shares the expert outputs' element type.
func.func @combine_result_element_type(%out: tensor<8x5x64xbf16>, %idx: tensor<16x2xi32>,
                                       %w: tensor<16x2xbf16>) {
  // expected-error @+1 {{'moe.combine' op element type of the result ('f32') must match the expert outputs ('bf16')}}
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xbf16>, tensor<16x2xi32>, tensor<16x2xbf16>) -> tensor<16x64xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// moe.attention
//===----------------------------------------------------------------------===//

// ODS: head counts are positive (kv_heads).
func.func @attention_zero_kv_heads(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                                %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op attribute 'num_kv_heads' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 0
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}


// -----

// ODS: head counts are positive (heads).
func.func @attention_zero_heads(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                                %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op attribute 'num_heads' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 0 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// ODS: head_dim is positive.
func.func @attention_zero_head_dim(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                   %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                                   %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op attribute 'head_dim' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = -16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}
// -----

// ODS: seq_len is positive.
func.func @attention_zero_seq_len(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                  %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                                  %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op attribute 'seq_len' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 0 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// ODS: a sliding window is positive.
func.func @attention_zero_window(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                 %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                                 %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op attribute 'window' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal window = 0
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// ODS: weights are 2-D float tensors.
func.func @attention_wq_rank(%x: tensor<32x64xf32>, %wq: tensor<64x4x16xf32>,
                             %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                             %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op operand #1 must be 2D tensor of floating-point values, but got 'tensor<64x4x16xf32>'}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x4x16xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// GQA: every KV head serves the same number of query heads.
func.func @attention_heads_not_multiple(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                        %wk: tensor<64x48xf32>, %wv: tensor<64x48xf32>,
                                        %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op heads (4) must be a multiple of kv_heads (3)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 3
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x48xf32>,
         tensor<64x48xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// The tokens are whole sequences: T % seq_len == 0.
func.func @attention_partial_sequence(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                      %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                                      %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op token count (32) must be a multiple of seq_len (12)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 12 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// 'wq' is [H, heads * head_dim]: rows.
func.func @attention_wq_rows(%x: tensor<32x64xf32>, %wq: tensor<32x64xf32>,
                             %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                             %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op rows of 'wq' (32) must equal the hidden size (64)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<32x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// 'wq' is [H, heads * head_dim]: columns.
func.func @attention_wq_columns(%x: tensor<32x64xf32>, %wq: tensor<64x128xf32>,
                                %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                                %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op columns of 'wq' (128) must equal heads * head_dim (64)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x128xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// 'wk' is [H, kv_heads * head_dim]: rows.
func.func @attention_wk_rows(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                             %wk: tensor<16x32xf32>, %wv: tensor<64x32xf32>,
                             %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op rows of 'wk' (16) must equal the hidden size (64)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<16x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// 'wk' is [H, kv_heads * head_dim]: columns.
func.func @attention_wk_columns(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                %wk: tensor<64x64xf32>, %wv: tensor<64x32xf32>,
                                %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op columns of 'wk' (64) must equal kv_heads * head_dim (32)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// 'wv' is [H, kv_heads * head_dim]: rows.
func.func @attention_wv_rows(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                             %wk: tensor<64x32xf32>, %wv: tensor<128x32xf32>,
                             %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op rows of 'wv' (128) must equal the hidden size (64)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<128x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// 'wv' is [H, kv_heads * head_dim]: columns.
func.func @attention_wv_columns(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                %wk: tensor<64x32xf32>, %wv: tensor<64x16xf32>,
                                %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op columns of 'wv' (16) must equal kv_heads * head_dim (32)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x16xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// 'wo' is [heads * head_dim, H]: rows.
func.func @attention_wo_rows(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                             %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                             %wo: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.attention' op rows of 'wo' (32) must equal heads * head_dim (64)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// 'wo' is [heads * head_dim, H]: columns.
func.func @attention_wo_columns(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                                %wo: tensor<64x32xf32>) {
  // expected-error @+1 {{'moe.attention' op columns of 'wo' (32) must equal the hidden size (64)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<32x64xf32>
  return
}

// -----

// The result is [T, H] like the input: rows.
func.func @attention_result_rows(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                 %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                                 %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op result rows (16) must equal the input's (32)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// The result is [T, H] like the input: columns.
func.func @attention_result_columns(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                                    %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                                    %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op result columns (128) must equal the input's (64)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x128xf32>
  return
}

// -----

// All weights share the input's element type: 'wq'.
func.func @attention_wq_element_type(%x: tensor<32x64xbf16>, %wq: tensor<64x64xf32>,
                                     %wk: tensor<64x32xbf16>, %wv: tensor<64x32xbf16>,
                                     %wo: tensor<64x64xbf16>) {
  // expected-error @+1 {{'moe.attention' op element type of 'wq' ('f32') must match the input ('bf16')}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xbf16>, tensor<64x64xf32>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<32x64xbf16>
  return
}

// -----

// All weights share the input's element type: 'wk'.
func.func @attention_wk_element_type(%x: tensor<32x64xbf16>, %wq: tensor<64x64xbf16>,
                                     %wk: tensor<64x32xf32>, %wv: tensor<64x32xbf16>,
                                     %wo: tensor<64x64xbf16>) {
  // expected-error @+1 {{'moe.attention' op element type of 'wk' ('f32') must match the input ('bf16')}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xbf16>, tensor<64x64xbf16>, tensor<64x32xf32>,
         tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<32x64xbf16>
  return
}

// -----

// All weights share the input's element type: 'wv'.
func.func @attention_wv_element_type(%x: tensor<32x64xbf16>, %wq: tensor<64x64xbf16>,
                                     %wk: tensor<64x32xbf16>, %wv: tensor<64x32xf16>,
                                     %wo: tensor<64x64xbf16>) {
  // expected-error @+1 {{'moe.attention' op element type of 'wv' ('f16') must match the input ('bf16')}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xf16>, tensor<64x64xbf16>) -> tensor<32x64xbf16>
  return
}

// -----

// All weights share the input's element type: 'wo'.
func.func @attention_wo_element_type(%x: tensor<32x64xbf16>, %wq: tensor<64x64xbf16>,
                                     %wk: tensor<64x32xbf16>, %wv: tensor<64x32xbf16>,
                                     %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op element type of 'wo' ('f32') must match the input ('bf16')}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xf32>) -> tensor<32x64xbf16>
  return
}

// -----

// The result keeps the input's element type.
func.func @attention_result_element_type(%x: tensor<32x64xbf16>, %wq: tensor<64x64xbf16>,
                                         %wk: tensor<64x32xbf16>, %wv: tensor<64x32xbf16>,
                                         %wo: tensor<64x64xbf16>) {
  // expected-error @+1 {{'moe.attention' op element type of the result ('f32') must match the input ('bf16')}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<32x64xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// moe.mla_attention
//
// Valid shapes (H = 64, n = 4, dn = 16, dr = 8, dv = 16, r_q = 32, r_kv = 24):
// q_down 64x32, q_up 32x96, kv_down 64x32, kv_up 24x128, out 64x64.
//===----------------------------------------------------------------------===//

// ODS: the latent dimensions are positive.
func.func @mla_zero_rope(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                         %qb: tensor<32x64xf32>, %kva: tensor<64x24xf32>,
                         %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op attribute 'qk_rope_dim' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 0 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x64xf32>,
         tensor<64x24xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}


// -----

// ODS: heads is positive.
func.func @mla_zero_heads(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                          %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                          %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op attribute 'num_heads' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 0 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// ODS: v_head_dim is positive.
func.func @mla_zero_v_head_dim(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                               %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                               %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op attribute 'v_head_dim' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 0
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// ODS: the weights are 2-D float tensors (kv_up split per head is not
// accepted).
func.func @mla_kv_up_rank(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                          %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                          %kvb: tensor<24x4x32xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op operand #4 must be 2D tensor of floating-point values, but got 'tensor<24x4x32xf32>'}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x4x32xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}
// -----

// The tokens are whole sequences: T % seq_len == 0.
func.func @mla_partial_sequence(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                                %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                                %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op token count (32) must be a multiple of seq_len (64)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 64 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// 'q_down' is [H, r_q].
func.func @mla_q_down_rows(%x: tensor<32x64xf32>, %qa: tensor<32x32xf32>,
                           %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                           %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op rows of 'q_down' (32) must equal the hidden size (64)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<32x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// With 'q_down', 'q_up' is [r_q, n * (dn + dr)].
func.func @mla_q_up_rank(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                         %qb: tensor<48x96xf32>, %kva: tensor<64x32xf32>,
                         %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op rows of 'q_up' (48) must equal the query rank of 'q_down' (32)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<48x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// Without 'q_down', 'q_up' is [H, n * (dn + dr)].
func.func @mla_q_up_hidden(%x: tensor<32x64xf32>, %qb: tensor<32x96xf32>,
                           %kva: tensor<64x32xf32>, %kvb: tensor<24x128xf32>,
                           %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op rows of 'q_up' (32) must equal the hidden size (64)}}
  %y = moe.mla_attention %x, q_up %qb, kv_down %kva, kv_up %kvb, out %wo
      heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<32x96xf32>, tensor<64x32xf32>,
         tensor<24x128xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return
}

// -----

// 'q_up' has n * (dn + dr) = 4 * (16 + 8) = 96 columns.
func.func @mla_q_up_columns(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                            %qb: tensor<32x64xf32>, %kva: tensor<64x32xf32>,
                            %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op columns of 'q_up' (64) must equal heads * (qk_nope_dim + qk_rope_dim) (96)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x64xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// 'kv_down' is [H, r_kv + dr]: rows.
func.func @mla_kv_down_rows(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                            %qb: tensor<32x96xf32>, %kva: tensor<16x32xf32>,
                            %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op rows of 'kv_down' (16) must equal the hidden size (64)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<16x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// 'kv_down' is [H, r_kv + dr]: columns = 24 + 8 = 32 (the RoPE key is
// missing here).
func.func @mla_kv_down_columns(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                               %qb: tensor<32x96xf32>, %kva: tensor<64x24xf32>,
                               %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op columns of 'kv_down' (24) must equal kv rank + qk_rope_dim (32)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x24xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// 'kv_up' has n * (dn + dv) = 4 * (16 + 16) = 128 columns.
func.func @mla_kv_up_columns(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                             %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                             %kvb: tensor<24x96xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op columns of 'kv_up' (96) must equal heads * (qk_nope_dim + v_head_dim) (128)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x96xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// 'out' is [n * dv, H]: rows.
func.func @mla_out_rows(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                        %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                        %kvb: tensor<24x128xf32>, %wo: tensor<96x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op rows of 'out' (96) must equal heads * v_head_dim (64)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<96x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// 'out' is [n * dv, H]: columns.
func.func @mla_out_columns(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                           %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                           %kvb: tensor<24x128xf32>, %wo: tensor<64x32xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op columns of 'out' (32) must equal the hidden size (64)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x32xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// The result is [T, H] like the input: rows.
func.func @mla_result_rows(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                           %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                           %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op result rows (64) must equal the input's (32)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<64x64xf32>
  return
}

// -----

// The result is [T, H] like the input: columns.
func.func @mla_result_columns(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                              %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                              %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op result columns (32) must equal the input's (64)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x32xf32>
  return
}

// -----

// All weights share the input's element type: 'q_down'.
func.func @mla_q_down_element_type(%x: tensor<32x64xf32>, %qa: tensor<64x32xbf16>,
                                   %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                                   %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op element type of 'q_down' ('bf16') must match the input ('f32')}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xbf16>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// All weights share the input's element type: 'q_up'.
func.func @mla_q_up_element_type(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                                 %qb: tensor<32x96xbf16>, %kva: tensor<64x32xf32>,
                                 %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op element type of 'q_up' ('bf16') must match the input ('f32')}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xbf16>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// All weights share the input's element type: 'kv_down'.
func.func @mla_kv_down_element_type(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                                    %qb: tensor<32x96xf32>, %kva: tensor<64x32xbf16>,
                                    %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op element type of 'kv_down' ('bf16') must match the input ('f32')}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xbf16>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// All weights share the input's element type: 'kv_up'.
func.func @mla_kv_up_element_type(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                                  %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                                  %kvb: tensor<24x128xbf16>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op element type of 'kv_up' ('bf16') must match the input ('f32')}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xbf16>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  return
}

// -----

// All weights share the input's element type: 'out'.
func.func @mla_out_element_type(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                                %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                                %kvb: tensor<24x128xf32>, %wo: tensor<64x64xbf16>) {
  // expected-error @+1 {{'moe.mla_attention' op element type of 'out' ('bf16') must match the input ('f32')}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xbf16>)
      -> tensor<32x64xf32>
  return
}

// -----

// The result keeps the input's element type.
func.func @mla_result_element_type(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                                   %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                                   %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op element type of the result ('f16') must match the input ('f32')}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// moe.rms_norm
//===----------------------------------------------------------------------===//

// ODS: the input is a float tensor.
func.func @rms_norm_integer_input(%x: tensor<16x64xi32>, %w: tensor<64xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op operand #0 must be tensor of floating-point values, but got 'tensor<16x64xi32>'}}
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x64xi32>, tensor<64xf32>
  return
}

// -----

// ODS: the weight is 1-D.
func.func @rms_norm_weight_rank(%x: tensor<16x64xf32>, %w: tensor<1x64xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op operand #1 must be 1D tensor of floating-point values, but got 'tensor<1x64xf32>'}}
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x64xf32>, tensor<1x64xf32>
  return
}

// -----

// ODS: the result has the input's type (only the generic form can say
// otherwise).
func.func @rms_norm_result_type(%x: tensor<16x64xf32>, %w: tensor<64xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op failed to verify that all of {input, result} have same type}}
  %y = "moe.rms_norm"(%x, %w) <{epsilon = 1.0e-06 : f64}>
      : (tensor<16x64xf32>, tensor<64xf32>) -> tensor<16x32xf32>
  return
}

// -----

// The normalised dimension must be known: no unranked input.
func.func @rms_norm_unranked(%x: tensor<*xf32>, %w: tensor<64xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op input must be a ranked tensor}}
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<*xf32>, tensor<64xf32>
  return
}

// -----

// There is a last dimension to normalise: no 0-D input.
func.func @rms_norm_scalar(%x: tensor<f32>, %w: tensor<1xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op input must have at least one dimension}}
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<f32>, tensor<1xf32>
  return
}

// -----

// epsilon > 0 (zero).
func.func @rms_norm_epsilon_zero(%x: tensor<16x64xf32>, %w: tensor<64xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op epsilon (0.000000e+00) must be positive}}
  %y = moe.rms_norm %x, %w epsilon = 0.0 : tensor<16x64xf32>, tensor<64xf32>
  return
}

// -----

// epsilon > 0 (negative).
func.func @rms_norm_epsilon_negative(%x: tensor<16x64xf32>, %w: tensor<64xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op epsilon (-1.000000e-06) must be positive}}
  %y = moe.rms_norm %x, %w epsilon = -1.0e-06 : tensor<16x64xf32>, tensor<64xf32>
  return
}

// -----

// One weight per element of the last dimension.
func.func @rms_norm_weight_size(%x: tensor<16x4x16xf32>, %w: tensor<64xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op size of 'weight' (64) must equal the input's last dimension (16)}}
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x4x16xf32>, tensor<64xf32>
  return
}

// -----

// The weight shares the input's element type.
func.func @rms_norm_weight_element_type(%x: tensor<16x64xbf16>, %w: tensor<64xf32>) {
  // expected-error @+1 {{'moe.rms_norm' op element type of 'weight' ('f32') must match the input ('bf16')}}
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x64xbf16>, tensor<64xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// moe.ffn
//===----------------------------------------------------------------------===//

// ODS: the input is 2-D [T, H] (moe.experts takes the 3-D buffers).
func.func @ffn_input_rank(%x: tensor<8x5x64xf32>, %wu: tensor<64x32xf32>,
                          %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op operand #0 must be 2D tensor of floating-point values, but got 'tensor<8x5x64xf32>'}}
  %y = moe.ffn %x, up %wu, down %wd activation = gelu
      : (tensor<8x5x64xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// A gated activation needs the gate weight.
func.func @ffn_gated_without_gate(%x: tensor<16x64xf32>, %wu: tensor<64x32xf32>,
                                  %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op activation 'geglu' is gated and requires a 'gate' weight}}
  %y = moe.ffn %x, up %wu, down %wd activation = geglu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// A plain activation takes no gate weight.
func.func @ffn_plain_with_gate(%x: tensor<16x64xf32>, %wg: tensor<64x32xf32>,
                               %wu: tensor<64x32xf32>, %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op activation 'silu' is not gated and takes no 'gate' weight}}
  %y = moe.ffn %x, gate %wg, up %wu, down %wd activation = silu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>,
         tensor<32x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// 'up' is [H, F].
func.func @ffn_up_hidden(%x: tensor<16x64xf32>, %wg: tensor<64x32xf32>,
                         %wu: tensor<48x32xf32>, %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op hidden size of 'up' (48) must equal the input's (64)}}
  %y = moe.ffn %x, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<48x32xf32>,
         tensor<32x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// 'down' is [F, H].
func.func @ffn_down_hidden(%x: tensor<16x64xf32>, %wu: tensor<64x32xf32>,
                           %wd: tensor<32x16xf32>) {
  // expected-error @+1 {{'moe.ffn' op hidden size of 'down' (16) must equal the input's (64)}}
  %y = moe.ffn %x, up %wu, down %wd activation = relu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<32x16xf32>) -> tensor<16x64xf32>
  return
}

// -----

// 'down' takes the F columns of 'up'.
func.func @ffn_down_ffn(%x: tensor<16x64xf32>, %wu: tensor<64x32xf32>,
                        %wd: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op FFN size of 'down' (64) must equal the FFN size of 'up' (32)}}
  %y = moe.ffn %x, up %wu, down %wd activation = relu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// 'gate' is [H, F] like 'up': rows.
func.func @ffn_gate_hidden(%x: tensor<16x64xf32>, %wg: tensor<32x32xf32>,
                           %wu: tensor<64x32xf32>, %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op hidden size of 'gate' (32) must equal the input's (64)}}
  %y = moe.ffn %x, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<16x64xf32>, tensor<32x32xf32>, tensor<64x32xf32>,
         tensor<32x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// 'gate' is [H, F] like 'up': columns.
func.func @ffn_gate_ffn(%x: tensor<16x64xf32>, %wg: tensor<64x16xf32>,
                        %wu: tensor<64x32xf32>, %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op FFN size of 'gate' (16) must equal the FFN size of 'up' (32)}}
  %y = moe.ffn %x, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<16x64xf32>, tensor<64x16xf32>, tensor<64x32xf32>,
         tensor<32x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// The result is [T, H] like the input: rows.
func.func @ffn_result_rows(%x: tensor<16x64xf32>, %wu: tensor<64x32xf32>,
                           %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op result dimension 0 (8) must equal the input's (16)}}
  %y = moe.ffn %x, up %wu, down %wd activation = gelu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
  return
}

// -----

// The result is [T, H] like the input: columns.
func.func @ffn_result_columns(%x: tensor<16x64xf32>, %wu: tensor<64x32xf32>,
                              %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op result dimension 1 (32) must equal the input's (64)}}
  %y = moe.ffn %x, up %wu, down %wd activation = gelu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<16x32xf32>
  return
}

// -----

// All weights share the input's element type: 'gate'.
func.func @ffn_gate_element_type(%x: tensor<16x64xf32>, %wg: tensor<64x32xf16>,
                                 %wu: tensor<64x32xf32>, %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op element type of 'gate' ('f16') must match the input ('f32')}}
  %y = moe.ffn %x, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<16x64xf32>, tensor<64x32xf16>, tensor<64x32xf32>,
         tensor<32x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// All weights share the input's element type: 'up'.
func.func @ffn_up_element_type(%x: tensor<16x64xf32>, %wu: tensor<64x32xbf16>,
                               %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op element type of 'up' ('bf16') must match the input ('f32')}}
  %y = moe.ffn %x, up %wu, down %wd activation = gelu
      : (tensor<16x64xf32>, tensor<64x32xbf16>, tensor<32x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// All weights share the input's element type: 'down'.
func.func @ffn_down_element_type(%x: tensor<16x64xf32>, %wu: tensor<64x32xf32>,
                                 %wd: tensor<32x64xbf16>) {
  // expected-error @+1 {{'moe.ffn' op element type of 'down' ('bf16') must match the input ('f32')}}
  %y = moe.ffn %x, up %wu, down %wd activation = gelu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<32x64xbf16>) -> tensor<16x64xf32>
  return
}

// -----

// The result keeps the input's element type.
func.func @ffn_result_element_type(%x: tensor<16x64xf32>, %wu: tensor<64x32xf32>,
                                   %wd: tensor<32x64xf32>) {
  // expected-error @+1 {{'moe.ffn' op element type of the result ('f64') must match the input ('f32')}}
  %y = moe.ffn %x, up %wu, down %wd activation = gelu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<16x64xf64>
  return
}

// -----

//===----------------------------------------------------------------------===//
// moe.embedding
//===----------------------------------------------------------------------===//

// ODS: token ids are i32 or i64 (not float).
func.func @embedding_float_ids(%ids: tensor<16xf32>, %table: tensor<1000x64xf32>) {
  // expected-error @+1 {{'moe.embedding' op operand #0 must be 1D tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<16xf32>'}}
  %y = moe.embedding %ids, %table
      : (tensor<16xf32>, tensor<1000x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// ODS: token ids are i32 or i64 (not i16).
func.func @embedding_i16_ids(%ids: tensor<16xi16>, %table: tensor<1000x64xf32>) {
  // expected-error @+1 {{'moe.embedding' op operand #0 must be 1D tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<16xi16>'}}
  %y = moe.embedding %ids, %table
      : (tensor<16xi16>, tensor<1000x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// ODS: token ids are a flat [T] list (batch * seq_len), not [B, S].
func.func @embedding_ids_rank(%ids: tensor<2x8xi32>, %table: tensor<1000x64xf32>) {
  // expected-error @+1 {{'moe.embedding' op operand #0 must be 1D tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<2x8xi32>'}}
  %y = moe.embedding %ids, %table
      : (tensor<2x8xi32>, tensor<1000x64xf32>) -> tensor<16x64xf32>
  return
}

// -----

// ODS: the table is a 2-D float tensor.
func.func @embedding_integer_table(%ids: tensor<16xi32>, %table: tensor<1000x64xi8>) {
  // expected-error @+1 {{'moe.embedding' op operand #1 must be 2D tensor of floating-point values, but got 'tensor<1000x64xi8>'}}
  %y = moe.embedding %ids, %table
      : (tensor<16xi32>, tensor<1000x64xi8>) -> tensor<16x64xf32>
  return
}


// -----

// ODS: the result is 2-D [T, H].
func.func @embedding_result_rank(%ids: tensor<16xi32>, %table: tensor<1000x64xf32>) {
  // expected-error @+1 {{'moe.embedding' op result #0 must be 2D tensor of floating-point values, but got 'tensor<2x8x64xf32>'}}
  %y = moe.embedding %ids, %table
      : (tensor<16xi32>, tensor<1000x64xf32>) -> tensor<2x8x64xf32>
  return
}
// -----

// One result row per token id.
func.func @embedding_result_rows(%ids: tensor<16xi32>, %table: tensor<1000x64xf32>) {
  // expected-error @+1 {{'moe.embedding' op rows of the result (1000) must equal the number of token ids (16)}}
  %y = moe.embedding %ids, %table
      : (tensor<16xi32>, tensor<1000x64xf32>) -> tensor<1000x64xf32>
  return
}

// -----

// The result rows are table rows: columns = H.
func.func @embedding_result_columns(%ids: tensor<16xi64>, %table: tensor<1000x64xf32>) {
  // expected-error @+1 {{'moe.embedding' op columns of the result (128) must equal the hidden size of 'table' (64)}}
  %y = moe.embedding %ids, %table
      : (tensor<16xi64>, tensor<1000x64xf32>) -> tensor<16x128xf32>
  return
}

// -----

// The result keeps the table's element type.
func.func @embedding_result_element_type(%ids: tensor<16xi32>, %table: tensor<1000x64xbf16>) {
  // expected-error @+1 {{'moe.embedding' op element type of the result ('f32') must match 'table' ('bf16')}}
  %y = moe.embedding %ids, %table
      : (tensor<16xi32>, tensor<1000x64xbf16>) -> tensor<16x64xf32>
  return
}

// -----

// A capacity factor so large that ceil(f * T * k / E) is no count the model
// can hold: 1e300 * 16 * 2 / 8 slots is far above 2^50.
func.func @dispatch_capacity_overflow(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) {
  // expected-error @+1 {{'moe.dispatch' op capacity_factor (1.000000e+300) gives no capacity the model can hold (more than 1125899906842624 slots per expert)}}
  %buf = moe.dispatch %x, %idx capacity_factor = 1.0e300
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x4x64xf32>
  return
}

// -----

// A KV cache is a key cache and a value cache, or none (the generic form
// can give one alone).
func.func @attention_one_cache(%x: tensor<4x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>, %kc: tensor<4x8x32xf32>) {
  // expected-error @+1 {{'moe.attention' op needs both a key and a value cache, or neither}}
  %y = "moe.attention"(%x, %wq, %wk, %wv, %wo, %kc) <{causal, head_dim = 16 : i64,
      num_heads = 4 : i64, num_kv_heads = 2 : i64,
      operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 0>, seq_len = 1 : i64}>
      : (tensor<4x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>, tensor<4x8x32xf32>) -> tensor<4x64xf32>
  return
}

// -----

// Key and value caches share one type (shape and precision).
func.func @attention_cache_types(%x: tensor<4x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>,
    %kc: tensor<4x8x32xf32>, %vc: tensor<4x8x32xbf16>) {
  // expected-error @+1 {{'moe.attention' op key cache ('tensor<4x8x32xf32>') and value cache ('tensor<4x8x32xbf16>') must have one type}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 16 seq_len = 1 causal
      : (tensor<4x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>, tensor<4x8x32xf32>, tensor<4x8x32xbf16>) -> tensor<4x64xf32>
  return
}

// -----

// One cache row per sequence: 4 tokens / seq_len 2 = 2 sequences.
func.func @attention_cache_sequences(%x: tensor<4x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>,
    %kc: tensor<4x8x32xf32>, %vc: tensor<4x8x32xf32>) {
  // expected-error @+1 {{'moe.attention' op sequences of the key cache (4) must equal the input's tokens / seq_len (2)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 16 seq_len = 2 causal
      : (tensor<4x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>, tensor<4x8x32xf32>, tensor<4x8x32xf32>) -> tensor<4x64xf32>
  return
}

// -----

// Cached keys have kv_heads * head_dim columns.
func.func @attention_cache_columns(%x: tensor<4x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>,
    %kc: tensor<4x8x16xf32>, %vc: tensor<4x8x16xf32>) {
  // expected-error @+1 {{'moe.attention' op columns of the key cache (16) must equal kv_heads * head_dim (32)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 16 seq_len = 1 causal
      : (tensor<4x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>, tensor<4x8x16xf32>, tensor<4x8x16xf32>) -> tensor<4x64xf32>
  return
}

// -----

// A cache holds at least one token.
func.func @attention_cache_empty(%x: tensor<4x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>,
    %kc: tensor<4x0x32xf32>, %vc: tensor<4x0x32xf32>) {
  // expected-error @+1 {{'moe.attention' op the key cache holds no tokens (0); a step without past tokens has no cache}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 16 seq_len = 1 causal
      : (tensor<4x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>, tensor<4x0x32xf32>, tensor<4x0x32xf32>) -> tensor<4x64xf32>
  return
}

// -----

// One latent cache row per sequence (4 here).
func.func @mla_cache_sequences(%x: tensor<4x64xf32>, %qa: tensor<64x32xf32>,
    %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>, %kvb: tensor<24x128xf32>,
    %wo: tensor<64x64xf32>, %c: tensor<2x8x32xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op sequences of the cache (2) must equal the input's tokens / seq_len (4)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo cache(%c) heads = 4 qk_nope_dim = 16 qk_rope_dim = 8
      v_head_dim = 16 seq_len = 1 causal
      : (tensor<4x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>, tensor<2x8x32xf32>) -> tensor<4x64xf32>
  return
}

// -----

// A cached row is the KV rank (24) plus the RoPE key (8).
func.func @mla_cache_columns(%x: tensor<4x64xf32>, %qa: tensor<64x32xf32>,
    %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>, %kvb: tensor<24x128xf32>,
    %wo: tensor<64x64xf32>, %c: tensor<4x8x24xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op columns of the cache (24) must equal kv rank + qk_rope_dim (32)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo cache(%c) heads = 4 qk_nope_dim = 16 qk_rope_dim = 8
      v_head_dim = 16 seq_len = 1 causal
      : (tensor<4x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>, tensor<4x8x24xf32>) -> tensor<4x64xf32>
  return
}

// -----

// A latent cache holds at least one token.
func.func @mla_cache_empty(%x: tensor<4x64xf32>, %qa: tensor<64x32xf32>,
    %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>, %kvb: tensor<24x128xf32>,
    %wo: tensor<64x64xf32>, %c: tensor<4x0x32xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op the cache holds no tokens (0); a step without past tokens has no cache}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo cache(%c) heads = 4 qk_nope_dim = 16 qk_rope_dim = 8
      v_head_dim = 16 seq_len = 1 causal
      : (tensor<4x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>, tensor<4x0x32xf32>) -> tensor<4x64xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Context-parallel attention (#moe.context)
//===----------------------------------------------------------------------===//

// The group names a shard.grid.
func.func @context_no_grid(%x: tensor<8x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op has a context-parallel group on @gpus, which is not a shard.grid}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal context_parallel = <@gpus, [0]>
      : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  return
}

// -----

// Its axes are axes of that grid.
shard.grid @gpus(shape = 2)
func.func @context_bad_axis(%x: tensor<8x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op has a context-parallel group over axes that grid @gpus (of rank 1) does not have}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal context_parallel = <@gpus, [1]>
      : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  return
}

// -----

// The group's size must be known.
shard.grid @gpus(shape = ?)
func.func @context_dynamic_grid(%x: tensor<8x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op has a context-parallel group on grid @gpus, whose shape is not static}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal context_parallel = <@gpus, [0]>
      : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
  return
}

// -----

// Each of the 16 devices holds two equal chunks: 2 * 16 = 32 does not
// divide seq_len = 16.
shard.grid @gpus(shape = 16)
func.func @context_chunks(%x: tensor<1x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op cannot cut sequences of seq_len = 16 into 2 * 16 equal chunks for its context-parallel group of 16 devices}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal context_parallel = <@gpus, [0]>
      : (tensor<1x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<1x64xf32>
  return
}

// -----

// Two devices hold 16 / 2 = 8 tokens of each sequence: 12 rows are not a
// whole number of sequences' shares.
shard.grid @gpus(shape = 2)
func.func @context_rows(%x: tensor<12x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.attention' op has 12 rows, not a whole number of its sequences' shares (seq_len / 2 = 8)}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal context_parallel = <@gpus, [0]>
      : (tensor<12x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<12x64xf32>
  return
}

// -----

// MLA checks its group the same way.
shard.grid @gpus(shape = 2)
func.func @mla_context_rows(%x: tensor<12x64xf32>, %qa: tensor<64x32xf32>,
    %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>, %kvb: tensor<24x128xf32>,
    %wo: tensor<64x64xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op has 12 rows, not a whole number of its sequences' shares (seq_len / 2 = 8)}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal context_parallel = <@gpus, [0]>
      : (tensor<12x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>) -> tensor<12x64xf32>
  return
}

// -----

// A serving step with a KV cache keeps whole sequences.
shard.grid @gpus(shape = 2)
func.func @context_cache(%x: tensor<4x64xf32>, %wq: tensor<64x64xf32>, %wk: tensor<64x32xf32>,
    %wv: tensor<64x32xf32>, %wo: tensor<64x64xf32>,
    %kc: tensor<1x8x32xf32>, %vc: tensor<1x8x32xf32>) {
  // expected-error @+1 {{'moe.attention' op splits its sequences over a context-parallel group, which a serving step with a KV cache does not do}}
  %y = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 16 seq_len = 8 causal
      context_parallel = <@gpus, [0]>
      : (tensor<4x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>, tensor<1x8x32xf32>, tensor<1x8x32xf32>) -> tensor<4x64xf32>
  return
}

// -----

// MLA's latent cache likewise.
shard.grid @gpus(shape = 2)
func.func @mla_context_cache(%x: tensor<4x64xf32>, %qa: tensor<64x32xf32>,
    %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>, %kvb: tensor<24x128xf32>,
    %wo: tensor<64x64xf32>, %c: tensor<1x8x32xf32>) {
  // expected-error @+1 {{'moe.mla_attention' op splits its sequences over a context-parallel group, which a serving step with a KV cache does not do}}
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo cache(%c) heads = 4 qk_nope_dim = 16 qk_rope_dim = 8
      v_head_dim = 16 seq_len = 8 causal context_parallel = <@gpus, [0]>
      : (tensor<4x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>, tensor<1x8x32xf32>) -> tensor<4x64xf32>
  return
}
