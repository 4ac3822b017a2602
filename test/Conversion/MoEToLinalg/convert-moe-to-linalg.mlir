// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s
// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s --check-prefix=NOMOE
// RUN: moe-opt %s --convert-moe-to-linalg --mlir-print-debuginfo \
// RUN:   | FileCheck %s --check-prefix=LOC

// The structure --convert-moe-to-linalg gives every moe op. The values are
// checked by executing the lowering (run-*.test against a numpy reference,
// run-capacity-overflow-spec-example.mlir by hand); this file pins down the
// shape of the IR.

// No moe op survives, and nothing but upstream dialects is produced.
// NOMOE-NOT: moe.

// Location aliases are printed first too (see @located).
// LOC: #[[L:.*]] = loc("norm_site")

// Indexing maps are printed first. Attention: q[b, i, g, r, d] and
// k[b, j, g, d] over (b, g, r, i, j, d). rms_norm on rank 3: the input, its
// rows, the weight on the last dimension.
// CHECK-DAG: #[[QMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1, d2, d5)>
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d4, d1, d5)>
// CHECK-DAG: #[[ALL3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[OUTER:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>

//===----------------------------------------------------------------------===//
// moe.router
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @router_softmax
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x32xf32>, %[[GATE:[^:]+]]: tensor<32x8xf32>)
func.func @router_softmax(%x: tensor<16x32xf32>, %gate: tensor<32x8xf32>)
    -> (tensor<16x2xi32>, tensor<16x2xf32>) {
  // Logits.
  // CHECK:      %[[LOGITS:.*]] = linalg.matmul ins(%[[X]], %[[GATE]] : tensor<16x32xf32>, tensor<32x8xf32>)
  // Softmax over the experts: max, exp(z - max), sum, divide.
  // CHECK:      linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%[[LOGITS]]
  // CHECK:        arith.maximumf
  // CHECK:        arith.subf
  // CHECK-NEXT:   math.exp
  // CHECK:        arith.addf
  // CHECK:      %[[SCORES:.*]] = linalg.generic
  // CHECK:        arith.divf
  // Rank of every expert among the 8: (t, e, e') with e' reduced; e' beats e
  // on a higher score or an equal score and a lower index.
  // CHECK:      %[[RANK:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%[[SCORES]], %[[SCORES]] : {{.*}}) outs({{.*}} : tensor<16x8xi32>)
  // CHECK:        %[[E:.*]] = linalg.index 1
  // CHECK:        %[[E2:.*]] = linalg.index 2
  // CHECK:        arith.cmpf ogt
  // CHECK:        arith.cmpf oeq
  // CHECK:        arith.cmpi ult, %[[E2]], %[[E]]
  // Column j of the result is the expert of rank j.
  // CHECK:      %[[PICK:.*]]:2 = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%[[RANK]], %[[SCORES]] : tensor<16x8xi32>, tensor<16x8xf32>) outs({{.*}} : tensor<16x2xi32>, tensor<16x2xf32>)
  // Renormalize.
  // CHECK:      linalg.generic {{.*}} ins(%[[PICK]]#1
  // CHECK:        arith.addf
  // CHECK:      %[[W:.*]] = linalg.generic
  // CHECK:        arith.divf
  // CHECK:      return %[[PICK]]#0, %[[W]] : tensor<16x2xi32>, tensor<16x2xf32>
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax renormalize
      : (tensor<16x32xf32>, tensor<32x8xf32>)
      -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return %idx, %w : tensor<16x2xi32>, tensor<16x2xf32>
}

