// RUN: moe-opt %s --convert-moe-to-linalg | FileCheck %s

// The structure --convert-moe-to-linalg gives attention steps with a KV cache:
// the cached keys/values (latents for MLA), converted to the compute type,
// come before the new ones along the sequence axis, and new token i sits at
// position L + i in the mask. run-kv-cache.test checks the values.

// CHECK-DAG: #[[QMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d1, d2, d5)>
// CHECK-DAG: #[[KMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d4, d1, d5)>

// GQA: 4 query heads on 2 KV heads of 8, B = 2 sequences of S = 2 new
// tokens, L = 3 cached tokens in f8E4M3FN, causal with a window of 4.
// CHECK-LABEL: func.func @attention_cached
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<4x32xf32>, %[[WQ:[^:]+]]: tensor<32x32xf32>, %[[WK:[^:]+]]: tensor<32x16xf32>, %[[WV:[^:]+]]: tensor<32x16xf32>, %[[WO:[^:]+]]: tensor<32x32xf32>, %[[KC:[^:]+]]: tensor<2x3x16xf8E4M3FN>, %[[VC:[^:]+]]: tensor<2x3x16xf8E4M3FN>)
func.func @attention_cached(%x: tensor<4x32xf32>, %wq: tensor<32x32xf32>,
                            %wk: tensor<32x16xf32>, %wv: tensor<32x16xf32>,
                            %wo: tensor<32x32xf32>,
                            %kc: tensor<2x3x16xf8E4M3FN>,
                            %vc: tensor<2x3x16xf8E4M3FN>) -> tensor<4x32xf32> {
  // The new tokens' projections, as without a cache.
  // CHECK:      %[[Q:.*]] = linalg.matmul ins(%[[X]], %[[WQ]]
  // CHECK:      %[[K:.*]] = linalg.matmul ins(%[[X]], %[[WK]]
  // CHECK:      %[[V:.*]] = linalg.matmul ins(%[[X]], %[[WV]]
  // CHECK:      %[[Q5:.*]] = tensor.expand_shape %[[Q]] {{\[}}[0, 1], [2, 3, 4]] output_shape [2, 2, 2, 2, 8]
  // CHECK:      %[[K4:.*]] = tensor.expand_shape %[[K]] {{\[}}[0, 1], [2, 3]] output_shape [2, 2, 2, 8]
  // CHECK:      %[[V4:.*]] = tensor.expand_shape %[[V]] {{\[}}[0, 1], [2, 3]] output_shape [2, 2, 2, 8]
  // Keys: the cache, widened to f32 and split into heads, then the new keys.
  // CHECK:      %[[KCF:.*]] = linalg.generic {{.*}} ins(%[[KC]] : tensor<2x3x16xf8E4M3FN>) outs(%{{.*}} : tensor<2x3x16xf32>)
  // CHECK:        arith.extf %{{.*}} : f8E4M3FN to f32
  // CHECK:      %[[KC4:.*]] = tensor.expand_shape %[[KCF]] {{\[}}[0], [1], [2, 3]] output_shape [2, 3, 2, 8]
  // CHECK:      %[[KE:.*]] = tensor.empty() : tensor<2x5x2x8xf32>
  // CHECK:      %[[KP:.*]] = tensor.insert_slice %[[KC4]] into %[[KE]][0, 0, 0, 0] [2, 3, 2, 8] [1, 1, 1, 1]
  // CHECK:      %[[KALL:.*]] = tensor.insert_slice %[[K4]] into %[[KP]][0, 3, 0, 0] [2, 2, 2, 8] [1, 1, 1, 1]
  // Values likewise.
  // CHECK:      %[[VCF:.*]] = linalg.generic {{.*}} ins(%[[VC]] : tensor<2x3x16xf8E4M3FN>)
  // CHECK:      %[[VC4:.*]] = tensor.expand_shape %[[VCF]] {{\[}}[0], [1], [2, 3]] output_shape [2, 3, 2, 8]
  // CHECK:      %[[VP:.*]] = tensor.insert_slice %[[VC4]] into %{{.*}}[0, 0, 0, 0] [2, 3, 2, 8]
  // CHECK:      %[[VALL:.*]] = tensor.insert_slice %[[V4]] into %[[VP]][0, 3, 0, 0] [2, 2, 2, 8]
  // Scores [B, G, R, S, L + S].
  // CHECK:      %[[SC:.*]] = linalg.generic {indexing_maps = [#[[QMAP]], #[[KMAP]], {{.*}}]{{.*}} ins(%[[Q5]], %[[KALL]] : {{.*}}) outs(%{{.*}} : tensor<2x2x2x2x5xf32>)
  // Query i is at position i + 3: j <= i + 3, |i + 3 - j| < 4.
  // CHECK:      linalg.generic {{.*}} ins(%[[SC]]
  // CHECK:        %[[I:.*]] = linalg.index 3
  // CHECK:        %[[L:.*]] = arith.constant 3 : index
  // CHECK:        %[[POS:.*]] = arith.addi %[[I]], %[[L]]
  // CHECK:        %[[J:.*]] = linalg.index 4
  // CHECK:        arith.cmpi sle, %[[J]], %[[POS]]
  // CHECK:        arith.subi %[[POS]], %[[J]]
  // CHECK:        arith.cmpi slt
  // CHECK:        arith.cmpi sgt
  // CHECK:        arith.select
  // Softmax over the L + S keys.
  // CHECK:        arith.maximumf
  // CHECK:        math.exp
  // CHECK:        arith.addf
  // CHECK:      %[[P:.*]] = linalg.generic
  // CHECK-NEXT:   ^bb0
  // CHECK-NEXT:   arith.divf
  // CHECK:      %[[O:.*]] = linalg.generic {{.*}} ins(%[[P]], %[[VALL]] : tensor<2x2x2x2x5xf32>, tensor<2x5x2x8xf32>) outs(%{{.*}} : tensor<2x2x2x2x8xf32>)
  // CHECK:      %[[OC:.*]] = tensor.collapse_shape %[[O]] {{\[}}[0, 1], [2, 3, 4]] : tensor<2x2x2x2x8xf32> into tensor<4x32xf32>
  // CHECK:      %[[Y:.*]] = linalg.matmul ins(%[[OC]], %[[WO]]
  // CHECK:      return %[[Y]]
  %y = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 8 seq_len = 2 causal window = 4
      : (tensor<4x32xf32>, tensor<32x32xf32>, tensor<32x16xf32>,
         tensor<32x16xf32>, tensor<32x32xf32>, tensor<2x3x16xf8E4M3FN>,
         tensor<2x3x16xf8E4M3FN>) -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// A cache in the compute type is used as is.
// CHECK-LABEL: func.func @attention_cached_f32
// CHECK-NOT:   arith.extf
// CHECK:       return
func.func @attention_cached_f32(%x: tensor<2x32xf32>, %wq: tensor<32x32xf32>,
                                %wk: tensor<32x16xf32>, %wv: tensor<32x16xf32>,
                                %wo: tensor<32x32xf32>,
                                %kc: tensor<2x3x16xf32>,
                                %vc: tensor<2x3x16xf32>) -> tensor<2x32xf32> {
  %y = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 8 seq_len = 1 causal
      : (tensor<2x32xf32>, tensor<32x32xf32>, tensor<32x16xf32>,
         tensor<32x16xf32>, tensor<32x32xf32>, tensor<2x3x16xf32>,
         tensor<2x3x16xf32>) -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}

// MLA decode: n = 4 heads, dn = 8, dr = 4, dv = 8, r_kv = 12, B = 2, S = 1,
// L = 5 cached rows of [latent, rope key] in bf16.
// CHECK-LABEL: func.func @mla_cached
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<2x32xf32>, %[[QU:[^:]+]]: tensor<32x48xf32>, %[[KVD:[^:]+]]: tensor<32x16xf32>, %[[KVU:[^:]+]]: tensor<12x64xf32>, %[[OUT:[^:]+]]: tensor<32x32xf32>, %[[C:[^:]+]]: tensor<2x5x16xbf16>)
func.func @mla_cached(%x: tensor<2x32xf32>, %wqb: tensor<32x48xf32>,
                      %wkva: tensor<32x16xf32>, %wkvb: tensor<12x64xf32>,
                      %wo: tensor<32x32xf32>, %c: tensor<2x5x16xbf16>)
    -> tensor<2x32xf32> {
  // CHECK:      %[[Q:.*]] = linalg.matmul ins(%[[X]], %[[QU]]
  // CHECK:      %[[Q5:.*]] = tensor.expand_shape %[[Q]] {{.*}} output_shape [2, 1, 4, 1, 12]
  // The new tokens' latents follow the cached ones: [B * (L + S), r_kv + dr].
  // CHECK:      %[[LAT:.*]] = linalg.matmul ins(%[[X]], %[[KVD]]
  // CHECK:      %[[LAT3:.*]] = tensor.expand_shape %[[LAT]] {{\[}}[0, 1], [2]] output_shape [2, 1, 16]
  // CHECK:      %[[CF:.*]] = linalg.generic {{.*}} ins(%[[C]] : tensor<2x5x16xbf16>) outs(%{{.*}} : tensor<2x5x16xf32>)
  // CHECK:        arith.extf %{{.*}} : bf16 to f32
  // CHECK:      %[[CP:.*]] = tensor.insert_slice %[[CF]] into %{{.*}}[0, 0, 0] [2, 5, 16] [1, 1, 1] : tensor<2x5x16xf32> into tensor<2x6x16xf32>
  // CHECK:      %[[CALL:.*]] = tensor.insert_slice %[[LAT3]] into %[[CP]][0, 5, 0] [2, 1, 16] [1, 1, 1]
  // CHECK:      %[[ALL:.*]] = tensor.collapse_shape %[[CALL]] {{\[}}[0, 1], [2]] : tensor<2x6x16xf32> into tensor<12x16xf32>
  // Expanded with kv_up over all L + S positions.
  // CHECK:      %[[CKV:.*]] = tensor.extract_slice %[[ALL]][0, 0] [12, 12] [1, 1]
  // CHECK:      %[[KROPE:.*]] = tensor.extract_slice %[[ALL]][0, 12] [12, 4] [1, 1]
  // CHECK:      %[[KV:.*]] = linalg.matmul ins(%[[CKV]], %[[KVU]]
  // CHECK:      %[[KV4:.*]] = tensor.expand_shape %[[KV]] {{.*}} output_shape [2, 6, 4, 16]
  // CHECK:      %[[V:.*]] = tensor.extract_slice %[[KV4]][0, 0, 0, 8] [2, 6, 4, 8]
  // CHECK:      %[[K:.*]] = tensor.insert_slice {{.*}} into %{{.*}}[0, 0, 0, 8] [2, 6, 4, 4]
  // CHECK:      linalg.generic {{.*}} ins(%[[Q5]], %[[K]] : {{.*}}) outs(%{{.*}} : tensor<2x4x1x1x6xf32>)
  // Causal: j <= i + 5.
  // CHECK:        %[[I:.*]] = linalg.index 3
  // CHECK:        %[[L:.*]] = arith.constant 5 : index
  // CHECK:        %[[POS:.*]] = arith.addi %[[I]], %[[L]]
  // CHECK:        %[[J:.*]] = linalg.index 4
  // CHECK:        arith.cmpi sle, %[[J]], %[[POS]]
  // CHECK:      linalg.generic {{.*}} ins(%{{.*}}, %[[V]] : {{.*}}) outs(%{{.*}} : tensor<2x1x4x1x8xf32>)
  // CHECK:      tensor.collapse_shape {{.*}} into tensor<2x32xf32>
  // CHECK:      linalg.matmul ins(%{{.*}}, %[[OUT]]
  %y = moe.mla_attention %x, q_up %wqb, kv_down %wkva, kv_up %wkvb, out %wo
      cache(%c) heads = 4 qk_nope_dim = 8 qk_rope_dim = 4 v_head_dim = 8
      seq_len = 1 causal
      : (tensor<2x32xf32>, tensor<32x48xf32>, tensor<32x16xf32>,
         tensor<12x64xf32>, tensor<32x32xf32>, tensor<2x5x16xbf16>)
      -> tensor<2x32xf32>
  return %y : tensor<2x32xf32>
}
