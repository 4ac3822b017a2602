// A small MoE block (T = 1024 tokens, H = 512, E = 8 experts, top-2, F = 256)
// for the consumer example (examples/consumer/CMakeLists.txt).
func.func @moe_block(%x: tensor<1024x512xbf16>,
                     %gate: tensor<512x8xbf16> {moe.param = "router"},
                     %w_gate: tensor<8x512x256xbf16> {moe.param = "experts.gate"},
                     %w_up: tensor<8x512x256xbf16> {moe.param = "experts.up"},
                     %w_down: tensor<8x256x512xbf16> {moe.param = "experts.down"})
    -> tensor<1024x512xbf16> {
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<1024x512xbf16>, tensor<512x8xbf16>)
      -> (tensor<1024x2xi32>, tensor<1024x2xbf16>)
  %buf = moe.dispatch %x, %idx capacity_factor = 1.0
      : (tensor<1024x512xbf16>, tensor<1024x2xi32>) -> tensor<8x256x512xbf16>
  %out = moe.experts %buf, gate %w_gate, up %w_up, down %w_down
      activation = swiglu
      : (tensor<8x256x512xbf16>, tensor<8x512x256xbf16>,
         tensor<8x512x256xbf16>, tensor<8x256x512xbf16>)
      -> tensor<8x256x512xbf16>
  %y = moe.combine %out, %idx, %w
      : (tensor<8x256x512xbf16>, tensor<1024x2xi32>, tensor<1024x2xbf16>)
      -> tensor<1024x512xbf16>
  %r = arith.addf %x, %y : tensor<1024x512xbf16>
  return %r : tensor<1024x512xbf16>
}
