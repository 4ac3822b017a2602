func.func @f(%x: tensor<16x64xf32>, %idx: tensor<16x2xi32>) -> tensor<8x5x64xf32> {
  %buf = moe.dispatch %x, %idx capacity_factor = 2.0
      : (tensor<16x64xf32>, tensor<16x2xi32>) -> tensor<8x5x64xf32>
  return %buf : tensor<8x5x64xf32>
}
