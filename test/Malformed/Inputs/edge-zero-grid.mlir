// A device grid with a zero-sized axis and a collective over it.
shard.grid @gpus(shape = 2x0)
func.func @f(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %r = shard.all_reduce %x on @gpus grid_axes = [0] : tensor<8x16xf32> -> tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}
