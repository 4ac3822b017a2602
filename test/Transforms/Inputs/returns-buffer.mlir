// A fragment that returns its dispatch buffer: 16 tokens, capacity
// ceil(1.25 * 16 * 2 / 8) = 5 for the program, a different one per device.
func.func @dispatch(%x: tensor<16x32xf32>,
                    %g: tensor<32x8xf32> {moe.param = "router"})
    -> tensor<8x5x32xf32> {
  %idx, %w = moe.router %x, %g top_k = 2 scoring = softmax
      : (tensor<16x32xf32>, tensor<32x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  %buf = moe.dispatch %x, %idx capacity_factor = 1.25
      : (tensor<16x32xf32>, tensor<16x2xi32>) -> tensor<8x5x32xf32>
  return %buf : tensor<8x5x32xf32>
}
