// RUN: moe-opt %s | moe-opt | FileCheck %s
// RUN: moe-opt %s --mlir-print-op-generic | moe-opt | FileCheck %s

// Round trip of every `moe` op, in the custom and in the generic form. Each
// function exercises one op (or one variant of it); the last one chains the
// whole MoE block. Sizes are small but consistent: H = 64 hidden, E = 8
// experts, F = 32 FFN width, T = 16 or 32 tokens.

//===----------------------------------------------------------------------===//
// moe.router
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @router_softmax
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xf32>, %[[GATE:[^:]+]]: tensor<64x8xf32>)
func.func @router_softmax(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>)
    -> (tensor<16x2xi32>, tensor<16x2xf32>) {
  // CHECK: %[[IDX:[^,]+]], %[[W:[^ ]+]] = moe.router %[[X]], %[[GATE]] top_k = 2 scoring = softmax :
  // CHECK-SAME: (tensor<16x64xf32>, tensor<64x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>)
      -> (tensor<16x2xi32>, tensor<16x2xf32>)
  // CHECK: return %[[IDX]], %[[W]]
  return %idx, %w : tensor<16x2xi32>, tensor<16x2xf32>
}

// CHECK-LABEL: func.func @router_softmax_renormalize
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xbf16>, %[[GATE:[^:]+]]: tensor<64x8xbf16>)
func.func @router_softmax_renormalize(%x: tensor<16x64xbf16>,
                                      %gate: tensor<64x8xbf16>)
    -> (tensor<16x2xi32>, tensor<16x2xbf16>) {
  // CHECK: moe.router %[[X]], %[[GATE]] top_k = 2 scoring = softmax renormalize :
  // CHECK-SAME: -> (tensor<16x2xi32>, tensor<16x2xbf16>)
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax renormalize
      : (tensor<16x64xbf16>, tensor<64x8xbf16>)
      -> (tensor<16x2xi32>, tensor<16x2xbf16>)
  return %idx, %w : tensor<16x2xi32>, tensor<16x2xbf16>
}

// DeepSeek-V3 style: sigmoid scores, selection bias, 4 groups of 2 experts of
// which the best 2 groups are eligible, renormalized and scaled weights.
// CHECK-LABEL: func.func @router_sigmoid_bias_groups_scale
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xf32>, %[[GATE:[^:]+]]: tensor<64x8xf32>, %[[BIAS:[^:]+]]: tensor<8xf32>)
func.func @router_sigmoid_bias_groups_scale(%x: tensor<16x64xf32>,
                                            %gate: tensor<64x8xf32>,
                                            %bias: tensor<8xf32>)
    -> (tensor<16x4xi32>, tensor<16x4xf32>) {
  // CHECK: moe.router %[[X]], %[[GATE]] bias %[[BIAS]] top_k = 4 scoring = sigmoid renormalize groups(4, 2) scale = 2.500000e+00 :
  // CHECK-SAME: (tensor<16x64xf32>, tensor<64x8xf32>, tensor<8xf32>) -> (tensor<16x4xi32>, tensor<16x4xf32>)
  %idx, %w = moe.router %x, %gate bias %bias top_k = 4 scoring = sigmoid
      renormalize groups(4, 2) scale = 2.5
      : (tensor<16x64xf32>, tensor<64x8xf32>, tensor<8xf32>)
      -> (tensor<16x4xi32>, tensor<16x4xf32>)
  return %idx, %w : tensor<16x4xi32>, tensor<16x4xf32>
}

// Bias without groups, scale without renormalize.
// CHECK-LABEL: func.func @router_sigmoid_bias_scale
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xf32>, %[[GATE:[^:]+]]: tensor<64x8xf32>, %[[BIAS:[^:]+]]: tensor<8xf32>)
func.func @router_sigmoid_bias_scale(%x: tensor<16x64xf32>,
                                     %gate: tensor<64x8xf32>,
                                     %bias: tensor<8xf32>)
    -> (tensor<16x1xi32>, tensor<16x1xf32>) {
  // CHECK: moe.router %[[X]], %[[GATE]] bias %[[BIAS]] top_k = 1 scoring = sigmoid scale = 1.250000e+00 :
  %idx, %w = moe.router %x, %gate bias %bias top_k = 1 scoring = sigmoid
      scale = 1.25
      : (tensor<16x64xf32>, tensor<64x8xf32>, tensor<8xf32>)
      -> (tensor<16x1xi32>, tensor<16x1xf32>)
  return %idx, %w : tensor<16x1xi32>, tensor<16x1xf32>
}

