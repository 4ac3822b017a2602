// An attention block over 4 sequences of 16 tokens (T = 64), with a router
// so the plan finds the token count.
func.func @attn(%x: tensor<64x64xbf16>,
                %wq: tensor<64x64xbf16> {moe.param = "wq"},
                %wk: tensor<64x32xbf16> {moe.param = "wk"},
                %wv: tensor<64x32xbf16> {moe.param = "wv"},
                %wo: tensor<64x64xbf16> {moe.param = "wo"},
                %g: tensor<64x4xbf16> {moe.param = "router"})
    -> (tensor<64x64xbf16>, tensor<64x1xi32>) {
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<64x64xbf16>
  %idx, %w = moe.router %y, %g top_k = 1 scoring = softmax
      : (tensor<64x64xbf16>, tensor<64x4xbf16>)
      -> (tensor<64x1xi32>, tensor<64x1xbf16>)
  return %y, %idx : tensor<64x64xbf16>, tensor<64x1xi32>
}
