// One MoE layer with node-limited routing for the dispatcher tests: T = 64
// tokens, H = 1024, E = 16 experts in 4 groups, top_k = 4 all from 1 group
// (groups(4, 1)), expert FFN 16, bf16.
func.func @layer(%x: tensor<64x1024xbf16>,
                 %g: tensor<1024x16xbf16> {moe.param = "router"},
                 %wg: tensor<16x1024x16xbf16> {moe.param = "experts.gate"},
                 %wu: tensor<16x1024x16xbf16> {moe.param = "experts.up"},
                 %wd: tensor<16x16x1024xbf16> {moe.param = "experts.down"})
    -> tensor<64x1024xbf16> {
  %idx, %w = moe.router %x, %g top_k = 4 scoring = sigmoid renormalize
      groups(4, 1)
      : (tensor<64x1024xbf16>, tensor<1024x16xbf16>)
      -> (tensor<64x4xi32>, tensor<64x4xbf16>)
  %buf = moe.dispatch %x, %idx capacity_factor = 1.0
      : (tensor<64x1024xbf16>, tensor<64x4xi32>) -> tensor<16x16x1024xbf16>
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<16x16x1024xbf16>, tensor<16x1024x16xbf16>,
         tensor<16x1024x16xbf16>, tensor<16x16x1024xbf16>)
      -> tensor<16x16x1024xbf16>
  %o = moe.combine %y, %idx, %w
      : (tensor<16x16x1024xbf16>, tensor<64x4xi32>, tensor<64x4xbf16>)
      -> tensor<64x1024xbf16>
  %r = arith.addf %x, %o : tensor<64x1024xbf16>
  return %r : tensor<64x1024xbf16>
}