// Group-limited routing with softmax scoring, no bias.
// CHECK-LABEL: func.func @router_softmax_groups
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xf32>, %[[GATE:[^:]+]]: tensor<64x8xf32>)
func.func @router_softmax_groups(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>)
    -> (tensor<16x2xi32>, tensor<16x2xf32>) {
  // CHECK: moe.router %[[X]], %[[GATE]] top_k = 2 scoring = softmax groups(2, 1) :
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax groups(2, 1)
      : (tensor<16x64xf32>, tensor<64x8xf32>)
      -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return %idx, %w : tensor<16x2xi32>, tensor<16x2xf32>
}

// Dynamic token count and a dynamic expert count: only static sizes are
// compared.
// CHECK-LABEL: func.func @router_dynamic
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<?x64xf32>, %[[GATE:[^:]+]]: tensor<64x?xf32>)
func.func @router_dynamic(%x: tensor<?x64xf32>, %gate: tensor<64x?xf32>)
    -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  // CHECK: moe.router %[[X]], %[[GATE]] top_k = 2 scoring = softmax :
  // CHECK-SAME: (tensor<?x64xf32>, tensor<64x?xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<?x64xf32>, tensor<64x?xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return %idx, %w : tensor<?x2xi32>, tensor<?x2xf32>
}

//===----------------------------------------------------------------------===//
// moe.dispatch
//===----------------------------------------------------------------------===//

// C = ceil(1.25 * 16 * 2 / 8) = 5.
// CHECK-LABEL: func.func @dispatch_capacity_factor
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xf32>, %[[IDX:[^:]+]]: tensor<16x2xi32>)
func.func @dispatch_capacity_factor(%x: tensor<16x64xf32>,
                                    %idx: tensor<16x2xi32>)
    -> tensor<8x5x64xf32> {
  // CHECK: %[[BUF:.+]] = moe.dispatch %[[X]], %[[IDX]] capacity_factor = 1.250000e+00 :
  // CHECK-SAME: (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x5x64xf32>
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x5x64xf32>
  // CHECK: return %[[BUF]]
  return %buf : tensor<8x5x64xf32>
}

// C = ceil(1.1 * 100 * 1 / 2 - 1e-9) = 55. In doubles 1.1 * 100 is
// 110.00000000000001, so without the tolerance the capacity would be 56.
// CHECK-LABEL: func.func @dispatch_capacity_rounding
func.func @dispatch_capacity_rounding(%x: tensor<100x64xf32>,
                                      %idx: tensor<100x1xi32>)
    -> tensor<2x55x64xf32> {
  // CHECK: moe.dispatch %{{.+}}, %{{.+}} capacity_factor = 1.100000e+00 :
  // CHECK-SAME: -> tensor<2x55x64xf32>
  %buf = moe.dispatch %x, %idx capacity_factor = 1.1
      : (tensor<100x64xf32>, tensor<100x1xi32>) -> tensor<2x55x64xf32>
  return %buf : tensor<2x55x64xf32>
}

// Dropless: C = T = 16.
// CHECK-LABEL: func.func @dispatch_dropless
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xbf16>, %[[IDX:[^:]+]]: tensor<16x2xi32>)
func.func @dispatch_dropless(%x: tensor<16x64xbf16>, %idx: tensor<16x2xi32>)
    -> tensor<8x16x64xbf16> {
  // CHECK: moe.dispatch %[[X]], %[[IDX]] dropless :
  // CHECK-SAME: (tensor<16x64xbf16>, tensor<16x2xi32>) -> tensor<8x16x64xbf16>
  %buf = moe.dispatch %x, %idx dropless
      : (tensor<16x64xbf16>, tensor<16x2xi32>) -> tensor<8x16x64xbf16>
  return %buf : tensor<8x16x64xbf16>
}

// Dynamic token count: the capacity cannot be checked and stays dynamic.
// CHECK-LABEL: func.func @dispatch_dynamic
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<?x64xf32>, %[[IDX:[^:]+]]: tensor<?x2xi32>)
func.func @dispatch_dynamic(%x: tensor<?x64xf32>, %idx: tensor<?x2xi32>)
    -> (tensor<8x?x64xf32>, tensor<8x?x64xf32>) {
  // CHECK: moe.dispatch %[[X]], %[[IDX]] capacity_factor = 2.000000e+00 :
  // CHECK-SAME: (tensor<?x64xf32>, tensor<?x2xi32>) -> tensor<8x?x64xf32>
  %a = moe.dispatch %x, %idx capacity_factor = 2.0
      : (tensor<?x64xf32>, tensor<?x2xi32>) -> tensor<8x?x64xf32>
  // CHECK: moe.dispatch %[[X]], %[[IDX]] dropless :
  // CHECK-SAME: (tensor<?x64xf32>, tensor<?x2xi32>) -> tensor<8x?x64xf32>
  %b = moe.dispatch %x, %idx dropless
      : (tensor<?x64xf32>, tensor<?x2xi32>) -> tensor<8x?x64xf32>
  return %a, %b : tensor<8x?x64xf32>, tensor<8x?x64xf32>
}

