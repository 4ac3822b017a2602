// Every error of --moe-wse-plan, one case each, on the layer of
// Inputs/wse-layer.mlir (4 sequences of 64 tokens).

// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="machine=h100-sxm" 2>&1 | FileCheck %s --check-prefix=CHECK-GPU
// CHECK-GPU: error: machine 'h100-sxm' is a GPU, not a wafer-scale system; use --moe-gpu-plan

// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="machine=cs9" 2>&1 | FileCheck %s --check-prefix=CHECK-UNKNOWN
// CHECK-UNKNOWN: error: unknown machine 'cs9' (known: h100-sxm, h200, b200, cs2, cs3;

// CS-2 clusters have at most 2048 systems.
// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="systems=4096 batch=4096" 2>&1 | FileCheck %s --check-prefix=CHECK-MAX
// CHECK-MAX: error: 4096 systems are more than cs2 allows (2048)

// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="systems=0" 2>&1 | FileCheck %s --check-prefix=CHECK-ZERO
// CHECK-ZERO: error: systems (0) must be at least 1

// Pure data parallelism: each system holds whole sequences.
// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="systems=3" 2>&1 | FileCheck %s --check-prefix=CHECK-SYSTEMS
// CHECK-SYSTEMS: error: systems (3) does not divide the batch of 4 sequences

// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="tiles=3" 2>&1 | FileCheck %s --check-prefix=CHECK-TILES
// CHECK-TILES: error: tiles (3) does not divide the 4 sequences per system

// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="tiles=many" 2>&1 | FileCheck %s --check-prefix=CHECK-TILES-WORD
// CHECK-TILES-WORD: for the --tiles option: 'many' is not a tile count (a positive number, or auto)

// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="batch=-1" 2>&1 | FileCheck %s --check-prefix=CHECK-NEGATIVE
// CHECK-NEGATIVE: error: batch (-1) must be at least 0

// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="phase=backward" 2>&1 | FileCheck %s --check-prefix=CHECK-PHASE
// CHECK-PHASE: for the --phase option: 'backward' is not one of: forward, train

// RUN: not moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan="batch=1099511627776" 2>&1 | FileCheck %s --check-prefix=CHECK-HUGE
// CHECK-HUGE: error: 1099511627776 sequences of 64 tokens per system are too many to plan

// A plan is applied once.
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan | not moe-opt --moe-wse-plan 2>&1 | FileCheck %s --check-prefix=CHECK-TWICE
// CHECK-TWICE: error: the module is already planned (moe.plan = #moe.wse_plan<batch = 4, seq_len = 64>); plan the unplanned program

// One plan, then the other: said before the machine is resolved (it once
// complained about the GPU machine's weight-streaming bandwidth).
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-gpu-plan | not moe-opt --moe-wse-plan 2>&1 | FileCheck %s --check-prefix=CHECK-CROSS
// CHECK-CROSS: error: the module is already planned (moe.plan = #moe.gpu_plan<tokens = 256>); plan the unplanned program
// RUN: moe-opt %S/Inputs/wse-layer.mlir --moe-wse-plan | not moe-opt --moe-gpu-plan 2>&1 | FileCheck %s --check-prefix=CHECK-CROSS2
// CHECK-CROSS2: error: the module is already planned (moe.plan = #moe.wse_plan<batch = 4, seq_len = 64>); plan the unplanned program

// RUN: not moe-opt %s -split-input-file --moe-wse-plan 2>&1 | FileCheck %s --check-prefix=CHECK-SPLIT
// RUN: not moe-opt %s -split-input-file --moe-wse-plan="tiles=auto" 2>&1 | FileCheck %s --check-prefix=CHECK-AUTO