// CHECK-LABEL: func.func @router_sigmoid_bias_groups_scale
// CHECK-SAME:    %[[BIAS:[^:]+]]: tensor<8xf32>)
func.func @router_sigmoid_bias_groups_scale(%x: tensor<16x32xf32>,
                                            %gate: tensor<32x8xf32>,
                                            %bias: tensor<8xf32>)
    -> (tensor<16x4xi32>, tensor<16x4xf32>) {
  // CHECK:      linalg.matmul
  // Sigmoid.
  // CHECK:      %[[S:.*]] = linalg.generic
  // CHECK:        arith.negf
  // CHECK-NEXT:   math.exp
  // CHECK:        arith.divf
  // Selection scores s + b, the bias broadcast over the tokens.
  // CHECK:      %[[U:.*]] = linalg.generic {{.*}} ins(%[[S]], %[[BIAS]] : tensor<16x8xf32>, tensor<8xf32>)
  // Groups: [16, 4, 2], the two best of each group in one pass.
  // CHECK:      %[[G:.*]] = tensor.expand_shape %[[U]] {{\[}}[0], [1, 2]] output_shape [16, 4, 2]
  // CHECK:      %[[TOP:.*]]:2 = linalg.generic {{.*}} ins(%[[G]] : tensor<16x4x2xf32>) outs({{.*}} : tensor<16x4xf32>, tensor<16x4xf32>)
  // CHECK:        arith.maximumf
  // CHECK:        arith.minimumf
  // CHECK:        arith.maximumf
  // CHECK:      %[[GSCORE:.*]] = linalg.generic {{.*}} ins(%[[TOP]]#0, %[[TOP]]#1
  // CHECK:      %[[GRANK:.*]] = linalg.generic {{.*}} ins(%[[GSCORE]], %[[GSCORE]] : {{.*}}) outs({{.*}} : tensor<16x4xi32>)
  // Keep the 2 best groups.
  // CHECK:      %[[KEEP:.*]] = linalg.generic {{.*}} ins(%[[GRANK]] : tensor<16x4xi32>) outs({{.*}} : tensor<16x4x2xi1>)
  // CHECK:        arith.cmpi slt
  // CHECK:      %[[ELIG:.*]] = tensor.collapse_shape %[[KEEP]] {{\[}}[0], [1, 2]] : tensor<16x4x2xi1> into tensor<16x8xi1>
  // Eligibility first, then score, then index.
  // CHECK:      %[[RANK:.*]] = linalg.generic {{.*}} ins(%[[U]], %[[U]], %[[ELIG]], %[[ELIG]] :
  // The weights are the unbiased scores.
  // CHECK:      %[[PICK:.*]]:2 = linalg.generic {{.*}} ins(%[[RANK]], %[[S]] :
  // Scale, no renormalization.
  // CHECK-NOT:    arith.divf
  // CHECK:      %[[W:.*]] = linalg.generic {{.*}} ins(%[[PICK]]#1
  // CHECK:        arith.mulf %{{.*}}, %{{.*}} : f32
  // CHECK:      return %[[PICK]]#0, %[[W]]
  %idx, %w = moe.router %x, %gate bias %bias top_k = 4 scoring = sigmoid
      groups(4, 2) scale = 2.5
      : (tensor<16x32xf32>, tensor<32x8xf32>, tensor<8xf32>)
      -> (tensor<16x4xi32>, tensor<16x4xf32>)
  return %idx, %w : tensor<16x4xi32>, tensor<16x4xf32>
}

//===----------------------------------------------------------------------===//
// moe.dispatch, moe.combine
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @dispatch
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x32xf32>, %[[IDX:[^:]+]]: tensor<16x2xi32>)
func.func @dispatch(%x: tensor<16x32xf32>, %idx: tensor<16x2xi32>)
    -> tensor<8x5x32xf32> {
  // Slot assignment: a sequential walk over the (token, choice) pairs with a
  // counter per expert; a choice whose slot is < C = 5 records its token.
  // CHECK-DAG:  %[[COUNTS:.*]] = linalg.fill ins(%c0_i32 : i32) outs(%{{.*}} : tensor<8xi32>)
  // CHECK-DAG:  %[[UNUSED:.*]] = linalg.fill ins(%c-1_i32 : i32) outs(%{{.*}} : tensor<8x5xi32>)
  // CHECK-DAG:  %[[C16:.*]] = arith.constant 16 : index
  // CHECK-DAG:  %[[C2:.*]] = arith.constant 2 : index
  // CHECK-DAG:  %[[CAP:.*]] = arith.constant 5 : i32
  // CHECK:      %[[LOOP:.*]]:2 = scf.for %[[T:.*]] = %{{.*}} to %[[C16]] {{.*}} iter_args(%{{.*}} = %[[COUNTS]], %{{.*}} = %[[UNUSED]])
  // CHECK:        scf.for %[[J:.*]] = %{{.*}} to %[[C2]]
  // CHECK:          %[[E:.*]] = tensor.extract %[[IDX]][%[[T]], %[[J]]]
  // CHECK:          %[[SLOT:.*]] = tensor.extract
  // CHECK:          tensor.insert
  // CHECK:          %[[KEPT:.*]] = arith.cmpi slt, %[[SLOT]], %[[CAP]]
  // CHECK:          scf.if %[[KEPT]]
  // CHECK:            tensor.insert
  // CHECK:          } else {
  // Data movement: a parallel gather from the token table.
  // CHECK:      linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]{{.*}} ins(%[[LOOP]]#1 : tensor<8x5xi32>) outs(%{{.*}} : tensor<8x5x32xf32>)
  // CHECK:        arith.cmpi sge
  // CHECK:        tensor.extract %[[X]]
  // CHECK:        arith.select
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x32xf32>, tensor<16x2xi32>) -> tensor<8x5x32xf32>
  return %buf : tensor<8x5x32xf32>
}

