// A zero-sized grid axis under an upstream op whose verifier divides by it.
shard.grid @gpus(shape = 0x4)
func.func @f(%x: tensor<8x16xf32>) -> tensor<8x4xf32> {
  %r = shard.all_slice %x on @gpus grid_axes = [1] slice_axis = 1 : tensor<8x16xf32> -> tensor<8x4xf32>
  return %r : tensor<8x4xf32>
}
