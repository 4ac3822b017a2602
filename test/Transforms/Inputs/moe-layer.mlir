// One MoE layer for the plan tests: T = 64 tokens, H = 1024, E = 8 experts,
// top_k = 2, expert FFN 16, bf16.
func.func @layer(%x: tensor<64x1024xbf16>,
                 %g: tensor<1024x8xbf16> {moe.param = "router"},
                 %wg: tensor<8x1024x16xbf16> {moe.param = "experts.gate"},
                 %wu: tensor<8x1024x16xbf16> {moe.param = "experts.up"},
                 %wd: tensor<8x16x1024xbf16> {moe.param = "experts.down"})
    -> tensor<64x1024xbf16> {
  %idx, %w = moe.router %x, %g top_k = 2 scoring = softmax renormalize
      : (tensor<64x1024xbf16>, tensor<1024x8xbf16>)
      -> (tensor<64x2xi32>, tensor<64x2xbf16>)
  %buf = moe.dispatch %x, %idx capacity_factor = 1.0
      : (tensor<64x1024xbf16>, tensor<64x2xi32>) -> tensor<8x16x1024xbf16>
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x16x1024xbf16>, tensor<8x1024x16xbf16>,
         tensor<8x1024x16xbf16>, tensor<8x16x1024xbf16>)
      -> tensor<8x16x1024xbf16>
  %o = moe.combine %y, %idx, %w
      : (tensor<8x16x1024xbf16>, tensor<64x2xi32>, tensor<64x2xbf16>)
      -> tensor<64x1024xbf16>
  %r = arith.addf %x, %o : tensor<64x1024xbf16>
  return %r : tensor<64x1024xbf16>
}