//===----------------------------------------------------------------------===//
// moe.experts
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @experts_gated
// CHECK-SAME:    (%[[BUF:[^:]+]]: tensor<8x5x64xf32>, %[[WG:[^:]+]]: tensor<8x64x32xf32>, %[[WU:[^:]+]]: tensor<8x64x32xf32>, %[[WD:[^:]+]]: tensor<8x32x64xf32>)
func.func @experts_gated(%buf: tensor<8x5x64xf32>, %wg: tensor<8x64x32xf32>,
                         %wu: tensor<8x64x32xf32>, %wd: tensor<8x32x64xf32>)
    -> (tensor<8x5x64xf32>, tensor<8x5x64xf32>) {
  // CHECK: moe.experts %[[BUF]], gate %[[WG]], up %[[WU]], down %[[WD]] activation = swiglu :
  // CHECK-SAME: (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x64x32xf32>, tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  %a = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x64x32xf32>,
         tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  // CHECK: moe.experts %[[BUF]], gate %[[WG]], up %[[WU]], down %[[WD]] activation = geglu :
  %b = moe.experts %buf, gate %wg, up %wu, down %wd activation = geglu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x64x32xf32>,
         tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  return %a, %b : tensor<8x5x64xf32>, tensor<8x5x64xf32>
}

// CHECK-LABEL: func.func @experts_plain
// CHECK-SAME:    (%[[BUF:[^:]+]]: tensor<8x5x64xf16>, %[[WU:[^:]+]]: tensor<8x64x32xf16>, %[[WD:[^:]+]]: tensor<8x32x64xf16>)
func.func @experts_plain(%buf: tensor<8x5x64xf16>, %wu: tensor<8x64x32xf16>,
                         %wd: tensor<8x32x64xf16>)
    -> (tensor<8x5x64xf16>, tensor<8x5x64xf16>, tensor<8x5x64xf16>) {
  // CHECK: moe.experts %[[BUF]], up %[[WU]], down %[[WD]] activation = gelu :
  // CHECK-SAME: (tensor<8x5x64xf16>, tensor<8x64x32xf16>, tensor<8x32x64xf16>) -> tensor<8x5x64xf16>
  %a = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<8x5x64xf16>, tensor<8x64x32xf16>, tensor<8x32x64xf16>)
      -> tensor<8x5x64xf16>
  // CHECK: moe.experts %[[BUF]], up %[[WU]], down %[[WD]] activation = relu :
  %b = moe.experts %buf, up %wu, down %wd activation = relu
      : (tensor<8x5x64xf16>, tensor<8x64x32xf16>, tensor<8x32x64xf16>)
      -> tensor<8x5x64xf16>
  // CHECK: moe.experts %[[BUF]], up %[[WU]], down %[[WD]] activation = silu :
  %c = moe.experts %buf, up %wu, down %wd activation = silu
      : (tensor<8x5x64xf16>, tensor<8x64x32xf16>, tensor<8x32x64xf16>)
      -> tensor<8x5x64xf16>
  return %a, %b, %c : tensor<8x5x64xf16>, tensor<8x5x64xf16>, tensor<8x5x64xf16>
}

// Dynamic capacity and FFN width.
// CHECK-LABEL: func.func @experts_dynamic
func.func @experts_dynamic(%buf: tensor<8x?x64xf32>, %wg: tensor<8x64x?xf32>,
                           %wu: tensor<8x64x?xf32>, %wd: tensor<8x?x64xf32>)
    -> tensor<8x?x64xf32> {
  // CHECK: moe.experts %{{.+}}, gate %{{.+}}, up %{{.+}}, down %{{.+}} activation = swiglu :
  // CHECK-SAME: (tensor<8x?x64xf32>, tensor<8x64x?xf32>, tensor<8x64x?xf32>, tensor<8x?x64xf32>) -> tensor<8x?x64xf32>
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x?x64xf32>, tensor<8x64x?xf32>, tensor<8x64x?xf32>,
         tensor<8x?x64xf32>) -> tensor<8x?x64xf32>
  return %y : tensor<8x?x64xf32>
}

//===----------------------------------------------------------------------===//
// moe.combine
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @combine
// CHECK-SAME:    (%[[OUT:[^:]+]]: tensor<8x5x64xf32>, %[[IDX:[^:]+]]: tensor<16x2xi32>, %[[W:[^:]+]]: tensor<16x2xf32>)
func.func @combine(%out: tensor<8x5x64xf32>, %idx: tensor<16x2xi32>,
                   %w: tensor<16x2xf32>) -> tensor<16x64xf32> {
  // CHECK: %[[Y:.+]] = moe.combine %[[OUT]], %[[IDX]], %[[W]] :
  // CHECK-SAME: (tensor<8x5x64xf32>, tensor<16x2xi32>, tensor<16x2xf32>) -> tensor<16x64xf32>
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xf32>, tensor<16x2xi32>, tensor<16x2xf32>)
      -> tensor<16x64xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<16x64xf32>
}

