// FP8 GEMMs (a plan with fp8): the GEMM runs at the FP8 peak on FP8
// operands, after a cast that reads each 16-bit input and writes its FP8
// copy. On a machine of 1 TFLOP/s in BF16, 2 TFLOP/s in FP8 and 100 GB/s,
// with no latency and ideal efficiency (Inputs/unit-machine-fp8.json):
//
// In BF16, 1024 x 1024 x 1024: 2 * 1024^3 = 2.14748e9 FLOP / 1e12 = 2.14748 ms
// (compute-bound; bytes 3 * 1024^2 * 2 = 6.29146e6).
//
// In FP8, the GEMM 2.14748e9 / 2e12 = 1.07374 ms on 3 * 1024^2 * 1 = 3.14573e6
// bytes; the cast moves 3 bytes for each of the 2 * 1024^2 input elements,
// 6.29146e6 bytes / 1e11 = 62.9146 us. Together 1.13666 ms and 9.43718e6
// bytes.

// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine-fp8.json tokens=1024" | FileCheck %s --check-prefix=CHECK-FP8
// CHECK-FP8: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 2.14748e+09, bytes = 9.43718e+06, network = 0, seconds = 0.00113666, bound = compute>

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
