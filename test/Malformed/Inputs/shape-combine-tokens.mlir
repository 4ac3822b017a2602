func.func @f(%out: tensor<8x4x64xf32>, %idx: tensor<16x2xi32>, %w: tensor<15x2xf32>) -> tensor<16x64xf32> {
  %y = moe.combine %out, %idx, %w
      : (tensor<8x4x64xf32>, tensor<16x2xi32>, tensor<15x2xf32>) -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}
