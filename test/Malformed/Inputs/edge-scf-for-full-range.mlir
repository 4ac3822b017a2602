// A loop from INT64_MIN to INT64_MAX: its trip count does not fit in 64 bits.
func.func @f(%x: tensor<64x64xf32>, %w: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %lb = arith.constant -9223372036854775808 : i64
  %ub = arith.constant 9223372036854775807 : i64
  %st = arith.constant 1 : i64
  %r = scf.for %i = %lb to %ub step %st iter_args(%a = %x) -> (tensor<64x64xf32>) : i64 {
    %e = tensor.empty() : tensor<64x64xf32>
    %m = linalg.matmul ins(%a, %w : tensor<64x64xf32>, tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
    scf.yield %m : tensor<64x64xf32>
  }
  return %r : tensor<64x64xf32>
}
