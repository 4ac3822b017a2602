// RUN: moe-opt %s --split-input-file --convert-wse-to-scf | FileCheck %s

// BTA with G = 4 tiles of 2 rows: an scf.for over the tiles slices rows
// [2i, 2i + 2) out of the input, runs the body on them and inserts its
// 2 x 3 result at rows [2i, 2i + 2) of the result. The streamed weight is
// the weight itself.
// CHECK-LABEL: func.func @tiles
// CHECK-SAME: (%[[X:.+]]: tensor<8x4xf32>, %[[W:.+]]: tensor<4x3xf32>)
// CHECK-NOT: wse.
// CHECK-DAG: %[[INIT:.+]] = tensor.empty() : tensor<8x3xf32>
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK: %[[R:.+]] = scf.for %[[I:.+]] = %[[C0]] to %[[C4]] step %[[C1]] iter_args(%[[ACC:.+]] = %[[INIT]]) -> (tensor<8x3xf32>) {
// CHECK:   %[[ROWS:.+]] = arith.constant 2 : index
// CHECK:   %[[OFF:.+]] = arith.muli %[[I]], %[[ROWS]] : index
// CHECK:   %[[TILE:.+]] = tensor.extract_slice %[[X]][%[[OFF]], 0] [2, 4] [1, 1] : tensor<8x4xf32> to tensor<2x4xf32>
// CHECK:   %[[Y:.+]] = linalg.matmul ins(%[[TILE]], %[[W]] : tensor<2x4xf32>, tensor<4x3xf32>)
// CHECK:   %[[OUT:.+]] = arith.muli %[[I]], %{{.+}} : index
// CHECK:   %[[NEXT:.+]] = tensor.insert_slice %[[Y]] into %[[ACC]][%[[OUT]], 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<8x3xf32>
// CHECK:   scf.yield %[[NEXT]] : tensor<8x3xf32>
// CHECK: }
// CHECK: return %[[R]] : tensor<8x3xf32>
func.func @tiles(%x: tensor<8x4xf32>, %w: tensor<4x3xf32>) -> tensor<8x3xf32> {
  %ws = wse.stream_weights %w systems = 2 : tensor<4x3xf32>
  %r = wse.batch_tiles %x tiles = 4 : tensor<8x4xf32> -> tensor<8x3xf32> {
  ^bb0(%tile: tensor<2x4xf32>):
    %zero = tensor.empty() : tensor<2x3xf32>
    %y = linalg.matmul ins(%tile, %ws : tensor<2x4xf32>, tensor<4x3xf32>)
        outs(%zero : tensor<2x3xf32>) -> tensor<2x3xf32>
    wse.yield %y : tensor<2x3xf32>
  }
  return %r : tensor<8x3xf32>
}

// -----

// One tile is a loop of one trip over the whole input.
// CHECK-LABEL: func.func @one_tile
// CHECK: scf.for
// CHECK: tensor.extract_slice %{{.+}}[%{{.+}}, 0] [8, 4] [1, 1]
// CHECK: moe.rms_norm
func.func @one_tile(%x: tensor<8x4xf32>, %w: tensor<4xf32>) -> tensor<8x4xf32> {
  %r = wse.batch_tiles %x tiles = 1 : tensor<8x4xf32> -> tensor<8x4xf32> {
  ^bb0(%tile: tensor<8x4xf32>):
    %y = moe.rms_norm %tile, %w epsilon = 1.0e-06 : tensor<8x4xf32>, tensor<4xf32>
    wse.yield %y : tensor<8x4xf32>
  }
  return %r : tensor<8x4xf32>
}