// A tile of 4 sequences of 64 tokens holds 2 * 2 * 16 * 64 * 64 = 262144 B
// of attention scores and probabilities (4 heads per sequence), more than
// the 250 kB of SRAM the DLTI spec leaves.
// CHECK-SPLIT: error: a tile of 4 sequences of 64 tokens needs 262 kB of attention scores and probabilities, more than the 250 kB of SRAM of cs2; use more tiles
// With tiles=auto the smallest plan (G = 4: 49152 B of expert weights and
// 131072 B of expert buffers) needs 180 kB, more than 150 kB.
// CHECK-AUTO: error: no tile count fits cs2's 150 kB of SRAM with 4 sequences of 64 tokens per system (the smallest plan needs 180 kB)
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "wse" = #dlti.target_device_spec<"memory_capacity" = 2.5e5 : f64>>} {
  func.func @layer(%x: tensor<256x64xbf16>,
                   %norm: tensor<64xbf16> {moe.param = "norm"},
                   %wq: tensor<64x64xbf16> {moe.param = "wq"},
                   %wk: tensor<64x32xbf16> {moe.param = "wk"},
                   %wv: tensor<64x32xbf16> {moe.param = "wv"},
                   %wo: tensor<64x64xbf16> {moe.param = "wo"},
                   %g: tensor<64x8xbf16> {moe.param = "router"},
                   %wg: tensor<8x64x16xbf16> {moe.param = "gate"},
                   %wu: tensor<8x64x16xbf16> {moe.param = "up"},
                   %wd: tensor<8x16x64xbf16> {moe.param = "down"})
      -> tensor<256x64xbf16> {
    %n = moe.rms_norm %x, %norm epsilon = 1.0e-06 : tensor<256x64xbf16>, tensor<64xbf16>
    %a = moe.attention %n, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2 head_dim = 16
        seq_len = 64 causal
        : (tensor<256x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
           tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<256x64xbf16>
    %h = arith.addf %x, %a : tensor<256x64xbf16>
    %idx, %w = moe.router %h, %g top_k = 2 scoring = softmax renormalize
        : (tensor<256x64xbf16>, tensor<64x8xbf16>)
        -> (tensor<256x2xi32>, tensor<256x2xbf16>)
    %buf = moe.dispatch %h, %idx capacity_factor = 1.0
        : (tensor<256x64xbf16>, tensor<256x2xi32>) -> tensor<8x64x64xbf16>
    %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
        : (tensor<8x64x64xbf16>, tensor<8x64x16xbf16>,
           tensor<8x64x16xbf16>, tensor<8x16x64xbf16>)
        -> tensor<8x64x64xbf16>
    %o = moe.combine %y, %idx, %w
        : (tensor<8x64x64xbf16>, tensor<256x2xi32>, tensor<256x2xbf16>)
        -> tensor<256x64xbf16>
    %r = arith.addf %h, %o : tensor<256x64xbf16>
    return %r : tensor<256x64xbf16>
  }
}

// -----

module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "wse" = #dlti.target_device_spec<"memory_capacity" = 1.5e5 : f64>>} {
  func.func @layer(%x: tensor<256x64xbf16>,
                   %norm: tensor<64xbf16> {moe.param = "norm"},
                   %wq: tensor<64x64xbf16> {moe.param = "wq"},
                   %wk: tensor<64x32xbf16> {moe.param = "wk"},
                   %wv: tensor<64x32xbf16> {moe.param = "wv"},
                   %wo: tensor<64x64xbf16> {moe.param = "wo"},
                   %g: tensor<64x8xbf16> {moe.param = "router"},
                   %wg: tensor<8x64x16xbf16> {moe.param = "gate"},
                   %wu: tensor<8x64x16xbf16> {moe.param = "up"},
                   %wd: tensor<8x16x64xbf16> {moe.param = "down"})
      -> tensor<256x64xbf16> {
    %n = moe.rms_norm %x, %norm epsilon = 1.0e-06 : tensor<256x64xbf16>, tensor<64xbf16>
    %a = moe.attention %n, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2 head_dim = 16
        seq_len = 64 causal
        : (tensor<256x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
           tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<256x64xbf16>
    %h = arith.addf %x, %a : tensor<256x64xbf16>
    %idx, %w = moe.router %h, %g top_k = 2 scoring = softmax renormalize
        : (tensor<256x64xbf16>, tensor<64x8xbf16>)
        -> (tensor<256x2xi32>, tensor<256x2xbf16>)
    %buf = moe.dispatch %h, %idx capacity_factor = 1.0
        : (tensor<256x64xbf16>, tensor<256x2xi32>) -> tensor<8x64x64xbf16>
    %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
        : (tensor<8x64x64xbf16>, tensor<8x64x16xbf16>,
           tensor<8x64x16xbf16>, tensor<8x16x64xbf16>)
        -> tensor<8x64x64xbf16>
    %o = moe.combine %y, %idx, %w
        : (tensor<8x64x64xbf16>, tensor<256x2xi32>, tensor<256x2xbf16>)
        -> tensor<256x64xbf16>
    %r = arith.addf %h, %o : tensor<256x64xbf16>
    return %r : tensor<256x64xbf16>
  }
}

// -----

// CHECK-SPLIT: error: cannot find the program's token count (no moe.embedding or moe.router with a static shape)
func.func @no_tokens(%x: tensor<8x8xbf16>) -> tensor<8x8xbf16> {
  return %x : tensor<8x8xbf16>
}

// -----

