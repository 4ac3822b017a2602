// One decoder layer cannot fill 8 pipeline stages (moe-cost-pipeline.mlir).
module attributes {moe.plan = #moe.gpu_plan<pp = 8>} {
  func.func @step(%x: tensor<4x256xf32>, %w0: tensor<256xf32> {moe.param = "w0"}) -> tensor<4x256xf32> {
    %a = moe.rms_norm %x, %w0 epsilon = 1.0e-06 : tensor<4x256xf32>, tensor<256xf32> loc("layers.0.norm")
    return %a : tensor<4x256xf32>
  }
}