// CHECK-LABEL: func.func @combine_dynamic
func.func @combine_dynamic(%out: tensor<8x?x64xf32>, %idx: tensor<?x2xi32>,
                           %w: tensor<?x2xf32>) -> tensor<?x64xf32> {
  // CHECK: moe.combine %{{.+}}, %{{.+}}, %{{.+}} :
  // CHECK-SAME: (tensor<8x?x64xf32>, tensor<?x2xi32>, tensor<?x2xf32>) -> tensor<?x64xf32>
  %y = moe.combine %out, %idx, %w
      : (tensor<8x?x64xf32>, tensor<?x2xi32>, tensor<?x2xf32>)
      -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

//===----------------------------------------------------------------------===//
// moe.attention
//===----------------------------------------------------------------------===//

// Two sequences of 16 tokens; 4 query heads share 2 KV heads of dimension 16.
// CHECK-LABEL: func.func @attention_causal
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<32x64xf32>, %[[WQ:[^:]+]]: tensor<64x64xf32>, %[[WK:[^:]+]]: tensor<64x32xf32>, %[[WV:[^:]+]]: tensor<64x32xf32>, %[[WO:[^:]+]]: tensor<64x64xf32>)
func.func @attention_causal(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                            %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                            %wo: tensor<64x64xf32>) -> tensor<32x64xf32> {
  // CHECK: %[[Y:.+]] = moe.attention %[[X]], %[[WQ]], %[[WK]], %[[WV]], %[[WO]] heads = 4 kv_heads = 2 head_dim = 16 seq_len = 16 causal :
  // CHECK-SAME: (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<32x64xf32>
}

// Context parallel over a group of 2 devices: each holds 16 / 2 = 8 tokens
// of each of its 4 sequences.
shard.grid @gpus(shape = 2x2)
// CHECK-LABEL: func.func @attention_context
func.func @attention_context(%x: tensor<32x64xf32>, %wq: tensor<64x64xf32>,
                             %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                             %wo: tensor<64x64xf32>) -> tensor<32x64xf32> {
  // CHECK: moe.attention {{.*}} seq_len = 16 causal context_parallel = <@gpus, [1]> :
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal context_parallel = <@gpus, [1]>
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return %y : tensor<32x64xf32>
}

// Bidirectional (no mask), plain multi-head attention (kv_heads = heads).
// CHECK-LABEL: func.func @attention_bidirectional
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<32x64xf32>, %[[WQ:[^:]+]]: tensor<64x64xf32>, %[[WK:[^:]+]]: tensor<64x64xf32>, %[[WV:[^:]+]]: tensor<64x64xf32>, %[[WO:[^:]+]]: tensor<64x64xf32>)
func.func @attention_bidirectional(%x: tensor<32x64xf32>,
                                   %wq: tensor<64x64xf32>,
                                   %wk: tensor<64x64xf32>,
                                   %wv: tensor<64x64xf32>,
                                   %wo: tensor<64x64xf32>) -> tensor<32x64xf32> {
  // CHECK: moe.attention %[[X]], %[[WQ]], %[[WK]], %[[WV]], %[[WO]] heads = 4 kv_heads = 4 head_dim = 16 seq_len = 32 :
  // CHECK-SAME: -> tensor<32x64xf32>
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 4
      head_dim = 16 seq_len = 32
      : (tensor<32x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>,
         tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  return %y : tensor<32x64xf32>
}

// Causal sliding window of 8 keys, and a window without the causal mask.
// CHECK-LABEL: func.func @attention_window
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<32x64xbf16>, %[[WQ:[^:]+]]: tensor<64x64xbf16>, %[[WK:[^:]+]]: tensor<64x16xbf16>, %[[WV:[^:]+]]: tensor<64x16xbf16>, %[[WO:[^:]+]]: tensor<64x64xbf16>)
func.func @attention_window(%x: tensor<32x64xbf16>, %wq: tensor<64x64xbf16>,
                            %wk: tensor<64x16xbf16>, %wv: tensor<64x16xbf16>,
                            %wo: tensor<64x64xbf16>)
    -> (tensor<32x64xbf16>, tensor<32x64xbf16>) {
  // CHECK: moe.attention %[[X]], %[[WQ]], %[[WK]], %[[WV]], %[[WO]] heads = 4 kv_heads = 1 head_dim = 16 seq_len = 16 causal window = 8 :
  %a = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 1
      head_dim = 16 seq_len = 16 causal window = 8
      : (tensor<32x64xbf16>, tensor<64x64xbf16>, tensor<64x16xbf16>,
         tensor<64x16xbf16>, tensor<64x64xbf16>) -> tensor<32x64xbf16>
  // CHECK: moe.attention %[[X]], %[[WQ]], %[[WK]], %[[WV]], %[[WO]] heads = 4 kv_heads = 1 head_dim = 16 seq_len = 16 window = 8 :
  %b = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 1
      head_dim = 16 seq_len = 16 window = 8
      : (tensor<32x64xbf16>, tensor<64x64xbf16>, tensor<64x16xbf16>,
         tensor<64x16xbf16>, tensor<64x64xbf16>) -> tensor<32x64xbf16>
  return %a, %b : tensor<32x64xbf16>, tensor<32x64xbf16>
}

