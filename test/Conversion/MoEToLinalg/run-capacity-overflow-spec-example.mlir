// REQUIRES: mlir-runner
// RUN: moe-opt %s --moe-lower-to-llvm \
// RUN:   | %mlir_runner -e main -entry-point-result=void -shared-libs=%runner_libs \
// RUN:   | FileCheck %s

// The worked example of docs/Spec.md#moedispatch, executed: T = 4, k = 2,
// E = 3, capacity_factor = 0.75, so C = ceil(0.75 * 4 * 2 / 3) = 2 and
//
//   choice  (0,0) (0,1) (1,0) (1,1) (2,0) (2,1) (3,0) (3,1)
//   expert    0     1     1     2     0     1     1     0
//   slot      0     0     1     0     1     2     3     2
//   kept     yes   yes   yes   yes   yes   no    no    no
//
// Token t is x_t = [t + 1, 10 (t + 1)]. Expected by hand:
//   buffer = [[x0, x2], [x0, x1], [x1, 0]]
//   y0 = (0.5 + 0.25) x0 = [0.75, 7.5]
//   y1 = (0.125 + 2) x1  = [4.25, 42.5]
//   y2 = 4 x2            = [12, 120]   (w = 8 of the dropped (2,1) is lost,
//                                       and 4 is NOT renormalized to 1)
//   y3 = 0                             (both choices dropped)

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %x = arith.constant dense<[[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]]> : tensor<4x2xf32>
  %idx = arith.constant dense<[[0, 1], [1, 2], [0, 1], [1, 0]]> : tensor<4x2xi32>
  %w = arith.constant dense<[[0.5, 0.25], [0.125, 2.0], [4.0, 8.0], [16.0, 32.0]]> : tensor<4x2xf32>
  %buf = moe.dispatch %x, %idx capacity_factor = 0.75
      : (tensor<4x2xf32>, tensor<4x2xi32>) -> tensor<3x2x2xf32>
  %y = moe.combine %buf, %idx, %w
      : (tensor<3x2x2xf32>, tensor<4x2xi32>, tensor<4x2xf32>) -> tensor<4x2xf32>

  // CHECK:      sizes = [3, 2, 2]
  // CHECK-NEXT: {{\[}}{{\[}}[1,{{ +}}10],
  // CHECK-NEXT:   [3,{{ +}}30]],
  // CHECK-NEXT:  {{\[}}[1,{{ +}}10],
  // CHECK-NEXT:   [2,{{ +}}20]],
  // CHECK-NEXT:  {{\[}}[2,{{ +}}20],
  // CHECK-NEXT:   [0,{{ +}}0]]]
  %mb = bufferization.to_buffer %buf : tensor<3x2x2xf32> to memref<3x2x2xf32>
  %ub = memref.cast %mb : memref<3x2x2xf32> to memref<*xf32>
  call @printMemrefF32(%ub) : (memref<*xf32>) -> ()

  // CHECK:      sizes = [4, 2]
  // CHECK-NEXT: {{\[}}[0.75,{{ +}}7.5],
  // CHECK-NEXT:  [4.25,{{ +}}42.5],
  // CHECK-NEXT:  [12,{{ +}}120],
  // CHECK-NEXT:  [0,{{ +}}0]]
  %my = bufferization.to_buffer %y : tensor<4x2xf32> to memref<4x2xf32>
  %uy = memref.cast %my : memref<4x2xf32> to memref<*xf32>
  call @printMemrefF32(%uy) : (memref<*xf32>) -> ()
  return
}