// CHECK-LABEL: func.func @combine
// CHECK-SAME:    (%[[OUT:[^:]+]]: tensor<8x5x32xf32>, %[[IDX:[^:]+]]: tensor<16x2xi32>, %[[W:[^:]+]]: tensor<16x2xf32>)
func.func @combine(%out: tensor<8x5x32xf32>, %idx: tensor<16x2xi32>,
                   %w: tensor<16x2xf32>) -> tensor<16x32xf32> {
  // The same walk records the slot of every choice.
  // CHECK:      %[[LOOP:.*]]:2 = scf.for
  // CHECK:        scf.for
  // CHECK-NOT:      scf.if
  // CHECK:          tensor.insert
  // CHECK:          tensor.insert
  // y[t, h] = sum_j (slot < C ? w * out[e, slot, h] : 0), j reduced.
  // CHECK:      linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%[[IDX]], %[[LOOP]]#1, %[[W]] : tensor<16x2xi32>, tensor<16x2xi32>, tensor<16x2xf32>) outs(%{{.*}} : tensor<16x32xf32>)
  // CHECK:        %[[KEPT:.*]] = arith.cmpi slt
  // CHECK:        arith.minsi
  // CHECK:        %[[V:.*]] = tensor.extract %[[OUT]]
  // CHECK:        %[[P:.*]] = arith.mulf %{{.*}}, %[[V]]
  // CHECK:        %[[TERM:.*]] = arith.select %[[KEPT]], %[[P]]
  // CHECK:        arith.addf %{{.*}}, %[[TERM]]
  %y = moe.combine %out, %idx, %w
      : (tensor<8x5x32xf32>, tensor<16x2xi32>, tensor<16x2xf32>)
      -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

//===----------------------------------------------------------------------===//
// moe.experts, moe.ffn
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @experts_swiglu
// CHECK-SAME:    (%[[BUF:[^:]+]]: tensor<8x5x32xf32>, %[[WG:[^:]+]]: tensor<8x32x16xf32>, %[[WU:[^:]+]]: tensor<8x32x16xf32>, %[[WD:[^:]+]]: tensor<8x16x32xf32>)
func.func @experts_swiglu(%buf: tensor<8x5x32xf32>, %wg: tensor<8x32x16xf32>,
                          %wu: tensor<8x32x16xf32>, %wd: tensor<8x16x32xf32>)
    -> tensor<8x5x32xf32> {
  // CHECK:      %[[UP:.*]] = linalg.batch_matmul ins(%[[BUF]], %[[WU]] : {{.*}}) outs(%{{.*}} : tensor<8x5x16xf32>)
  // CHECK:      %[[GATE:.*]] = linalg.batch_matmul ins(%[[BUF]], %[[WG]]
  // CHECK:      %[[ACT:.*]] = linalg.generic {{.*}} ins(%[[GATE]]
  // CHECK:        arith.negf
  // CHECK:        math.exp
  // CHECK:        arith.divf
  // CHECK:      %[[H:.*]] = linalg.generic {{.*}} ins(%[[ACT]], %[[UP]]
  // CHECK:        arith.mulf
  // CHECK:      %[[Y:.*]] = linalg.batch_matmul ins(%[[H]], %[[WD]] : {{.*}}) outs(%{{.*}} : tensor<8x5x32xf32>)
  // CHECK:      return %[[Y]]
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x5x32xf32>, tensor<8x32x16xf32>, tensor<8x32x16xf32>,
         tensor<8x16x32xf32>) -> tensor<8x5x32xf32>
  return %y : tensor<8x5x32xf32>
}

