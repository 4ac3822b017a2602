// FP8 GEMMs (a plan with fp8): the GEMM runs at the FP8 peak on FP8
// operands. On a machine of 1 TFLOP/s in BF16, 2 TFLOP/s in FP8 and 100 GB/s,
// with no latency and ideal efficiency (Inputs/unit-machine-fp8.json):
//
// In BF16, 1024 x 1024 x 1024: 2 * 1024^3 = 2.14748e9 FLOP / 1e12 = 2.14748 ms
// (compute-bound; bytes 3 * 1024^2 * 2 = 6.29146e6).
//
// In FP8 the GEMM takes 2.14748e9 / 2e12 = 1.07374 ms on 3 * 1024^2 * 1 =
// 3.14573e6 bytes.
//
// Serving (phase=forward) keeps the weight in FP8: a cast reads the 16-bit
// input x and writes its FP8 copy, 3 bytes for each of 1024^2 elements:
// 3.14573e6 bytes / 1e11 = 31.4573 us. Together 1.10520 ms on 6.29146e6
// bytes; the weight holds 1024^2 * 1 = 1048576 bytes.
//
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine-fp8.json tokens=1024" | FileCheck %s --check-prefix=CHECK-SERVE
// CHECK-SERVE: memory = <weights = 1048576,
// CHECK-SERVE: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 2.14748e+09, bytes = 6.29146e+06, network = 0, seconds = 0.0011052, bound = compute>
//
// Training casts both inputs (the weight too, from its 16-bit master copy):
// 2 * 1024^2 * 3 = 6.29146e6 bytes, 62.9146 us, so the forward is 1.13666
// ms. The backward runs the two gradient GEMMs in FP8 (2 * 1.07374 ms) and
// the cast's backward (twice its bytes: 125.829 us); the weight gradient
// accumulates into its 16-bit main_grad, read and written at 2 bytes
// instead of written at 1: 1024^2 * (2 * 2 - 1) = 3.14573e6 more bytes
// (the GEMM stays compute-bound). AdamW reads and writes 28 bytes per
// parameter, 1024^2 * 28 / 1e11 = 293.601 us. Total 1.13666 + 2.14748 +
// 0.125829 + 0.293601 = 3.70357 ms, on 9.43718e6 + 6.29146e6 + 3.14573e6 +
// 1.25829e7 + 2.93601e7 = 6.08174e7 bytes.
//
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine-fp8.json tokens=1024 phase=train" | FileCheck %s --check-prefix=CHECK-TRAIN
// CHECK-TRAIN: memory = <weights = 2097152,
// CHECK-TRAIN: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 6.44245e+09, bytes = 6.08174e+07, network = 0, seconds = 0.00370357, bound = compute>

// RUN: sed 's/fp8 = true/fp8 = false/' %s | moe-opt --moe-cost="machine-file=%S/Inputs/unit-machine-fp8.json tokens=1024" | FileCheck %s --check-prefix=CHECK-BF16
// CHECK-BF16: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 2.14748e+09, bytes = 6.29146e+06, network = 0, seconds = 0.00214748, bound = compute>

module attributes {moe.plan = #moe.gpu_plan<fp8 = true, tokens = 1024>} {
  func.func @gemm(%x: tensor<1024x1024xbf16>,
                  %w: tensor<1024x1024xbf16> {moe.param = "w"})
      -> tensor<1024x1024xbf16> {
    %e = tensor.empty() : tensor<1024x1024xbf16>
    %y = linalg.matmul ins(%x, %w : tensor<1024x1024xbf16>, tensor<1024x1024xbf16>)
                       outs(%e : tensor<1024x1024xbf16>) -> tensor<1024x1024xbf16>
    return %y : tensor<1024x1024xbf16>
  }
}
