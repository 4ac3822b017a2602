func.func @f(%x: tensor<16x64xf32>, %g: tensor<64x8xf32>) {
  %i, %w = moe.router %x, %g top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8x
