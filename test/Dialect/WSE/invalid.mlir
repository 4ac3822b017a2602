// RUN: moe-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect

// One case per verifier rule of the `wse` dialect: every check in
// lib/Dialect/WSE/IR/WSEOps.cpp and the ODS constraints in
// dialects/WSE/WSEOps.td. Each case breaks exactly one thing.

// ODS: systems is a positive integer.
func.func @stream_zero_systems(%w: tensor<64x32xbf16>) {
  // expected-error @+1 {{attribute 'systems' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %s = wse.stream_weights %w systems = 0 : tensor<64x32xbf16>
  return
}

// -----

// ODS: the wafer copy has the weight's type.
func.func @stream_type_mismatch(%w: tensor<64x32xbf16>) {
  // expected-error @+1 {{'wse.stream_weights' op failed to verify that all of {weight, result} have same type}}
  %s = "wse.stream_weights"(%w) {systems = 1 : i64} : (tensor<64x32xbf16>) -> tensor<64x32xf32>
  return
}

// -----

func.func @stream_twice(%w: tensor<64x32xbf16>) {
  %s = wse.stream_weights %w systems = 1 : tensor<64x32xbf16>
  // expected-error @+1 {{'wse.stream_weights' op streams a weight that is already on the wafer}}
  %t = wse.stream_weights %s systems = 1 : tensor<64x32xbf16>
  return
}

// -----

func.func @reduce_unstreamed(%w: tensor<64x32xbf16>) {
  // expected-error @+1 {{'wse.reduce_gradients' op reduces the gradient of a value that wse.stream_weights did not put on the wafer}}
  %g = wse.reduce_gradients %w systems = 1 : tensor<64x32xbf16>
  return
}

// -----

func.func @reduce_other_systems(%w: tensor<64x32xbf16>) {
  %s = wse.stream_weights %w systems = 4 : tensor<64x32xbf16>
  // expected-error @+1 {{'wse.reduce_gradients' op reduces over 2 systems but the weight was streamed to 4}}
  %g = wse.reduce_gradients %s systems = 2 : tensor<64x32xbf16>
  return
}

// -----

func.func @optimizer_unknown(%w: tensor<64x32xbf16>) {
  %s = wse.stream_weights %w systems = 1 : tensor<64x32xbf16>
  %g = wse.reduce_gradients %s systems = 1 : tensor<64x32xbf16>
  // expected-error @+1 {{'wse.optimizer_step' op unknown optimizer 'lion' (expected adamw or sgd)}}
  wse.optimizer_step %w, %g optimizer = "lion" : tensor<64x32xbf16>
  return
}

// -----

func.func @optimizer_raw_gradient(%w: tensor<64x32xbf16>, %g: tensor<64x32xbf16>) {
  // expected-error @+1 {{'wse.optimizer_step' op gradient must come from wse.reduce_gradients}}
  wse.optimizer_step %w, %g optimizer = "adamw" : tensor<64x32xbf16>
  return
}

// -----

func.func @optimizer_other_weight(%w: tensor<64x32xbf16>, %v: tensor<64x32xbf16>) {
  %s = wse.stream_weights %v systems = 1 : tensor<64x32xbf16>
  %g = wse.reduce_gradients %s systems = 1 : tensor<64x32xbf16>
  // expected-error @+1 {{'wse.optimizer_step' op gradient belongs to a different weight}}
  wse.optimizer_step %w, %g optimizer = "adamw" : tensor<64x32xbf16>
  return
}

// -----

// ODS: the gradient has the weight's type.
func.func @optimizer_type_mismatch(%w: tensor<64x32xbf16>, %g: tensor<64x32xf32>) {
  // expected-error @+1 {{'wse.optimizer_step' op failed to verify that all of {weight, gradient} have same type}}
  "wse.optimizer_step"(%w, %g) {optimizer = "adamw"} : (tensor<64x32xbf16>, tensor<64x32xf32>) -> ()
  return
}

