// Found by moe-fuzz (docs/Fuzzing.md): --moe-gpu-plan gave every
// moe.dispatch the capacity of the program's per-device token count, also a
// dispatch over fewer tokens than the program's T (here 2 of 16), and left
// IR the verifier rejects ("capacity of the result (8) must equal ... (1)").
// A dispatch's capacity now follows its own (re-typed) input.
//
// RUN: moe-opt %s --moe-gpu-plan=ep=1 | FileCheck %s

// T = 16 tokens: one device keeps all 16.
// CHECK-LABEL: func.func @route
func.func @route(%x: tensor<16x32xbf16>, %gate: tensor<32x4xbf16>)
    -> (tensor<16x1xi32>, tensor<16x1xbf16>) {
  %idx, %w = moe.router %x, %gate top_k = 1 scoring = softmax
      : (tensor<16x32xbf16>, tensor<32x4xbf16>)
      -> (tensor<16x1xi32>, tensor<16x1xbf16>)
  return %idx, %w : tensor<16x1xi32>, tensor<16x1xbf16>
}

// Two tokens: C = ceil(2.0 * 2 * 1 / 4) = 1, as before the plan.
// CHECK-LABEL: func.func @few_tokens
// CHECK: moe.dispatch {{.*}} -> tensor<4x1x32xbf16>
// CHECK: moe.experts {{.*}} -> tensor<4x1x32xbf16>
func.func @few_tokens(%x: tensor<2x32xbf16>, %idx: tensor<2x1xi32>,
                      %wu: tensor<4x32x16xbf16>, %wd: tensor<4x16x32xbf16>)
    -> tensor<4x1x32xbf16> {
  %buf = moe.dispatch %x, %idx capacity_factor = 2.0
      : (tensor<2x32xbf16>, tensor<2x1xi32>) -> tensor<4x1x32xbf16>
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<4x1x32xbf16>, tensor<4x32x16xbf16>, tensor<4x16x32xbf16>)
      -> tensor<4x1x32xbf16>
  return %y : tensor<4x1x32xbf16>
}
