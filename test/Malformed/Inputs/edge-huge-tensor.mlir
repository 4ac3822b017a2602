// A tensor whose element count overflows 64 bits.
func.func @f(%x: tensor<9223372036854775807x2xf32>) -> tensor<9223372036854775807x2xf32> {
  %r = arith.addf %x, %x : tensor<9223372036854775807x2xf32>
  return %r : tensor<9223372036854775807x2xf32>
}