// -----

// ODS: tiles is a positive integer.
func.func @tiles_zero(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  // expected-error @+1 {{attribute 'tiles' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = wse.batch_tiles %x tiles = 0 : tensor<16x64xf32> -> tensor<16x64xf32> {
  ^bb0(%t: tensor<16x64xf32>):
    wse.yield %t : tensor<16x64xf32>
  }
  return %y : tensor<16x64xf32>
}

// -----

func.func @tiles_uneven(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  // expected-error @+1 {{'wse.batch_tiles' op cannot split 16 rows into 3 equal tiles}}
  %y = wse.batch_tiles %x tiles = 3 : tensor<16x64xf32> -> tensor<16x64xf32> {
  ^bb0(%t: tensor<5x64xf32>):
    wse.yield %t : tensor<5x64xf32>
  }
  return %y : tensor<16x64xf32>
}

// -----

func.func @tiles_result_rows(%x: tensor<16x64xf32>) -> tensor<8x64xf32> {
  // expected-error @+1 {{'wse.batch_tiles' op result has 8 rows but the input has 16}}
  %y = wse.batch_tiles %x tiles = 2 : tensor<16x64xf32> -> tensor<8x64xf32> {
  ^bb0(%t: tensor<8x64xf32>):
    wse.yield %t : tensor<8x64xf32>
  }
  return %y : tensor<8x64xf32>
}

// -----

func.func @tiles_two_arguments(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  // expected-error @+1 {{'wse.batch_tiles' op body must take one argument, the tile (has 2)}}
  %y = wse.batch_tiles %x tiles = 2 : tensor<16x64xf32> -> tensor<16x64xf32> {
  ^bb0(%t: tensor<8x64xf32>, %u: tensor<8x64xf32>):
    wse.yield %t : tensor<8x64xf32>
  }
  return %y : tensor<16x64xf32>
}

// -----

func.func @tiles_wrong_tile(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  // expected-error @+1 {{'wse.batch_tiles' op tile argument is 'tensor<16x64xf32>' but 2 tiles of 'tensor<16x64xf32>' are 'tensor<8x64xf32>'}}
  %y = wse.batch_tiles %x tiles = 2 : tensor<16x64xf32> -> tensor<16x64xf32> {
  ^bb0(%t: tensor<16x64xf32>):
    %h = tensor.extract_slice %t[0, 0] [8, 64] [1, 1] : tensor<16x64xf32> to tensor<8x64xf32>
    wse.yield %h : tensor<8x64xf32>
  }
  return %y : tensor<16x64xf32>
}

// -----

func.func @tiles_wrong_yield(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %y = wse.batch_tiles %x tiles = 2 : tensor<16x64xf32> -> tensor<16x64xf32> {
  ^bb0(%t: tensor<8x64xf32>):
    %e = tensor.empty() : tensor<8x32xf32>
    // expected-error @+1 {{'wse.yield' op yields 'tensor<8x32xf32>' but 2 tiles of the result 'tensor<16x64xf32>' are 'tensor<8x64xf32>'}}
    wse.yield %e : tensor<8x32xf32>
  }
  return %y : tensor<16x64xf32>
}

// -----

func.func @tiles_foreign_terminator(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  // expected-error @+1 {{'wse.batch_tiles' op body must end with wse.yield}}
  %y = wse.batch_tiles %x tiles = 2 : tensor<16x64xf32> -> tensor<16x64xf32> {
  ^bb0(%t: tensor<8x64xf32>):
    "test.end"(%t) : (tensor<8x64xf32>) -> ()
  }
  return %y : tensor<16x64xf32>
}

// -----

// ODS: wse.yield only terminates wse.batch_tiles.
func.func @yield_outside(%x: tensor<8x64xf32>) {
  // expected-error @+1 {{'wse.yield' op expects parent op 'wse.batch_tiles'}}
  wse.yield %x : tensor<8x64xf32>
}
