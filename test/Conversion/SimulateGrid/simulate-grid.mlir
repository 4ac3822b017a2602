// RUN: moe-opt %s --split-input-file --moe-simulate-grid | FileCheck %s

// The plans' output runs through the simulation: a GPU plan with ep = 2 and
// dp = 2 becomes the program on all 64 tokens again, with no shard ops left.
// RUN: moe-opt %S/../../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=2" --moe-simulate-grid | FileCheck %s --check-prefix=CHECK-PLAN
// CHECK-PLAN-NOT: shard.
// CHECK-PLAN: func.func @layer(%{{.*}}: tensor<64x1024xbf16>, %{{.*}}: tensor<1024x8xbf16> {moe.param = "router"}, %{{.*}}: tensor<8x1024x16xbf16> {moe.param = "experts.gate"}
// CHECK-PLAN-SAME: -> tensor<64x1024xbf16>
// CHECK-PLAN-COUNT-4: moe.experts {{.*}} -> tensor<4x8x1024xbf16>
// CHECK-PLAN-NOT: shard.

// The expert exchange of an ep = 2 plan (grid 1 x 2): device j's dispatch
// buffer [E=4, C=1, H=8] is slot column j of the program's [4, 2, 8] buffer
// and its expert weights are experts 2j, 2j+1. The all-to-all over axis 1
// (split the experts, concatenate the slots) gives device j part j (experts
// 2j, 2j+1) of each device's buffer, device 0's at slot 0 and device 1's at
// slot 1; the local experts run; the inverse all-to-all (split the slots,
// concatenate the experts) returns each device its own slot of all experts.
// CHECK-LABEL: func.func @exchange
// CHECK-SAME: (%[[B:.+]]: tensor<4x2x8xf32>, %[[W:.+]]: tensor<4x8x8xf32>) -> tensor<4x2x8xf32>
// CHECK-NOT: shard.
// CHECK: %[[B0:.+]] = tensor.extract_slice %[[B]][0, 0, 0] [4, 1, 8] [1, 1, 1]
// CHECK: %[[W0:.+]] = tensor.extract_slice %[[W]][0, 0, 0] [2, 8, 8] [1, 1, 1]
// CHECK: %[[B1:.+]] = tensor.extract_slice %[[B]][0, 1, 0] [4, 1, 8] [1, 1, 1]
// CHECK: %[[W1:.+]] = tensor.extract_slice %[[W]][2, 0, 0] [2, 8, 8] [1, 1, 1]
// Device 0 receives experts 0, 1 of both buffers.
// CHECK: %[[P00:.+]] = tensor.extract_slice %[[B0]][0, 0, 0] [2, 1, 8] [1, 1, 1]
// CHECK: %[[P10:.+]] = tensor.extract_slice %[[B1]][0, 0, 0] [2, 1, 8] [1, 1, 1]
// CHECK: %[[E0:.+]] = tensor.empty() : tensor<2x2x8xf32>
// CHECK: %[[I0:.+]] = tensor.insert_slice %[[P00]] into %[[E0]][0, 0, 0] [2, 1, 8] [1, 1, 1]
// CHECK: %[[R0:.+]] = tensor.insert_slice %[[P10]] into %[[I0]][0, 1, 0] [2, 1, 8] [1, 1, 1]
// Device 1 receives experts 2, 3.
// CHECK: tensor.extract_slice %[[B0]][2, 0, 0] [2, 1, 8] [1, 1, 1]
// CHECK: tensor.extract_slice %[[B1]][2, 0, 0] [2, 1, 8] [1, 1, 1]
// CHECK: %[[R1:.+]] = tensor.insert_slice {{.*}}[0, 1, 0] [2, 1, 8] [1, 1, 1]
// CHECK: %[[Y0:.+]] = linalg.batch_matmul ins(%[[R0]], %[[W0]]
// CHECK: %[[Y1:.+]] = linalg.batch_matmul ins(%[[R1]], %[[W1]]
// Back to device 0: slot 0 of each device's experts, experts 0..3 in order.
// CHECK: %[[Q00:.+]] = tensor.extract_slice %[[Y0]][0, 0, 0] [2, 1, 8] [1, 1, 1]
// CHECK: %[[Q10:.+]] = tensor.extract_slice %[[Y1]][0, 0, 0] [2, 1, 8] [1, 1, 1]
// CHECK: %[[F0:.+]] = tensor.empty() : tensor<4x1x8xf32>
// CHECK: %[[J0:.+]] = tensor.insert_slice %[[Q00]] into %[[F0]][0, 0, 0] [2, 1, 8] [1, 1, 1]
// CHECK: %[[O0:.+]] = tensor.insert_slice %[[Q10]] into %[[J0]][2, 0, 0] [2, 1, 8] [1, 1, 1]
// CHECK: %[[O1:.+]] = tensor.insert_slice {{.*}}[2, 0, 0] [2, 1, 8] [1, 1, 1]
// The result is reassembled from both devices' slot columns.
// CHECK: %[[OUT:.+]] = tensor.empty() : tensor<4x2x8xf32>
// CHECK: %[[K:.+]] = tensor.insert_slice %[[O0]] into %[[OUT]][0, 0, 0] [4, 1, 8] [1, 1, 1]
// CHECK: %[[Z:.+]] = tensor.insert_slice %[[O1]] into %[[K]][0, 1, 0] [4, 1, 8] [1, 1, 1]
// CHECK: return %[[Z]] : tensor<4x2x8xf32>
// CHECK-NOT: shard.grid
module attributes {moe.plan = #moe.gpu_plan<ep = 2>} {
  shard.grid @gpus(shape = 1x2)
  func.func @exchange(
      %buf: tensor<4x1x8xf32> {moe.split_axes = #shard<axisarray[[], [1]]>},
      %w: tensor<2x8x8xf32> {moe.split_axes = #shard<axisarray[[1]]>})
      -> (tensor<4x1x8xf32> {moe.split_axes = #shard<axisarray[[], [1]]>}) {
    %in = shard.all_to_all %buf on @gpus grid_axes = [1] split_axis = 0
        concat_axis = 1 : tensor<4x1x8xf32> -> tensor<2x2x8xf32>
    %zero = tensor.empty() : tensor<2x2x8xf32>
    %y = linalg.batch_matmul ins(%in, %w : tensor<2x2x8xf32>, tensor<2x8x8xf32>)
        outs(%zero : tensor<2x2x8xf32>) -> tensor<2x2x8xf32>
    %out = shard.all_to_all %y on @gpus grid_axes = [1] split_axis = 1
        concat_axis = 0 : tensor<2x2x8xf32> -> tensor<4x1x8xf32>
    return %out : tensor<4x1x8xf32>
  }
}
// The plan's attribute goes with the grid: the result is unplanned.
// CHECK-NOT: moe.plan

// -----

// A gradient-style all-reduce over the dp axis of a 2 x 2 grid: devices
// (0, j) and (1, j) sum their copies in device order (d = j first, then
// d = 2 + j), and each group's sum is computed once. A replicated result is
// device 0's value; a result split over axis 1 only is reassembled from
// devices (0, 0) and (0, 1) (the devices of row 1 hold the same blocks).
// CHECK-LABEL: func.func @reduce
// CHECK-SAME: (%[[W:.+]]: tensor<4x3xf32>) -> (tensor<2x3xf32>, tensor<4x3xf32>)
// CHECK: %[[W0:.+]] = tensor.extract_slice %[[W]][0, 0] [2, 3]
// CHECK: %[[W1:.+]] = tensor.extract_slice %[[W]][2, 0] [2, 3]
// CHECK-NOT: tensor.extract_slice
// CHECK: %[[S0:.+]] = arith.addf %[[W0]], %[[W0]] : tensor<2x3xf32>
// CHECK: %[[S1:.+]] = arith.addf %[[W1]], %[[W1]] : tensor<2x3xf32>
// CHECK-NOT: arith.addf
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x3xf32>
// CHECK: %[[I:.+]] = tensor.insert_slice %[[S0]] into %[[E]][0, 0] [2, 3]
// CHECK: %[[J:.+]] = tensor.insert_slice %[[S1]] into %[[I]][2, 0] [2, 3]
// CHECK-NOT: tensor.insert_slice
// CHECK: return %[[S0]], %[[J]]
shard.grid @gpus(shape = 2x2)
func.func @reduce(%w: tensor<2x3xf32> {moe.split_axes = #shard<axisarray[[1]]>})
    -> (tensor<2x3xf32>,
        tensor<2x3xf32> {moe.split_axes = #shard<axisarray[[1]]>}) {
  %g = shard.all_reduce %w on @gpus grid_axes = [0]
      : tensor<2x3xf32> -> tensor<2x3xf32>
  return %g, %g : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A module without a grid is not a plan: left as it is.
// CHECK-LABEL: func.func @unplanned
// CHECK-NEXT: return %arg0 : tensor<4xf32>
func.func @unplanned(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// An all-gather over axis 0 of a 2 x 2 grid has two groups, {0, 2} and
// {1, 3}; each group's members share one gathered tensor: two
// concatenations for four devices, and the replicated-over-axis-0 result
// is reassembled from devices (0, 0) and (0, 1).
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[X:.+]]: tensor<4x6xf32>) -> tensor<4x6xf32>
// CHECK-COUNT-4: tensor.extract_slice %[[X]]
// CHECK-NOT: tensor.extract_slice
// CHECK: %[[E0:.+]] = tensor.empty() : tensor<4x3xf32>
// CHECK-COUNT-2: tensor.insert_slice
// CHECK: %[[E1:.+]] = tensor.empty() : tensor<4x3xf32>
// CHECK-COUNT-2: tensor.insert_slice
// CHECK-NOT: tensor.empty() : tensor<4x3xf32>
// CHECK: tensor.empty() : tensor<4x6xf32>
// CHECK-COUNT-2: tensor.insert_slice
// CHECK-NOT: tensor.empty
// CHECK: return
shard.grid @g(shape = 2x2)
func.func @gather(%x: tensor<2x3xf32> {moe.split_axes = #shard<axisarray[[0], [1]]>})
    -> (tensor<4x3xf32> {moe.split_axes = #shard<axisarray[[], [1]]>}) {
  %y = shard.all_gather %x on @g grid_axes = [0] gather_axis = 0
      : tensor<2x3xf32> -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}
