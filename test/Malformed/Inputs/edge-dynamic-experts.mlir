// Experts whose count is dynamic.
func.func @f(%buf: tensor<?x16x64xf32>, %g: tensor<?x64x32xf32> {moe.param = "experts.gate"},
             %u: tensor<?x64x32xf32> {moe.param = "experts.up"},
             %d: tensor<?x32x64xf32> {moe.param = "experts.down"}) -> tensor<?x16x64xf32> {
  %o = moe.experts %buf, gate %g, up %u, down %d activation = swiglu
      : (tensor<?x16x64xf32>, tensor<?x64x32xf32>, tensor<?x64x32xf32>, tensor<?x32x64xf32>)
      -> tensor<?x16x64xf32>
  return %o : tensor<?x16x64xf32>
}
