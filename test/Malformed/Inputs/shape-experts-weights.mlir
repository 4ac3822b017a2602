func.func @f(%buf: tensor<8x4x64xf32>, %wg: tensor<8x64x32xf32>,
             %wu: tensor<8x64x16xf32>, %wd: tensor<8x32x64xf32>) -> tensor<8x4x64xf32> {
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x4x64xf32>, tensor<8x64x32xf32>, tensor<8x64x16xf32>,
         tensor<8x32x64xf32>) -> tensor<8x4x64xf32>
  return %y : tensor<8x4x64xf32>
}
