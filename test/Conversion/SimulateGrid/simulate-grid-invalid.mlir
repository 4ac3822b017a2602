// RUN: moe-opt %s --split-input-file --verify-diagnostics --allow-unregistered-dialect --moe-simulate-grid
// RUN: not moe-opt %S/../../Transforms/Inputs/moe-layer.mlir --moe-gpu-plan="ep=2 dp=4" --moe-simulate-grid="max-devices=4" -o /dev/null 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CHECK-MAX
// CHECK-MAX: error: 'shard.grid' op has 8 devices, more than max-devices = 4 (the body is copied once per device)

shard.grid @a(shape = 2)
// expected-error @below {{is a second grid; --moe-simulate-grid simulates modules with one grid}}
shard.grid @b(shape = 2)

// -----

// expected-error @below {{has a dynamic size; --moe-simulate-grid needs a static grid}}
shard.grid @g(shape = 2x?)

// -----

shard.grid @g(shape = 2)
func.func @in_region(%x: tensor<4xf32>, %c: i1) -> tensor<4xf32> {
  %r = scf.if %c -> tensor<4xf32> {
    // expected-error @below {{is inside a region; --moe-simulate-grid simulates shard ops at the top level of a function only}}
    %y = shard.all_reduce %x on @g grid_axes = [0] : tensor<4xf32> -> tensor<4xf32>
    scf.yield %y : tensor<4xf32>
  } else {
    scf.yield %x : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

shard.grid @g(shape = 2)
func.func @broadcast(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{has no single-host simulation in --moe-simulate-grid}}
  %y = shard.broadcast %x on @g grid_axes = [0] root = [0]
      : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

shard.grid @g(shape = 2)
func.func @grad_sync(%w: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{synchronises gradients of a training step, whose backward pass the program does not compute; plan with phase=forward to run the step's forward pass}}
  %g = shard.all_reduce %w on @g grid_axes = [0] {moe.grad_sync}
      : tensor<4xf32> -> tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

shard.grid @g(shape = 2)
func.func @average(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{reduces with 'average', which --moe-simulate-grid does not simulate (sum, max, min and product only)}}
  %y = shard.all_reduce %x on @g grid_axes = [0] reduction = average
      : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

shard.grid @g(shape = 2)
func.func @widen(%x: tensor<4xf32>) -> tensor<4xf64> {
  // expected-error @below {{changes the element type; --moe-simulate-grid does not simulate it}}
  %y = shard.all_reduce %x on @g grid_axes = [0] : tensor<4xf32> -> tensor<4xf64>
  return %y : tensor<4xf64>
}

// -----

shard.grid @g(shape = 2)
func.func @memref(%x: memref<4xf32>) -> memref<4xf32> {
  // expected-error @below {{has the type 'memref<4xf32>'; --moe-simulate-grid simulates collectives on tensors of static shape}}
  %y = shard.all_reduce %x on @g grid_axes = [0] : memref<4xf32> -> memref<4xf32>
  return %y : memref<4xf32>
}

// -----

shard.grid @g(shape = 2)
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @below {{has the type 'tensor<?xf32>'; --moe-simulate-grid simulates collectives on tensors of static shape}}
  %y = shard.all_gather %x on @g grid_axes = [0] gather_axis = 0
      : tensor<?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

shard.grid @g(shape = 2)
func.func @callee(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @caller(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @below {{calls @callee, which is planned too: --moe-simulate-grid simulates functions that do not call each other}}
  %y = func.call @callee(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

shard.grid @g(shape = 2)
// expected-error @below {{has 2 blocks; --moe-simulate-grid simulates single-block functions}}
func.func @blocks(%x: tensor<4xf32>) -> tensor<4xf32> {
  "test.br"() [^next] : () -> ()
^next:
  return %x : tensor<4xf32>
}

// -----

shard.grid @g(shape = 2)
// The dialect rejects a split that is not a #shard<axisarray[...]>.
// expected-error @below {{'moe.split_axes' of argument #0 must be grid axes per dimension (#shard<axisarray[...]>), not [0]}}
func.func @not_axes(%x: tensor<4xf32> {moe.split_axes = [0]}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

shard.grid @g(shape = 2)
// expected-error @below {{argument #0 has moe.split_axes = #shard<axisarray[[0]]>, but only a ranked tensor can be split}}
func.func @not_tensor(%x: f32 {moe.split_axes = #shard<axisarray[[0]]>}) -> f32 {
  return %x : f32
}

// -----

shard.grid @g(shape = 2)
// expected-error @below {{argument #0 splits over grid axis 1, which is not an unused axis of the 1-d grid}}
func.func @bad_axis(%x: tensor<4xf32> {moe.split_axes = #shard<axisarray[[1]]>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

shard.grid @g(shape = 2x2)
// expected-error @below {{argument #0 splits over grid axis 0, which is not an unused axis of the 2-d grid}}
func.func @axis_twice(%x: tensor<4x4xf32> {moe.split_axes = #shard<axisarray[[0], [0]]>}) -> tensor<4x4xf32> {
  return %x : tensor<4x4xf32>
}

// -----

shard.grid @g(shape = 2)
// expected-error @below {{result #0 splits 2 dimensions of 'tensor<4xf32>'}}
func.func @too_many(%x: tensor<4xf32>) -> (tensor<4xf32> {moe.split_axes = #shard<axisarray[[], [0]]>}) {
  return %x : tensor<4xf32>
}

// -----

shard.grid @g(shape = 2)
// expected-error @below {{argument #0 splits the dynamic dimension 0 of 'tensor<?xf32>'}}
func.func @dynamic_split(%x: tensor<?xf32> {moe.split_axes = #shard<axisarray[[0]]>}) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}