// CHECK-SPLIT: error: 'moe.attention' op has seq_len 32 but an earlier attention has 64; a plan needs one sequence length
func.func @two_lengths(%x: tensor<64x64xbf16>, %g: tensor<64x8xbf16> {moe.param = "g"},
    %wq: tensor<64x64xbf16> {moe.param = "wq"}, %wk: tensor<64x32xbf16> {moe.param = "wk"},
    %wv: tensor<64x32xbf16> {moe.param = "wv"}, %wo: tensor<64x64xbf16> {moe.param = "wo"})
    -> tensor<64x64xbf16> {
  %idx, %w = moe.router %x, %g top_k = 2 scoring = softmax
      : (tensor<64x64xbf16>, tensor<64x8xbf16>) -> (tensor<64x2xi32>, tensor<64x2xbf16>)
  %a = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2 head_dim = 16 seq_len = 64
      : (tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>, tensor<64x32xbf16>,
         tensor<64x64xbf16>) -> tensor<64x64xbf16>
  %b = moe.attention %a, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2 head_dim = 16 seq_len = 32
      : (tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>, tensor<64x32xbf16>,
         tensor<64x64xbf16>) -> tensor<64x64xbf16>
  return %b : tensor<64x64xbf16>
}

// -----

// CHECK-SPLIT: error: 'arith.addf' op has a dynamic shape; --moe-wse-plan needs static shapes
func.func @dynamic(%x: tensor<64x64xbf16>, %g: tensor<64x8xbf16> {moe.param = "g"},
                   %d: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %idx, %w = moe.router %x, %g top_k = 2 scoring = softmax
      : (tensor<64x64xbf16>, tensor<64x8xbf16>) -> (tensor<64x2xi32>, tensor<64x2xbf16>)
  %r = arith.addf %d, %d : tensor<?x64xbf16>
  return %r : tensor<?x64xbf16>
}

// -----

// Token tensors are recognised by their first dimension: a weight without
// moe.param whose rows equal the program's 64 tokens is re-typed with them
// and the plan no longer verifies.
// RUN: not moe-opt %s -split-input-file --moe-wse-plan="batch=2" 2>&1 | FileCheck %s --check-prefix=CHECK-RETYPE
// CHECK-RETYPE: error: the wafer-scale plan could not re-type this function consistently; mark every weight argument with {moe.param = "name"} so that it is not taken for a tensor of 64 tokens
func.func @unmarked_weight(%x: tensor<64x64xbf16>, %g: tensor<64x8xbf16>)
    -> tensor<64x2xbf16> {
  %idx, %w = moe.router %x, %g top_k = 2 scoring = softmax
      : (tensor<64x64xbf16>, tensor<64x8xbf16>) -> (tensor<64x2xi32>, tensor<64x2xbf16>)
  return %w : tensor<64x2xbf16>
}

// -----

// Tiles hold whole sequences of each attention's own rows: an attention over
// one sequence of a two-sequence program cannot run on two tiles.
// RUN: not moe-opt %s -split-input-file --moe-wse-plan="tiles=2" 2>&1 | FileCheck %s --check-prefix=CHECK-ROWS
// CHECK-ROWS: error: 'moe.attention' op cannot run on 2 tiles of whole sequences of 32 tokens: it has 32 rows
func.func @short_attention(%x: tensor<64x64xbf16>, %g: tensor<64x8xbf16> {moe.param = "g"},
    %y: tensor<32x64xbf16>,
    %wq: tensor<64x64xbf16> {moe.param = "wq"}, %wk: tensor<64x32xbf16> {moe.param = "wk"},
    %wv: tensor<64x32xbf16> {moe.param = "wv"}, %wo: tensor<64x64xbf16> {moe.param = "wo"})
    -> tensor<32x64xbf16> {
  %idx, %w = moe.router %x, %g top_k = 2 scoring = softmax
      : (tensor<64x64xbf16>, tensor<64x8xbf16>) -> (tensor<64x2xi32>, tensor<64x2xbf16>)
  %b = moe.attention %y, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2 head_dim = 16 seq_len = 32
      : (tensor<32x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>, tensor<64x32xbf16>,
         tensor<64x64xbf16>) -> tensor<32x64xbf16>
  return %b : tensor<32x64xbf16>
}

// -----

// A returned dispatch buffer: 2 systems of 8 tokens (one sequence each)
// have ceil(1.25 * 8 * 2 / 8) = 3 slots each, not the program's 5.
// RUN: not moe-opt %S/Inputs/returns-buffer.mlir --moe-wse-plan="systems=2 batch=2 seq-len=8" 2>&1 | FileCheck %s --check-prefix=CHECK-RESULT
// CHECK-RESULT: error: 'func.func' op returns 'tensor<8x5x32xf32>' (result #0), which is 'tensor<8x3x32xf32>' on each device of the wafer-scale plan
