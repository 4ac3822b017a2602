// Programs that tensor parallelism cannot shard (moe-gpu-plan-invalid.mlir).

// 5 FFN columns do not split over tp = 2.
func.func @odd_width(%x: tensor<8x16xf32>, %g: tensor<16x4xf32> {moe.param = "router"},
                     %up: tensor<16x5xf32> {moe.param = "up"},
                     %down: tensor<5x16xf32> {moe.param = "down"}) -> tensor<8x16xf32> {
  %idx, %w = moe.router %x, %g top_k = 1 scoring = softmax
      : (tensor<8x16xf32>, tensor<16x4xf32>) -> (tensor<8x1xi32>, tensor<8x1xf32>)
  %y = moe.ffn %x, up %up, down %down activation = relu
      : (tensor<8x16xf32>, tensor<16x5xf32>, tensor<5x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// Two FFNs share their weights: a shard is re-typed once, for one op.
func.func @shared(%x: tensor<8x16xf32>, %g: tensor<16x4xf32> {moe.param = "router"},
                  %up: tensor<16x8xf32> {moe.param = "up"},
                  %down: tensor<8x16xf32> {moe.param = "down"}) -> tensor<8x16xf32> {
  %idx, %w = moe.router %x, %g top_k = 1 scoring = softmax
      : (tensor<8x16xf32>, tensor<16x4xf32>) -> (tensor<8x1xi32>, tensor<8x1xf32>)
  %y = moe.ffn %x, up %up, down %down activation = relu
      : (tensor<8x16xf32>, tensor<16x8xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %z = moe.ffn %y, up %up, down %down activation = relu
      : (tensor<8x16xf32>, tensor<16x8xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %z : tensor<8x16xf32>
}
