// Two MoE layers over T = 512 tokens, H = 32, E = 8 experts of F = 16,
// top_k = 2, dropless dispatch, bf16; planned with ep=8 by the tests.
func.func @layers(%x: tensor<512x32xbf16>,
                  %g0: tensor<32x8xbf16> {moe.param = "layers.0.router"},
                  %wg0: tensor<8x32x16xbf16> {moe.param = "layers.0.gate"},
                  %wu0: tensor<8x32x16xbf16> {moe.param = "layers.0.up"},
                  %wd0: tensor<8x16x32xbf16> {moe.param = "layers.0.down"},
                  %g1: tensor<32x8xbf16> {moe.param = "layers.1.router"},
                  %wg1: tensor<8x32x16xbf16> {moe.param = "layers.1.gate"},
                  %wu1: tensor<8x32x16xbf16> {moe.param = "layers.1.up"},
                  %wd1: tensor<8x16x32xbf16> {moe.param = "layers.1.down"})
    -> tensor<512x32xbf16> {
  %i0, %w0 = moe.router %x, %g0 top_k = 2 scoring = softmax renormalize
      : (tensor<512x32xbf16>, tensor<32x8xbf16>)
      -> (tensor<512x2xi32>, tensor<512x2xbf16>) loc("layers.0.router")
  %b0 = moe.dispatch %x, %i0 dropless
      : (tensor<512x32xbf16>, tensor<512x2xi32>) -> tensor<8x512x32xbf16>
      loc("layers.0.dispatch")
  %y0 = moe.experts %b0, gate %wg0, up %wu0, down %wd0 activation = swiglu
      : (tensor<8x512x32xbf16>, tensor<8x32x16xbf16>,
         tensor<8x32x16xbf16>, tensor<8x16x32xbf16>)
      -> tensor<8x512x32xbf16> loc("layers.0.experts")
  %o0 = moe.combine %y0, %i0, %w0
      : (tensor<8x512x32xbf16>, tensor<512x2xi32>, tensor<512x2xbf16>)
      -> tensor<512x32xbf16> loc("layers.0.combine")
  %i1, %w1 = moe.router %o0, %g1 top_k = 2 scoring = softmax renormalize
      : (tensor<512x32xbf16>, tensor<32x8xbf16>)
      -> (tensor<512x2xi32>, tensor<512x2xbf16>) loc("layers.1.router")
  %b1 = moe.dispatch %o0, %i1 dropless
      : (tensor<512x32xbf16>, tensor<512x2xi32>) -> tensor<8x512x32xbf16>
      loc("layers.1.dispatch")
  %y1 = moe.experts %b1, gate %wg1, up %wu1, down %wd1 activation = swiglu
      : (tensor<8x512x32xbf16>, tensor<8x32x16xbf16>,
         tensor<8x32x16xbf16>, tensor<8x16x32xbf16>)
      -> tensor<8x512x32xbf16> loc("layers.1.experts")
  %o1 = moe.combine %y1, %i1, %w1
      : (tensor<8x512x32xbf16>, tensor<512x2xi32>, tensor<512x2xbf16>)
      -> tensor<512x32xbf16> loc("layers.1.combine")
  return %o1 : tensor<512x32xbf16>
}
