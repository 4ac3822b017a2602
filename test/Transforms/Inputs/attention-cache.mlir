// A decode step of two sequences (one new token each over 8 cached ones),
// with a router so the plan finds the token count.
func.func @decode(%x: tensor<2x64xbf16>,
                  %wq: tensor<64x64xbf16> {moe.param = "wq"},
                  %wk: tensor<64x32xbf16> {moe.param = "wk"},
                  %wv: tensor<64x32xbf16> {moe.param = "wv"},
                  %wo: tensor<64x64xbf16> {moe.param = "wo"},
                  %kc: tensor<2x8x32xbf16>, %vc: tensor<2x8x32xbf16>,
                  %g: tensor<64x4xbf16> {moe.param = "router"})
    -> (tensor<2x64xbf16>, tensor<2x1xi32>) {
  %y = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 16 seq_len = 1 causal
      : (tensor<2x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>, tensor<2x8x32xbf16>,
         tensor<2x8x32xbf16>) -> tensor<2x64xbf16>
  %idx, %w = moe.router %y, %g top_k = 1 scoring = softmax
      : (tensor<2x64xbf16>, tensor<64x4xbf16>)
      -> (tensor<2x1xi32>, tensor<2x1xbf16>)
  return %y, %idx : tensor<2x64xbf16>, tensor<2x1xi32>
}
