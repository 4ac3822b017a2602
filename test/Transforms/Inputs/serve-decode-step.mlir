// Inputs/serve-model.mlir as the serving search reshapes it for one decode
// step of one sequence over 80 cached tokens: one new token, caches as
// arguments, a dropless dispatch (each expert may receive every token).
func.func @model(%x: tensor<1x64xbf16>,
                 %wq: tensor<64x64xbf16> {moe.param = "wq"},
                 %wk: tensor<64x32xbf16> {moe.param = "wk"},
                 %wv: tensor<64x32xbf16> {moe.param = "wv"},
                 %wo: tensor<64x64xbf16> {moe.param = "wo"},
                 %g: tensor<64x8xbf16> {moe.param = "router"},
                 %wg: tensor<8x64x32xbf16> {moe.param = "experts.gate"},
                 %wu: tensor<8x64x32xbf16> {moe.param = "experts.up"},
                 %wd: tensor<8x32x64xbf16> {moe.param = "experts.down"},
                 %kc: tensor<1x80x32xbf16>, %vc: tensor<1x80x32xbf16>)
    -> tensor<1x64xbf16> {
  %a = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 16 seq_len = 1 causal
      : (tensor<1x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>, tensor<1x80x32xbf16>,
         tensor<1x80x32xbf16>) -> tensor<1x64xbf16>
  %idx, %w = moe.router %a, %g top_k = 2 scoring = softmax renormalize
      : (tensor<1x64xbf16>, tensor<64x8xbf16>)
      -> (tensor<1x2xi32>, tensor<1x2xbf16>)
  %buf = moe.dispatch %a, %idx dropless
      : (tensor<1x64xbf16>, tensor<1x2xi32>) -> tensor<8x1x64xbf16>
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x1x64xbf16>, tensor<8x64x32xbf16>, tensor<8x64x32xbf16>,
         tensor<8x32x64xbf16>) -> tensor<8x1x64xbf16>
  %o = moe.combine %y, %idx, %w
      : (tensor<8x1x64xbf16>, tensor<1x2xi32>, tensor<1x2xbf16>)
      -> tensor<1x64xbf16>
  return %o : tensor<1x64xbf16>
}