// Dynamic token count (any number of whole sequences).
// CHECK-LABEL: func.func @attention_dynamic
func.func @attention_dynamic(%x: tensor<?x64xf32>, %wq: tensor<64x64xf32>,
                             %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                             %wo: tensor<64x64xf32>) -> tensor<?x64xf32> {
  // CHECK: moe.attention {{.+}} heads = 4 kv_heads = 2 head_dim = 16 seq_len = 16 causal :
  // CHECK-SAME: (tensor<?x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<?x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
         tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// A decode step: 4 sequences of one new token each over KV caches of 128
// cached tokens in FP8 (the cache's precision is its element type).
// CHECK-LABEL: func.func @attention_kv_cache
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<4x64xbf16>, %[[WQ:[^:]+]]: tensor<64x64xbf16>, %[[WK:[^:]+]]: tensor<64x32xbf16>, %[[WV:[^:]+]]: tensor<64x32xbf16>, %[[WO:[^:]+]]: tensor<64x64xbf16>, %[[KC:[^:]+]]: tensor<4x128x32xf8E4M3FN>, %[[VC:[^:]+]]: tensor<4x128x32xf8E4M3FN>)
func.func @attention_kv_cache(%x: tensor<4x64xbf16>, %wq: tensor<64x64xbf16>,
                              %wk: tensor<64x32xbf16>, %wv: tensor<64x32xbf16>,
                              %wo: tensor<64x64xbf16>,
                              %kc: tensor<4x128x32xf8E4M3FN>,
                              %vc: tensor<4x128x32xf8E4M3FN>)
    -> tensor<4x64xbf16> {
  // CHECK: moe.attention %[[X]], %[[WQ]], %[[WK]], %[[WV]], %[[WO]] cache(%[[KC]], %[[VC]]) heads = 4 kv_heads = 2 head_dim = 16 seq_len = 1 causal :
  // CHECK-SAME: tensor<4x128x32xf8E4M3FN>, tensor<4x128x32xf8E4M3FN>) -> tensor<4x64xbf16>
  %y = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 16 seq_len = 1 causal
      : (tensor<4x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>, tensor<4x128x32xf8E4M3FN>,
         tensor<4x128x32xf8E4M3FN>) -> tensor<4x64xbf16>
  return %y : tensor<4x64xbf16>
}

//===----------------------------------------------------------------------===//
// moe.mla_attention
//===----------------------------------------------------------------------===//

// n = 4 heads, dn = 16, dr = 8, dv = 16, query rank 32, KV rank 24:
// q_down 64x32, q_up 32x(4*24), kv_down 64x(24+8), kv_up 24x(4*32), out 64x64.
// CHECK-LABEL: func.func @mla_q_down
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<32x64xf32>, %[[QA:[^:]+]]: tensor<64x32xf32>, %[[QB:[^:]+]]: tensor<32x96xf32>, %[[KVA:[^:]+]]: tensor<64x32xf32>, %[[KVB:[^:]+]]: tensor<24x128xf32>, %[[WO:[^:]+]]: tensor<64x64xf32>)
func.func @mla_q_down(%x: tensor<32x64xf32>, %qa: tensor<64x32xf32>,
                      %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                      %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>)
    -> tensor<32x64xf32> {
  // CHECK: %[[Y:.+]] = moe.mla_attention %[[X]], q_down %[[QA]], q_up %[[QB]], kv_down %[[KVA]], kv_up %[[KVB]], out %[[WO]] heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16 seq_len = 16 causal :
  // CHECK-SAME: (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>, tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>) -> tensor<32x64xf32>
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>)
      -> tensor<32x64xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<32x64xf32>
}

