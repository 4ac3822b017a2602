// Found by moe-fuzz (docs/Fuzzing.md): --moe-gpu-plan multiplied the dynamic
// capacity of an expert buffer (ShapedType::kDynamic, INT64_MIN) by ep, a
// signed overflow (UBSan), and divided dynamic sizes by ep into invalid
// types. Ops the plan reshapes must now have static shapes.
//
// RUN: not moe-opt %s --moe-gpu-plan=ep=2 2>&1 | FileCheck %s
// RUN: not moe-opt %s --moe-gpu-plan=ep=8 2>&1 | FileCheck %s

func.func @route(%x: tensor<16x64xf32>, %gate: tensor<64x8xf32>)
    -> (tensor<16x2xi32>, tensor<16x2xf32>) {
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x64xf32>, tensor<64x8xf32>)
      -> (tensor<16x2xi32>, tensor<16x2xf32>)
  return %idx, %w : tensor<16x2xi32>, tensor<16x2xf32>
}

// CHECK: error: 'moe.experts' op has the dynamic shape 'tensor<8x?x64xf32>'; the GPU plan needs static shapes
func.func @experts(%buf: tensor<8x?x64xf32>, %wg: tensor<8x64x32xf32>,
                   %wu: tensor<8x64x32xf32>, %wd: tensor<8x32x64xf32>)
    -> tensor<8x?x64xf32> {
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x?x64xf32>, tensor<8x64x32xf32>, tensor<8x64x32xf32>,
         tensor<8x32x64xf32>) -> tensor<8x?x64xf32>
  return %y : tensor<8x?x64xf32>
}
