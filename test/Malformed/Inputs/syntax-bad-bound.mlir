func.func @f(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = arith.addf %x, %x {moe.cost = #moe.cost<flops = 1, bytes = 2, network = 0, seconds = 1.0e-06, bound = disk>} : tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}