// Without q_down (DeepSeek-V2-Lite): q_up maps the hidden state directly.
// Not causal, and dv differs from dn (out is (4*8)x64).
// CHECK-LABEL: func.func @mla_no_q_down
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<32x64xf32>, %[[QB:[^:]+]]: tensor<64x96xf32>, %[[KVA:[^:]+]]: tensor<64x32xf32>, %[[KVB:[^:]+]]: tensor<24x96xf32>, %[[WO:[^:]+]]: tensor<32x64xf32>)
func.func @mla_no_q_down(%x: tensor<32x64xf32>, %qb: tensor<64x96xf32>,
                         %kva: tensor<64x32xf32>, %kvb: tensor<24x96xf32>,
                         %wo: tensor<32x64xf32>) -> tensor<32x64xf32> {
  // CHECK: moe.mla_attention %[[X]], q_up %[[QB]], kv_down %[[KVA]], kv_up %[[KVB]], out %[[WO]] heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 8 seq_len = 32 :
  // CHECK-SAME: (tensor<32x64xf32>, tensor<64x96xf32>, tensor<64x32xf32>, tensor<24x96xf32>, tensor<32x64xf32>) -> tensor<32x64xf32>
  %y = moe.mla_attention %x, q_up %qb, kv_down %kva, kv_up %kvb, out %wo
      heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 8 seq_len = 32
      : (tensor<32x64xf32>, tensor<64x96xf32>, tensor<64x32xf32>,
         tensor<24x96xf32>, tensor<32x64xf32>) -> tensor<32x64xf32>
  return %y : tensor<32x64xf32>
}

// A chunk of 2 new tokens per sequence (2 sequences) over a latent cache of
// 64 tokens: each cached row is the KV rank (24) plus the RoPE key (8).
// CHECK-LABEL: func.func @mla_cache
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<4x64xf32>, %[[QA:[^:]+]]: tensor<64x32xf32>, %[[QB:[^:]+]]: tensor<32x96xf32>, %[[KVA:[^:]+]]: tensor<64x32xf32>, %[[KVB:[^:]+]]: tensor<24x128xf32>, %[[WO:[^:]+]]: tensor<64x64xf32>, %[[C:[^:]+]]: tensor<2x64x32xbf16>)
func.func @mla_cache(%x: tensor<4x64xf32>, %qa: tensor<64x32xf32>,
                     %qb: tensor<32x96xf32>, %kva: tensor<64x32xf32>,
                     %kvb: tensor<24x128xf32>, %wo: tensor<64x64xf32>,
                     %c: tensor<2x64x32xbf16>) -> tensor<4x64xf32> {
  // CHECK: moe.mla_attention %[[X]], q_down %[[QA]], q_up %[[QB]], kv_down %[[KVA]], kv_up %[[KVB]], out %[[WO]] cache(%[[C]]) heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16 seq_len = 2 causal :
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo cache(%c) heads = 4 qk_nope_dim = 16 qk_rope_dim = 8
      v_head_dim = 16 seq_len = 2 causal
      : (tensor<4x64xf32>, tensor<64x32xf32>, tensor<32x96xf32>,
         tensor<64x32xf32>, tensor<24x128xf32>, tensor<64x64xf32>,
         tensor<2x64x32xbf16>) -> tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// Dynamic token count and dynamic ranks.
// CHECK-LABEL: func.func @mla_dynamic
func.func @mla_dynamic(%x: tensor<?x64xf32>, %qa: tensor<64x?xf32>,
                       %qb: tensor<?x96xf32>, %kva: tensor<64x?xf32>,
                       %kvb: tensor<?x128xf32>, %wo: tensor<64x64xf32>)
    -> tensor<?x64xf32> {
  // CHECK: moe.mla_attention {{.+}} heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16 seq_len = 16 causal :
  // CHECK-SAME: (tensor<?x64xf32>, tensor<64x?xf32>, tensor<?x96xf32>, tensor<64x?xf32>, tensor<?x128xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 4 qk_nope_dim = 16 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<?x64xf32>, tensor<64x?xf32>, tensor<?x96xf32>,
         tensor<64x?xf32>, tensor<?x128xf32>, tensor<64x64xf32>)
      -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

//===----------------------------------------------------------------------===//
// moe.rms_norm
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @rms_norm_1d
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<64xf32>, %[[W:[^:]+]]: tensor<64xf32>)
func.func @rms_norm_1d(%x: tensor<64xf32>, %w: tensor<64xf32>)
    -> tensor<64xf32> {
  // CHECK: %[[Y:.+]] = moe.rms_norm %[[X]], %[[W]] epsilon = 1.000000e-05 : tensor<64xf32>, tensor<64xf32>
  %y = moe.rms_norm %x, %w epsilon = 1.0e-05 : tensor<64xf32>, tensor<64xf32>
  // CHECK: return %[[Y]]
  return %y : tensor<64xf32>
}

