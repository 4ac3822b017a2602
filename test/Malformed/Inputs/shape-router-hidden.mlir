func.func @f(%x: tensor<16x64xf32>, %g: tensor<32x8xf32>) {
  %i, %w = moe.router %x, %g top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<32x8xf32>) -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return
}
