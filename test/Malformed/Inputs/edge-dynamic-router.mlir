// A router on a dynamic token count, costed for training.
func.func @f(%x: tensor<?x64xf32>, %gate: tensor<64x8xf32> {moe.param = "router"})
    -> (tensor<?x2xi32>, tensor<?x2xf32>) {
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<?x64xf32>, tensor<64x8xf32>) -> (tensor<?x2xi32>, tensor<?x2xf32>)
  return %idx, %w : tensor<?x2xi32>, tensor<?x2xf32>
}
