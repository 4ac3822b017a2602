// A one-layer MoE model for the serving search: 16 tokens (one sequence of
// 16), H = 64, GQA attention (4 heads sharing 2 KV heads of 16), 8 experts
// top-2 with FFN 32, bf16.
func.func @model(%x: tensor<16x64xbf16>,
                 %wq: tensor<64x64xbf16> {moe.param = "wq"},
                 %wk: tensor<64x32xbf16> {moe.param = "wk"},
                 %wv: tensor<64x32xbf16> {moe.param = "wv"},
                 %wo: tensor<64x64xbf16> {moe.param = "wo"},
                 %g: tensor<64x8xbf16> {moe.param = "router"},
                 %wg: tensor<8x64x32xbf16> {moe.param = "experts.gate"},
                 %wu: tensor<8x64x32xbf16> {moe.param = "experts.up"},
                 %wd: tensor<8x32x64xbf16> {moe.param = "experts.down"})
    -> tensor<16x64xbf16> {
  %a = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<16x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<16x64xbf16>
  %idx, %w = moe.router %a, %g top_k = 2 scoring = softmax renormalize
      : (tensor<16x64xbf16>, tensor<64x8xbf16>)
      -> (tensor<16x2xi32>, tensor<16x2xbf16>)
  %buf = moe.dispatch %a, %idx capacity_factor = 1.25
      : (tensor<16x64xbf16>, tensor<16x2xi32>) -> tensor<8x5x64xbf16>
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x5x64xbf16>, tensor<8x64x32xbf16>, tensor<8x64x32xbf16>,
         tensor<8x32x64xbf16>) -> tensor<8x5x64xbf16>
  %o = moe.combine %y, %idx, %w
      : (tensor<8x5x64xbf16>, tensor<16x2xi32>, tensor<16x2xbf16>)
      -> tensor<16x64xbf16>
  return %o : tensor<16x64xbf16>
}
