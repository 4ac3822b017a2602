// A dispatch buffer of 1.024e18 slots per expert (capacity_factor 4e15 x
// 1024 tokens x top-2 / 8 experts): it verifies, but holds more elements than
// any machine; once negative FLOPs.
func.func @f(%x: tensor<1024x512xbf16>, %idx: tensor<1024x2xi32>)
    -> tensor<8x1024000000000000000x512xbf16> {
  %buf = moe.dispatch %x, %idx capacity_factor = 4.0e15
      : (tensor<1024x512xbf16>, tensor<1024x2xi32>)
      -> tensor<8x1024000000000000000x512xbf16>
  return %buf : tensor<8x1024000000000000000x512xbf16>
}
