// DeepEP's internode benchmark layer (tests/legacy/test_internode.py
// defaults): 4096 tokens per GPU, hidden 7168, 256 experts, top-8 from
// min(nodes, 4) of `nodes` groups, on 32 GPUs (4 nodes): 131072 tokens.
func.func @layer(%x: tensor<131072x7168xbf16>,
                 %g: tensor<7168x256xbf16> {moe.param = "router"},
                 %wu: tensor<256x7168x128xbf16> {moe.param = "experts.up"},
                 %wd: tensor<256x128x7168xbf16> {moe.param = "experts.down"})
    -> tensor<131072x7168xbf16> {
  %idx, %w = moe.router %x, %g top_k = 8 scoring = sigmoid renormalize
      groups(4, 4)
      : (tensor<131072x7168xbf16>, tensor<7168x256xbf16>)
      -> (tensor<131072x8xi32>, tensor<131072x8xbf16>)
  %buf = moe.dispatch %x, %idx capacity_factor = 1.0
      : (tensor<131072x7168xbf16>, tensor<131072x8xi32>) -> tensor<256x4096x7168xbf16>
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<256x4096x7168xbf16>, tensor<256x7168x128xbf16>,
         tensor<256x128x7168xbf16>)
      -> tensor<256x4096x7168xbf16>
  %o = moe.combine %y, %idx, %w
      : (tensor<256x4096x7168xbf16>, tensor<131072x8xi32>, tensor<131072x8xbf16>)
      -> tensor<131072x7168xbf16>
  return %o : tensor<131072x7168xbf16>
}