// bf16 is computed in f32 and rounded once at the end.
// CHECK-LABEL: func.func @ffn_gelu_bf16
func.func @ffn_gelu_bf16(%x: tensor<16x32xbf16>, %wu: tensor<32x64xbf16>,
                         %wd: tensor<64x32xbf16>) -> tensor<16x32xbf16> {
  // CHECK:        arith.extf %{{.*}} : bf16 to f32
  // CHECK:        arith.extf %{{.*}} : bf16 to f32
  // CHECK:      linalg.matmul {{.*}} -> tensor<16x64xf32>
  // CHECK:        math.erf
  // CHECK:        arith.extf %{{.*}} : bf16 to f32
  // CHECK:      linalg.matmul {{.*}} -> tensor<16x32xf32>
  // CHECK:        arith.truncf %{{.*}} : f32 to bf16
  // CHECK-NOT:  linalg.matmul
  // CHECK:      return {{.*}} : tensor<16x32xbf16>
  %y = moe.ffn %x, up %wu, down %wd activation = gelu
      : (tensor<16x32xbf16>, tensor<32x64xbf16>, tensor<64x32xbf16>)
      -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}

// CHECK-LABEL: func.func @ffn_relu
func.func @ffn_relu(%x: tensor<16x32xf32>, %wu: tensor<32x64xf32>,
                    %wd: tensor<64x32xf32>) -> tensor<16x32xf32> {
  // CHECK:      linalg.matmul
  // CHECK:        arith.maximumf
  // CHECK:      linalg.matmul
  %y = moe.ffn %x, up %wu, down %wd activation = relu
      : (tensor<16x32xf32>, tensor<32x64xf32>, tensor<64x32xf32>)
      -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

//===----------------------------------------------------------------------===//
// moe.attention, moe.mla_attention
//===----------------------------------------------------------------------===//

// GQA: 4 query heads on 2 KV heads (R = 2), 2 sequences of 8, causal with a
// window of 4.
// CHECK-LABEL: func.func @attention_gqa_causal_window
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x32xf32>, %[[WQ:[^:]+]]: tensor<32x32xf32>, %[[WK:[^:]+]]: tensor<32x16xf32>, %[[WV:[^:]+]]: tensor<32x16xf32>, %[[WO:[^:]+]]: tensor<32x32xf32>)
func.func @attention_gqa_causal_window(%x: tensor<16x32xf32>,
                                       %wq: tensor<32x32xf32>,
                                       %wk: tensor<32x16xf32>,
                                       %wv: tensor<32x16xf32>,
                                       %wo: tensor<32x32xf32>)
    -> tensor<16x32xf32> {
  // CHECK:      %[[Q:.*]] = linalg.matmul ins(%[[X]], %[[WQ]]
  // CHECK:      %[[K:.*]] = linalg.matmul ins(%[[X]], %[[WK]]
  // CHECK:      %[[V:.*]] = linalg.matmul ins(%[[X]], %[[WV]]
  // Heads split as [B, S, G, R, d]: query head h = g * R + r.
  // CHECK:      %[[Q5:.*]] = tensor.expand_shape %[[Q]] {{\[}}[0, 1], [2, 3, 4]] output_shape [2, 8, 2, 2, 8]
  // CHECK:      %[[K4:.*]] = tensor.expand_shape %[[K]] {{\[}}[0, 1], [2, 3]] output_shape [2, 8, 2, 8]
  // CHECK:      %[[V4:.*]] = tensor.expand_shape %[[V]] {{\[}}[0, 1], [2, 3]] output_shape [2, 8, 2, 8]
  // Scores per sequence [B, G, R, S, S].
  // CHECK:      %[[SC:.*]] = linalg.generic {indexing_maps = [#[[QMAP]], #[[KMAP]], {{.*}}]{{.*}} ins(%[[Q5]], %[[K4]] : {{.*}}) outs(%{{.*}} : tensor<2x2x2x8x8xf32>)
  // Scale 1/sqrt(8) and the mask j <= i, |i - j| < 4.
  // CHECK:      %[[MASKED:.*]] = linalg.generic {{.*}} ins(%[[SC]]
  // CHECK:        arith.constant 0.353553385 : f32
  // CHECK:        %[[I:.*]] = linalg.index 3
  // CHECK:        %[[J:.*]] = linalg.index 4
  // CHECK:        arith.cmpi sle, %[[J]], %[[I]]
  // CHECK:        arith.cmpi slt
  // CHECK:        arith.cmpi sgt
  // CHECK:        arith.constant 0xFF800000 : f32
  // CHECK:        arith.select
  // Softmax over the keys.
  // CHECK:      linalg.generic {{.*}} ins(%[[MASKED]]
  // CHECK:        arith.maximumf
  // CHECK:        math.exp
  // CHECK:        arith.addf
  // CHECK:      %[[P:.*]] = linalg.generic
  // CHECK-NEXT:   ^bb0
  // CHECK-NEXT:   arith.divf
  // CHECK:      %[[O:.*]] = linalg.generic {{.*}} ins(%[[P]], %[[V4]] : {{.*}}) outs(%{{.*}} : tensor<2x8x2x2x8xf32>)
  // CHECK:      %[[OC:.*]] = tensor.collapse_shape %[[O]] {{\[}}[0, 1], [2, 3, 4]] : tensor<2x8x2x2x8xf32> into tensor<16x32xf32>
  // CHECK:      %[[Y:.*]] = linalg.matmul ins(%[[OC]], %[[WO]]
  // CHECK:      return %[[Y]]
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 8 seq_len = 8 causal window = 4
      : (tensor<16x32xf32>, tensor<32x32xf32>, tensor<32x16xf32>,
         tensor<32x16xf32>, tensor<32x32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// Without causal or window no mask is built.
// CHECK-LABEL: func.func @attention_full
func.func @attention_full(%x: tensor<16x32xf32>, %wq: tensor<32x32xf32>,
                          %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>,
                          %wo: tensor<32x32xf32>) -> tensor<16x32xf32> {
  // CHECK-NOT:  linalg.index
  // CHECK:      return
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 4
      head_dim = 8 seq_len = 16
      : (tensor<16x32xf32>, tensor<32x32xf32>, tensor<32x32xf32>,
         tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// MLA: n = 4 heads, dn = 8, dr = 4, dv = 8, r_q = 16, r_kv = 12, S = 4.
// CHECK-LABEL: func.func @mla_attention
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x32xf32>, %[[QD:[^:]+]]: tensor<32x16xf32>, %[[QU:[^:]+]]: tensor<16x48xf32>, %[[KVD:[^:]+]]: tensor<32x16xf32>, %[[KVU:[^:]+]]: tensor<12x64xf32>, %[[OUT:[^:]+]]: tensor<32x32xf32>)
func.func @mla_attention(%x: tensor<16x32xf32>, %wqa: tensor<32x16xf32>,
                         %wqb: tensor<16x48xf32>, %wkva: tensor<32x16xf32>,
                         %wkvb: tensor<12x64xf32>, %wo: tensor<32x32xf32>)
    -> tensor<16x32xf32> {
  // CHECK:      %[[QA:.*]] = linalg.matmul ins(%[[X]], %[[QD]]
  // CHECK:      %[[Q:.*]] = linalg.matmul ins(%[[QA]], %[[QU]]
  // CHECK:      %[[Q5:.*]] = tensor.expand_shape %[[Q]] {{.*}} output_shape [4, 4, 4, 1, 12]
  // CHECK:      %[[C:.*]] = linalg.matmul ins(%[[X]], %[[KVD]]
  // CHECK:      %[[CKV:.*]] = tensor.extract_slice %[[C]][0, 0] [16, 12] [1, 1]
  // CHECK:      %[[KROPE:.*]] = tensor.extract_slice %[[C]][0, 12] [16, 4] [1, 1]
  // CHECK:      %[[KV:.*]] = linalg.matmul ins(%[[CKV]], %[[KVU]]
  // CHECK:      %[[KV4:.*]] = tensor.expand_shape %[[KV]] {{.*}} output_shape [4, 4, 4, 16]
  // CHECK:      %[[KNOPE:.*]] = tensor.extract_slice %[[KV4]][0, 0, 0, 0] [4, 4, 4, 8]
  // CHECK:      %[[V:.*]] = tensor.extract_slice %[[KV4]][0, 0, 0, 8] [4, 4, 4, 8]
  // The shared rotary key is broadcast to every head and appended.
  // CHECK:      %[[KROPE3:.*]] = tensor.expand_shape %[[KROPE]]
  // CHECK:      %[[KROPEH:.*]] = linalg.generic {{.*}} ins(%[[KROPE3]] : tensor<4x4x4xf32>) outs(%{{.*}} : tensor<4x4x4x4xf32>)
  // CHECK:      %[[K1:.*]] = tensor.insert_slice %[[KNOPE]] into %{{.*}}[0, 0, 0, 0] [4, 4, 4, 8]
  // CHECK:      %[[K:.*]] = tensor.insert_slice %[[KROPEH]] into %[[K1]][0, 0, 0, 8] [4, 4, 4, 4]
  // Scale 1/sqrt(dn + dr) = 1/sqrt(12).
  // CHECK:      linalg.generic {{.*}} ins(%[[Q5]], %[[K]] :
  // CHECK:        arith.constant 0.288675129 : f32
  // CHECK:      linalg.generic {{.*}} ins(%{{.*}}, %[[V]] : {{.*}}) outs(%{{.*}} : tensor<4x4x4x1x8xf32>)
  // CHECK:      tensor.collapse_shape {{.*}} into tensor<16x32xf32>
  // CHECK:      linalg.matmul ins(%{{.*}}, %[[OUT]]
  %y = moe.mla_attention %x, q_down %wqa, q_up %wqb, kv_down %wkva,
      kv_up %wkvb, out %wo heads = 4 qk_nope_dim = 8 qk_rope_dim = 4
      v_head_dim = 8 seq_len = 4 causal
      : (tensor<16x32xf32>, tensor<32x16xf32>, tensor<16x48xf32>,
         tensor<32x16xf32>, tensor<12x64xf32>, tensor<32x32xf32>)
      -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

//===----------------------------------------------------------------------===//
// moe.rms_norm, moe.embedding
//===----------------------------------------------------------------------===//

// Per-head norm on a 3-D input: the last dimension is reduced.
// CHECK-LABEL: func.func @rms_norm_heads
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<16x4x8xf32>, %[[W:[^:]+]]: tensor<8xf32>)
func.func @rms_norm_heads(%x: tensor<16x4x8xf32>, %w: tensor<8xf32>)
    -> tensor<16x4x8xf32> {
  // CHECK:      %[[SS:.*]] = linalg.generic {indexing_maps = [#[[ALL3]], #[[OUTER]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]]
  // CHECK:      %[[INVD:.*]] = arith.constant 1.250000e-01 : f32
  // CHECK:      %[[EPS:.*]] = arith.constant 9.99999997E-7 : f32
  // CHECK:      linalg.generic {indexing_maps = [#[[ALL3]], #[[OUTER]], #[[LAST]], #[[ALL3]]]{{.*}} ins(%[[X]], %[[SS]], %[[W]] :
  // CHECK:        arith.mulf %{{.*}}, %[[INVD]]
  // CHECK:        arith.addf %{{.*}}, %[[EPS]]
  // CHECK:        math.sqrt
  // CHECK:        arith.divf
  // CHECK:        arith.mulf
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x4x8xf32>, tensor<8xf32>
  return %y : tensor<16x4x8xf32>
}

// CHECK-LABEL: func.func @embedding_i64
// CHECK-SAME:    (%[[IDS:[^:]+]]: tensor<16xi64>, %[[TABLE:[^:]+]]: tensor<64x32xf32>)
func.func @embedding_i64(%ids: tensor<16xi64>, %table: tensor<64x32xf32>)
    -> tensor<16x32xf32> {
  // CHECK:      linalg.generic {{.*}} ins(%[[IDS]] : tensor<16xi64>) outs(%{{.*}} : tensor<16x32xf32>)
  // CHECK:        %[[ROW:.*]] = arith.index_cast %{{.*}} : i64 to index
  // CHECK:        %[[H:.*]] = linalg.index 1
  // CHECK:        tensor.extract %[[TABLE]][%[[ROW]], %[[H]]]
  %y = moe.embedding %ids, %table
      : (tensor<16xi64>, tensor<64x32xf32>) -> tensor<16x32xf32>
  return %y : tensor<16x32xf32>
}

// The lowered ops keep the location of the op they implement.
// LOC-LABEL: func.func @located
func.func @located(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> tensor<4x8xf32> {
  // LOC: linalg.fill {{.*}} loc(#[[L]])
  // LOC: linalg.generic
  // LOC: } -> tensor<4xf32> loc(#[[L]])
  // LOC: linalg.generic
  // LOC: } -> tensor<4x8xf32> loc(#[[L]])
  %y = moe.rms_norm %x, %w epsilon = 1.0e-05 : tensor<4x8xf32>, tensor<8xf32>
      loc("norm_site")
  return %y : tensor<4x8xf32>
}
