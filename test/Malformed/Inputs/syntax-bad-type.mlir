func.func @f(%x: tensor<16xx64xf32>) {
  return
}
