// RUN: moe-opt %s | moe-opt | FileCheck %s
// RUN: moe-opt %s --mlir-print-op-generic | moe-opt | FileCheck %s

// Round trip of every `wse` op, in the custom and in the generic form: one
// weight streamed to 4 systems, its gradient reduced and the optimizer step,
// and a BTA region running attention on 2 tiles of one 8-token sequence.

// CHECK-LABEL: func.func @weight_lifecycle
// CHECK-SAME:    (%[[W:[^:]+]]: tensor<64x32xbf16>
func.func @weight_lifecycle(%w: tensor<64x32xbf16> {moe.param = "w"}) {
  // CHECK: %[[S:.+]] = wse.stream_weights %[[W]] systems = 4 : tensor<64x32xbf16>
  %s = wse.stream_weights %w systems = 4 : tensor<64x32xbf16>
  // CHECK: %[[G:.+]] = wse.reduce_gradients %[[S]] systems = 4 : tensor<64x32xbf16>
  %g = wse.reduce_gradients %s systems = 4 : tensor<64x32xbf16>
  // CHECK: wse.optimizer_step %[[W]], %[[G]] optimizer = "adamw" : tensor<64x32xbf16>
  wse.optimizer_step %w, %g optimizer = "adamw" : tensor<64x32xbf16>
  // CHECK: wse.optimizer_step %[[W]], %[[G]] optimizer = "sgd" : tensor<64x32xbf16>
  wse.optimizer_step %w, %g optimizer = "sgd" : tensor<64x32xbf16>
  return
}

// CHECK-LABEL: func.func @batch_tiles
func.func @batch_tiles(%x: tensor<16x64xf32>, %wq: tensor<64x64xf32>,
                       %wk: tensor<64x32xf32>, %wv: tensor<64x32xf32>,
                       %wo: tensor<64x64xf32>) -> tensor<16x64xf32> {
  // CHECK: %[[Y:.+]] = wse.batch_tiles %{{.+}} tiles = 2 : tensor<16x64xf32> -> tensor<16x64xf32> {
  // CHECK-NEXT: ^bb0(%[[T:.+]]: tensor<8x64xf32>):
  // CHECK-NEXT:   %[[A:.+]] = moe.attention %[[T]]
  // CHECK-SAME:     -> tensor<8x64xf32>
  // CHECK-NEXT:   wse.yield %[[A]] : tensor<8x64xf32>
  // CHECK-NEXT: }
  %y = wse.batch_tiles %x tiles = 2 : tensor<16x64xf32> -> tensor<16x64xf32> {
  ^bb0(%tile: tensor<8x64xf32>):
    %a = moe.attention %tile, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
        head_dim = 16 seq_len = 8 causal
        : (tensor<8x64xf32>, tensor<64x64xf32>, tensor<64x32xf32>,
           tensor<64x32xf32>, tensor<64x64xf32>) -> tensor<8x64xf32>
    wse.yield %a : tensor<8x64xf32>
  }
  // CHECK: return %[[Y]]
  return %y : tensor<16x64xf32>
}

// The body may change the feature width; one tile is allowed.
// CHECK-LABEL: func.func @one_tile_new_width
func.func @one_tile_new_width(%x: tensor<8x64xf32>, %w: tensor<64x32xf32>)
    -> tensor<8x32xf32> {
  // CHECK: wse.batch_tiles %{{.+}} tiles = 1 : tensor<8x64xf32> -> tensor<8x32xf32>
  %y = wse.batch_tiles %x tiles = 1 : tensor<8x64xf32> -> tensor<8x32xf32> {
  ^bb0(%tile: tensor<8x64xf32>):
    %e = tensor.empty() : tensor<8x32xf32>
    %m = linalg.matmul ins(%tile, %w : tensor<8x64xf32>, tensor<64x32xf32>)
        outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
    wse.yield %m : tensor<8x32xf32>
  }
  return %y : tensor<8x32xf32>
}

// Dynamic row counts are verified at run time, not here.
// CHECK-LABEL: func.func @dynamic_rows
func.func @dynamic_rows(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  // CHECK: wse.batch_tiles %{{.+}} tiles = 3 : tensor<?x64xf32> -> tensor<?x64xf32>
  %y = wse.batch_tiles %x tiles = 3 : tensor<?x64xf32> -> tensor<?x64xf32> {
  ^bb0(%tile: tensor<?x64xf32>):
    wse.yield %tile : tensor<?x64xf32>
  }
  return %y : tensor<?x64xf32>
}
