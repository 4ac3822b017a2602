func.func @f(%x: tensor<16x64xf32>, %w: tensor<32xf32>) -> tensor<16x64xf32> {
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x64xf32>, tensor<32xf32>
  return %y : tensor<16x64xf32>
}
