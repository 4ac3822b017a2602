// Selective recomputation (recompute-modules=, docs/CostModel.md "Phases"):
// each module frees some of an op's saved activations and re-runs the
// forward kernels that produce them in the backward pass. On the unit
// machine (Inputs/unit-machine.json: 1e12 FLOP/s, 1e11 B/s, no latency),
// training one step; `recompute` in #moe.timing is the re-run forward, and
// the summary's activations (printed first, on the module) are the saved
// bytes that remain.
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train" | FileCheck %s --check-prefix=NONE
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train recompute-modules=mla_up_proj" | FileCheck %s --check-prefix=UPPROJ
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train recompute-modules=core_attn" | FileCheck %s --check-prefix=CORE
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train recompute-modules=moe_act,mlp" | FileCheck %s --check-prefix=ACTMLP
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train recompute-modules=moe" | FileCheck %s --check-prefix=MOE
//
// Saved activations without recomputation (bf16, 2 bytes):
//   mla_attention (T = 32, H = 32, KV rank 8, 2 heads, qk 16, v 16): the
//     input, the KV latent, Q and K (qk per head), V and O (v per head),
//     and an fp32 log-sum-exp per head: 32*(32 + 8 + 2*(2*16 + 2*16))*2 +
//     32*2*4 = 11008
//   router (T = 16, H = 32, E = 4): input 1024 + scores 16*4*2 = 128
//   dispatch: indices 16*2*4 = 128
//   experts: 8 rows per expert, 32 rows x (H + 3F = 32 + 48) x 2 = 5120
//   combine: weights 16*2*2 = 64 + indices 128 = 192
//   ffn (T = 16, F = 16): 16*(32 + 48)*2 = 2560
//   total 11008 + 1152 + 128 + 5120 + 192 + 2560 = 20160
// NONE: activations = 20160
//
// mla_up_proj frees Q, K and V: 32*2*(2*16 + 16)*2 = 6144 (20160 - 6144 =
// 14016) and re-runs q_up (4.096e-8 s) and kv_up (4.352e-8 s): 8.448e-8 s
// (their forward costs, test/Cost/moe-cost-ops.mlir).
// UPPROJ: activations = 14016
// UPPROJ: moe.mla_attention {{.*}}moe.timing = #moe.timing<forward = 3.13856e-07, backward = {{[0-9.e-]+}}, recompute = 8.448e-08,
//
// core_attn frees O and the log-sum-exp: 32*2*(16*2 + 4) = 2304 (17856)
// and re-runs the core: 8.192e-8 s.
// CORE: activations = 17856
// CORE: moe.mla_attention {{.*}}recompute = 8.192e-08,
//
// moe_act frees the experts' activation output, 32*16*2 = 1024, and
// re-runs act (3*32*16*2 = 3072 bytes, 3.072e-8 s); mlp frees the dense
// FFN's all but its input, 2560 - 1024 = 1536, and re-runs its forward
// (9.216e-8 s). 20160 - 1024 - 1536 = 17600.
// ACTMLP: activations = 17600
// ACTMLP: moe.experts {{.*}}recompute = 3.072e-08,
// ACTMLP: moe.ffn {{.*}}recompute = 9.216{{0*[0-9]*}}e-08,
//
// moe keeps only the block's input: it frees the router's scores (128),
// the dispatch's indices (128), all the experts' (5120) and the combine's
// (192), 5568 (14592), and re-runs the four ops' forward.
// MOE: activations = 14592
// MOE: moe.router {{.*}}recompute = 1.728e-08,
// MOE: moe.dispatch {{.*}}recompute = 3.2e-08>
// MOE: moe.experts {{.*}}recompute = 2.4576e-07,
// MOE: moe.combine {{.*}}recompute = 3.264e-08>
func.func @mla(%x: tensor<32x32xbf16>,
               %qa: tensor<32x16xbf16> {moe.param = "qa"},
               %qb: tensor<16x32xbf16> {moe.param = "qb"},
               %kva: tensor<32x16xbf16> {moe.param = "kva"},
               %kvb: tensor<8x48xbf16> {moe.param = "kvb"},
               %wo: tensor<32x32xbf16> {moe.param = "wo"})
    -> tensor<32x32xbf16> {
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 2 qk_nope_dim = 8 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x32xbf16>, tensor<32x16xbf16>, tensor<16x32xbf16>,
         tensor<32x16xbf16>, tensor<8x48xbf16>, tensor<32x32xbf16>)
      -> tensor<32x32xbf16>
  return %y : tensor<32x32xbf16>
}

func.func @block(%x: tensor<16x32xbf16>, %g: tensor<32x4xbf16> {moe.param = "router"},
                 %wg: tensor<4x32x16xbf16> {moe.param = "g"},
                 %wu: tensor<4x32x16xbf16> {moe.param = "u"},
                 %wd: tensor<4x16x32xbf16> {moe.param = "d"},
                 %fg: tensor<32x16xbf16> {moe.param = "fg"},
                 %fu: tensor<32x16xbf16> {moe.param = "fu"},
                 %fd: tensor<16x32xbf16> {moe.param = "fd"})
    -> (tensor<16x32xbf16>, tensor<16x32xbf16>) {
  %idx, %w = moe.router %x, %g top_k = 2 scoring = softmax renormalize
      : (tensor<16x32xbf16>, tensor<32x4xbf16>) -> (tensor<16x2xi32>, tensor<16x2xbf16>)
  %buf = moe.dispatch %x, %idx capacity_factor = 2.0
      : (tensor<16x32xbf16>, tensor<16x2xi32>) -> tensor<4x16x32xbf16>
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<4x16x32xbf16>, tensor<4x32x16xbf16>, tensor<4x32x16xbf16>,
         tensor<4x16x32xbf16>) -> tensor<4x16x32xbf16>
  %o = moe.combine %y, %idx, %w
      : (tensor<4x16x32xbf16>, tensor<16x2xi32>, tensor<16x2xbf16>) -> tensor<16x32xbf16>
  %f = moe.ffn %x, gate %fg, up %fu, down %fd activation = swiglu
      : (tensor<16x32xbf16>, tensor<32x16xbf16>, tensor<32x16xbf16>, tensor<16x32xbf16>) -> tensor<16x32xbf16>
  return %o, %f : tensor<16x32xbf16>, tensor<16x32xbf16>
}