// CHECK-LABEL: func.func @rms_norm_2d
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xbf16>, %[[W:[^:]+]]: tensor<64xbf16>)
func.func @rms_norm_2d(%x: tensor<16x64xbf16>, %w: tensor<64xbf16>)
    -> tensor<16x64xbf16> {
  // CHECK: moe.rms_norm %[[X]], %[[W]] epsilon = 9.9999999999999995E-7 : tensor<16x64xbf16>, tensor<64xbf16>
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06
      : tensor<16x64xbf16>, tensor<64xbf16>
  return %y : tensor<16x64xbf16>
}

// Per-head normalisation (as Qwen3's q_norm/k_norm): [T, heads, head_dim].
// CHECK-LABEL: func.func @rms_norm_3d
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x4x16xf32>, %[[W:[^:]+]]: tensor<16xf32>)
func.func @rms_norm_3d(%x: tensor<16x4x16xf32>, %w: tensor<16xf32>)
    -> tensor<16x4x16xf32> {
  // CHECK: moe.rms_norm %[[X]], %[[W]] epsilon = 9.9999999999999995E-7 : tensor<16x4x16xf32>, tensor<16xf32>
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06
      : tensor<16x4x16xf32>, tensor<16xf32>
  return %y : tensor<16x4x16xf32>
}

// CHECK-LABEL: func.func @rms_norm_dynamic
func.func @rms_norm_dynamic(%x: tensor<?x?xf32>, %w: tensor<64xf32>)
    -> tensor<?x?xf32> {
  // CHECK: moe.rms_norm %{{.+}}, %{{.+}} epsilon = 1.000000e-05 : tensor<?x?xf32>, tensor<64xf32>
  %y = moe.rms_norm %x, %w epsilon = 1.0e-05 : tensor<?x?xf32>, tensor<64xf32>
  return %y : tensor<?x?xf32>
}

//===----------------------------------------------------------------------===//
// moe.ffn
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @ffn_gated
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xf32>, %[[WG:[^:]+]]: tensor<64x32xf32>, %[[WU:[^:]+]]: tensor<64x32xf32>, %[[WD:[^:]+]]: tensor<32x64xf32>)
func.func @ffn_gated(%x: tensor<16x64xf32>, %wg: tensor<64x32xf32>,
                     %wu: tensor<64x32xf32>, %wd: tensor<32x64xf32>)
    -> (tensor<16x64xf32>, tensor<16x64xf32>) {
  // CHECK: moe.ffn %[[X]], gate %[[WG]], up %[[WU]], down %[[WD]] activation = swiglu :
  // CHECK-SAME: (tensor<16x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>, tensor<32x64xf32>) -> tensor<16x64xf32>
  %a = moe.ffn %x, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>,
         tensor<32x64xf32>) -> tensor<16x64xf32>
  // CHECK: moe.ffn %[[X]], gate %[[WG]], up %[[WU]], down %[[WD]] activation = geglu :
  %b = moe.ffn %x, gate %wg, up %wu, down %wd activation = geglu
      : (tensor<16x64xf32>, tensor<64x32xf32>, tensor<64x32xf32>,
         tensor<32x64xf32>) -> tensor<16x64xf32>
  return %a, %b : tensor<16x64xf32>, tensor<16x64xf32>
}

// CHECK-LABEL: func.func @ffn_plain
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xf32>, %[[WU:[^:]+]]: tensor<64x256xf32>, %[[WD:[^:]+]]: tensor<256x64xf32>)
func.func @ffn_plain(%x: tensor<16x64xf32>, %wu: tensor<64x256xf32>,
                     %wd: tensor<256x64xf32>)
    -> (tensor<16x64xf32>, tensor<16x64xf32>, tensor<16x64xf32>) {
  // CHECK: moe.ffn %[[X]], up %[[WU]], down %[[WD]] activation = gelu :
  // CHECK-SAME: (tensor<16x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<16x64xf32>
  %a = moe.ffn %x, up %wu, down %wd activation = gelu
      : (tensor<16x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>)
      -> tensor<16x64xf32>
  // CHECK: moe.ffn %[[X]], up %[[WU]], down %[[WD]] activation = relu :
  %b = moe.ffn %x, up %wu, down %wd activation = relu
      : (tensor<16x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>)
      -> tensor<16x64xf32>
  // CHECK: moe.ffn %[[X]], up %[[WU]], down %[[WD]] activation = silu :
  %c = moe.ffn %x, up %wu, down %wd activation = silu
      : (tensor<16x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>)
      -> tensor<16x64xf32>
  return %a, %b, %c : tensor<16x64xf32>, tensor<16x64xf32>, tensor<16x64xf32>
}

