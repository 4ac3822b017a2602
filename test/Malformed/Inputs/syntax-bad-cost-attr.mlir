func.func @f(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  return {moe.cost = #moe.cost<flops = -1, bytes = 0, network = 0, seconds = 0, bound = none>} %x : tensor<16x64xf32>
}
