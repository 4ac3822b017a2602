// REQUIRES: mlir-runner
// RUN: moe-opt %s --moe-lower-to-llvm \
// RUN:   | %mlir_runner -e main -entry-point-result=void -shared-libs=%runner_libs \
// RUN:   | FileCheck %s

// bf16 is computed in f32 and rounded to bf16 once, at the end of the op.
// rms_norm of [1, -2] and [0.5, 3] with weight [1, 2]:
//   row 0: rms = sqrt(2.5), y = [0.632456, -2.529822] -> bf16 [0.6328125, -2.53125]
//   row 1: rms = sqrt(4.625), y = [0.232495, 2.789943] -> bf16 [0.232421875, 2.796875]
// (printed with 6 significant digits).

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %x = arith.constant dense<[[1.0, -2.0], [0.5, 3.0]]> : tensor<2x2xbf16>
  %w = arith.constant dense<[1.0, 2.0]> : tensor<2xbf16>
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<2x2xbf16>, tensor<2xbf16>
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<2x2xbf16>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%a: bf16, %o: f32):
    %b = arith.extf %a : bf16 to f32
    linalg.yield %b : f32
  } -> tensor<2x2xf32>
  // CHECK:      sizes = [2, 2]
  // CHECK-NEXT: {{\[}}[0.632812,{{ +}}-2.53125],
  // CHECK-NEXT:  [0.232422,{{ +}}2.79688]]
  %m = bufferization.to_buffer %f : tensor<2x2xf32> to memref<2x2xf32>
  %u = memref.cast %m : memref<2x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