// CHECK-LABEL: func.func @ffn_dynamic
func.func @ffn_dynamic(%x: tensor<?x64xf32>, %wg: tensor<64x?xf32>,
                       %wu: tensor<64x?xf32>, %wd: tensor<?x64xf32>)
    -> tensor<?x64xf32> {
  // CHECK: moe.ffn %{{.+}}, gate %{{.+}}, up %{{.+}}, down %{{.+}} activation = swiglu :
  // CHECK-SAME: (tensor<?x64xf32>, tensor<64x?xf32>, tensor<64x?xf32>, tensor<?x64xf32>) -> tensor<?x64xf32>
  %y = moe.ffn %x, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<?x64xf32>, tensor<64x?xf32>, tensor<64x?xf32>,
         tensor<?x64xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

//===----------------------------------------------------------------------===//
// moe.embedding
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @embedding_i32
// CHECK-SAME:    (%[[IDS:[^:]+]]: tensor<16xi32>, %[[TABLE:[^:]+]]: tensor<1000x64xbf16>)
func.func @embedding_i32(%ids: tensor<16xi32>, %table: tensor<1000x64xbf16>)
    -> tensor<16x64xbf16> {
  // CHECK: %[[Y:.+]] = moe.embedding %[[IDS]], %[[TABLE]] :
  // CHECK-SAME: (tensor<16xi32>, tensor<1000x64xbf16>) -> tensor<16x64xbf16>
  %y = moe.embedding %ids, %table
      : (tensor<16xi32>, tensor<1000x64xbf16>) -> tensor<16x64xbf16>
  // CHECK: return %[[Y]]
  return %y : tensor<16x64xbf16>
}

// CHECK-LABEL: func.func @embedding_i64
// CHECK-SAME:    (%[[IDS:[^:]+]]: tensor<16xi64>, %[[TABLE:[^:]+]]: tensor<1000x64xf32>)
func.func @embedding_i64(%ids: tensor<16xi64>, %table: tensor<1000x64xf32>)
    -> tensor<16x64xf32> {
  // CHECK: moe.embedding %[[IDS]], %[[TABLE]] :
  // CHECK-SAME: (tensor<16xi64>, tensor<1000x64xf32>) -> tensor<16x64xf32>
  %y = moe.embedding %ids, %table
      : (tensor<16xi64>, tensor<1000x64xf32>) -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// CHECK-LABEL: func.func @embedding_dynamic
func.func @embedding_dynamic(%ids: tensor<?xi64>, %table: tensor<?x64xf32>)
    -> tensor<?x64xf32> {
  // CHECK: moe.embedding %{{.+}}, %{{.+}} :
  // CHECK-SAME: (tensor<?xi64>, tensor<?x64xf32>) -> tensor<?x64xf32>
  %y = moe.embedding %ids, %table
      : (tensor<?xi64>, tensor<?x64xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

//===----------------------------------------------------------------------===//
// A whole MoE block: the values flow from op to op.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @moe_block
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x64xf32>, %[[GATE:[^:]+]]: tensor<64x8xf32>, %[[WG:[^:]+]]: tensor<8x64x32xf32>, %[[WU:[^:]+]]: tensor<8x64x32xf32>, %[[WD:[^:]+]]: tensor<8x32x64xf32>)
func.func @moe_block(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>,
                     %wg: tensor<8x64x32xf32>, %wu: tensor<8x64x32xf32>,
                     %wd: tensor<8x32x64xf32>) -> tensor<16x64xf32> {
  // CHECK: %[[IDX:[^,]+]], %[[W:[^ ]+]] = moe.router %[[X]], %[[GATE]] top_k = 2 scoring = softmax renormalize
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax renormalize
      : (tensor<16x64xf32>, tensor<64x8xf32>)
      -> (tensor<16x2xi32>, tensor<16x2xf32>)
  // CHECK: %[[BUF:.+]] = moe.dispatch %[[X]], %[[IDX]] capacity_factor = 1.250000e+00
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x5x64xf32>
  // CHECK: %[[OUT:.+]] = moe.experts %[[BUF]], gate %[[WG]], up %[[WU]], down %[[WD]] activation = swiglu
  %out = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x5x64xf32>, tensor<8x64x32xf32>, tensor<8x64x32xf32>,
         tensor<8x32x64xf32>) -> tensor<8x5x64xf32>
  // CHECK: %[[Y:.+]] = moe.combine %[[OUT]], %[[IDX]], %[[W]]
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x64xf32>, tensor<16x2xi32>, tensor<16x2xf32>)
      -> tensor<16x64xf32>
  // CHECK: %[[SUM:.+]] = arith.addf %[[X]], %[[Y]] : tensor<16x64xf32>
  %sum = arith.addf %x, %y : tensor<16x64xf32>
  // CHECK: return %[[SUM]]
  return %sum : tensor<16x64xf32>
}
