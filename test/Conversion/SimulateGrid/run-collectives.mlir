// REQUIRES: mlir-runner, numpy
// The collectives of --moe-simulate-grid on values: one grid of 2 x 3
// devices, each function a per-device program whose arguments and results
// are split as their moe.split_axes say. Every expected value is worked out
// by hand in the comments from the shard dialect's definitions.
//
// RUN: moe-opt %s --moe-simulate-grid -o %t.sim.mlir
// RUN: %python %S/../MoEToLinalg/Inputs/moe_reference.py splice %t.sim.mlir %S/Inputs/collectives-main.mlir > %t.mlir
// RUN: moe-opt %t.mlir --moe-lower-to-llvm \
// RUN:   | %mlir_runner -e main -entry-point-result=void -shared-libs=%runner_libs \
// RUN:   | FileCheck %s

shard.grid @g(shape = 2x3)

// all_to_all over axis 1 (groups of 3), split 0, concat 0: the shard
// dialect's own example. The rows of %x are split over axis 1 (axis 0 holds
// copies): device (i, j) has rows 3j..3j+2 of
//   [11 12; 13 14; 15 16; 21 22; 23 24; 25 26; 31 32; 33 34; 35 36]
// and receives row j of each member's block, in member order: device j gets
// [1j+1 ..; 2j+1 ..; 3j+1 ..] (j = 0: 11 12, 21 22, 31 32).
// CHECK-LABEL: sizes = [9, 2]
// CHECK:      [11,   12],
// CHECK-NEXT: [21,   22],
// CHECK-NEXT: [31,   32],
// CHECK-NEXT: [13,   14],
// CHECK-NEXT: [23,   24],
// CHECK-NEXT: [33,   34],
// CHECK-NEXT: [15,   16],
// CHECK-NEXT: [25,   26],
// CHECK-NEXT: [35,   36]]
func.func @all_to_all(
    %x: tensor<3x2xi32> {moe.split_axes = #shard<axisarray[[1]]>})
    -> (tensor<3x2xi32> {moe.split_axes = #shard<axisarray[[1]]>}) {
  %y = shard.all_to_all %x on @g grid_axes = [1] split_axis = 0 concat_axis = 0
      : tensor<3x2xi32> -> tensor<3x2xi32>
  return %y : tensor<3x2xi32>
}

// all_gather over axis 0 along dimension 1. A[r][c] = 10r + c (4 x 6) is
// split in 2 x 2 blocks: device (i, j) has A[2i:2i+2, 2j:2j+2] and gathers
// [A[0:2, 2j:2j+2] | A[2:4, 2j:2j+2]]; the result's columns are split over
// axis 1, so the whole result is those three 2 x 4 blocks side by side:
//   row 0: 0 1 20 21 | 2 3 22 23 | 4 5 24 25
//   row 1: 10 11 30 31 | 12 13 32 33 | 14 15 34 35
// CHECK-LABEL: sizes = [2, 12]
// CHECK:      [0,   1,   20,   21,   2,   3,   22,   23,   4,   5,   24,   25],
// CHECK-NEXT: [10,   11,   30,   31,   12,   13,   32,   33,   14,   15,   34,   35]]
func.func @all_gather(
    %x: tensor<2x2xi32> {moe.split_axes = #shard<axisarray[[0], [1]]>})
    -> (tensor<2x4xi32> {moe.split_axes = #shard<axisarray[[], [1]]>}) {
  %y = shard.all_gather %x on @g grid_axes = [0] gather_axis = 1
      : tensor<2x2xi32> -> tensor<2x4xi32>
  return %y : tensor<2x4xi32>
}

// all_reduce: rows of B = [1 10; 2 20; ...; 6 60], one per device (device
// d = 3i + j has row d + 1). Over both axes with sum: [21, 210] everywhere
// (a replicated result). Over axis 1 with max: device (i, j) gets the
// largest of rows 3i+1..3i+3: [3, 30] for i = 0, [6, 60] for i = 1.
// CHECK-LABEL: sizes = [1, 2]
// CHECK:      [21,   210]
// CHECK-LABEL: sizes = [2, 2]
// CHECK:      [3,   30],
// CHECK-NEXT: [6,   60]]
func.func @all_reduce(
    %x: tensor<1x2xi32> {moe.split_axes = #shard<axisarray[[0, 1]]>})
    -> (tensor<1x2xi32>,
        tensor<1x2xi32> {moe.split_axes = #shard<axisarray[[0]]>}) {
  %sum = shard.all_reduce %x on @g grid_axes = [0, 1]
      : tensor<1x2xi32> -> tensor<1x2xi32>
  %max = shard.all_reduce %x on @g grid_axes = [1] reduction = max
      : tensor<1x2xi32> -> tensor<1x2xi32>
  return %sum, %max : tensor<1x2xi32>, tensor<1x2xi32>
}

// reduce_scatter over axis 1 (sum), scatter axis 0. C[r][d] = 100(r+1) + d
// (3 x 6), one column per device. Device (i, j) sums its group's columns
// 3i..3i+2: 300(r+1) + 9i + 3, and keeps row j: 300(j+1) + 9i + 3.
// In device order: 303 603 903 312 612 912.
// CHECK-LABEL: sizes = [6, 1]
// CHECK:      [303],
// CHECK-NEXT: [603],
// CHECK-NEXT: [903],
// CHECK-NEXT: [312],
// CHECK-NEXT: [612],
// CHECK-NEXT: [912]]
func.func @reduce_scatter(
    %x: tensor<3x1xi32> {moe.split_axes = #shard<axisarray[[], [0, 1]]>})
    -> (tensor<1x1xi32> {moe.split_axes = #shard<axisarray[[0, 1]]>}) {
  %y = shard.reduce_scatter %x on @g grid_axes = [1] scatter_axis = 0
      : tensor<3x1xi32> -> tensor<1x1xi32>
  return %y : tensor<1x1xi32>
}

// all_slice over axis 1 along dimension 1 of a replicated 2 x 6 tensor:
// device (i, j) keeps columns 2j, 2j+1, and the result split the same way
// reassembles the input, [1..6; 7..12].
// CHECK-LABEL: sizes = [2, 6]
// CHECK:      [1,   2,   3,   4,   5,   6],
// CHECK-NEXT: [7,   8,   9,   10,   11,   12]]
func.func @all_slice(%x: tensor<2x6xi32>)
    -> (tensor<2x2xi32> {moe.split_axes = #shard<axisarray[[], [1]]>}) {
  %y = shard.all_slice %x on @g grid_axes = [1] slice_axis = 1
      : tensor<2x6xi32> -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// Each device's coordinates, linear index and the grid's shape: device
// d = 3i + j writes [i, j, d, 2, 3].
// CHECK-LABEL: sizes = [6, 5]
// CHECK:      [0,   0,   0,   2,   3],
// CHECK-NEXT: [0,   1,   1,   2,   3],
// CHECK-NEXT: [0,   2,   2,   2,   3],
// CHECK-NEXT: [1,   0,   3,   2,   3],
// CHECK-NEXT: [1,   1,   4,   2,   3],
// CHECK-NEXT: [1,   2,   5,   2,   3]]
func.func @indices()
    -> (tensor<1x5xi32> {moe.split_axes = #shard<axisarray[[0, 1]]>}) {
  %i, %j = shard.process_multi_index on @g : index, index
  %d = shard.process_linear_index on @g : index
  %r, %c = shard.grid_shape @g : index, index
  %t = tensor.from_elements %i, %j, %d, %r, %c : tensor<1x5xindex>
  %e = tensor.empty() : tensor<1x5xi32>
  %y = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, b)>,
                                        affine_map<(a, b) -> (a, b)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<1x5xindex>) outs(%e : tensor<1x5xi32>) {
  ^bb0(%in: index, %out: i32):
    %v = arith.index_cast %in : index to i32
    linalg.yield %v : i32
  } -> tensor<1x5xi32>
  return %y : tensor<1x5xi32>
}
