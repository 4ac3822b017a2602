// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-wafer.json tokens=32" | FileCheck %s

// Forward-only costs of wse plans on the unit wafer (Inputs/unit-wafer.json,
// weights stream at 1e9 B/s) and what the wafer's SRAM holds.

// SwarmX: broadcasting to 4 systems crosses ceil(log2 4) = 2 tree levels of
// 1e-6 s each: W (8192 B) streams in 8.192e-6 + 2e-6 = 1.0192e-5 s. The
// forward pass takes max(compute 2.1e-6, weights in) plus the fill, 2.0384e-5
// s. Gradients are reduced only when training: 0 s here.
// CHECK: moe.cost_summary = #moe.cost_summary<{{.*}}seconds = 2.0384e-05,
// CHECK: func.func @swarmx_latency
// CHECK: wse.stream_weights {{.*}}network = 8192, seconds = 2.0384e-05, bound = weight_io>
// CHECK: linalg.matmul {{.*}}seconds = 0, bound = compute>
// CHECK: wse.reduce_gradients {{.*}}network = 0, seconds = 0, bound = none>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "wse" = #dlti.target_device_spec<"inter_node_latency" = 1.0e-6 : f64>>} {
  func.func @swarmx_latency(%x: tensor<256x64xbf16>,
                            %w: tensor<64x64xbf16> {moe.param = "layers.0.w"})
      -> tensor<256x64xbf16> {
    %s = wse.stream_weights %w systems = 4 : tensor<64x64xbf16> loc("layers.0.proj.stream_weights")
    %e = tensor.empty() : tensor<256x64xbf16> loc("layers.0.proj")
    %y = linalg.matmul ins(%x, %s : tensor<256x64xbf16>, tensor<64x64xbf16>)
                       outs(%e : tensor<256x64xbf16>) -> tensor<256x64xbf16> loc("layers.0.proj")
    %g = wse.reduce_gradients %s systems = 4 : tensor<64x64xbf16> loc("layers.0.proj.reduce_gradients")
    wse.optimizer_step %w, %g optimizer = "adamw" : tensor<64x64xbf16> loc("layers.0.proj.optimizer_step")
    return %y : tensor<256x64xbf16>
  }
}

// -----

// Attention is not fused on a wafer: the scores and probabilities of every
// (sequence, head) of a tile are held at once, 2 * b * count * S * S bytes.
// Two sequences of S = 16 in one tile: count = 2 * 4 heads = 8, 2 * 2 * 8 *
// 16 * 16 = 8192 B; with the tile's input and output (32 x 64 bf16, 4096 B
// each) the attention holds 16384 B, more than wse.batch_tiles' own input
// and result (8192 B). Streamed weights are the attention's (wq 8192, wk
// 4096, wv 4096, wo 8192 B): 24576 B. Total 40960 B.
// The attention does 786432 FLOPs of projections (2 * 32 * (64*64 + 2 *
// 64*32 + 64*64)) and 2 * 8 * 16 * 8.5 * 32 = 69632 in the causal core
// (8.5 keys per query): 856064.
// CHECK: moe.cost_summary = #moe.cost_summary<{{.*}}memory = <weights = 24576, gradients = 0, optimizer = 0, activations = 16384, kv_cache = 0, total = 40960, capacity = 1.0e+09>>
// CHECK: func.func @one_tile
// CHECK: wse.batch_tiles {{.*}}tiles = 1
// CHECK: moe.attention {{.*}}moe.cost = #moe.cost<flops = 856064,
module {
  func.func @one_tile(%x: tensor<32x64xbf16>,
      %wq: tensor<64x64xbf16> {moe.param = "wq"}, %wk: tensor<64x32xbf16> {moe.param = "wk"},
      %wv: tensor<64x32xbf16> {moe.param = "wv"}, %wo: tensor<64x64xbf16> {moe.param = "wo"})
      -> tensor<32x64xbf16> {
    %q = wse.stream_weights %wq systems = 1 : tensor<64x64xbf16>
    %k = wse.stream_weights %wk systems = 1 : tensor<64x32xbf16>
    %v = wse.stream_weights %wv systems = 1 : tensor<64x32xbf16>
    %o = wse.stream_weights %wo systems = 1 : tensor<64x64xbf16>
    %y = wse.batch_tiles %x tiles = 1 : tensor<32x64xbf16> -> tensor<32x64xbf16> {
    ^bb0(%t: tensor<32x64xbf16>):
      %a = moe.attention %t, %q, %k, %v, %o heads = 4 kv_heads = 2 head_dim = 16
          seq_len = 16 causal
          : (tensor<32x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
             tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<32x64xbf16>
      wse.yield %a : tensor<32x64xbf16>
    }
    return %y : tensor<32x64xbf16>
  }
}

// -----

// Batch tiling: two tiles of one sequence. Each tile's attention holds
// 2 * 2 * 4 * 16 * 16 = 4096 B of scores plus 2048 + 2048 B of input and
// output: 8192 B, as much as the regrouped input and result. Activations
// halve to 8192 B (total 32768 B); the FLOPs do not change (the body runs
// twice: 856064), and regrouping copies the result once (2 * 4096 B).
// CHECK: moe.cost_summary = #moe.cost_summary<{{.*}}memory = <weights = 24576, gradients = 0, optimizer = 0, activations = 8192, kv_cache = 0, total = 32768, capacity = 1.0e+09>>
// CHECK: func.func @two_tiles
// CHECK: wse.batch_tiles {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 8192,
// CHECK: moe.attention {{.*}}moe.cost = #moe.cost<flops = 856064,
module {
  func.func @two_tiles(%x: tensor<32x64xbf16>,
      %wq: tensor<64x64xbf16> {moe.param = "wq"}, %wk: tensor<64x32xbf16> {moe.param = "wk"},
      %wv: tensor<64x32xbf16> {moe.param = "wv"}, %wo: tensor<64x64xbf16> {moe.param = "wo"})
      -> tensor<32x64xbf16> {
    %q = wse.stream_weights %wq systems = 1 : tensor<64x64xbf16>
    %k = wse.stream_weights %wk systems = 1 : tensor<64x32xbf16>
    %v = wse.stream_weights %wv systems = 1 : tensor<64x32xbf16>
    %o = wse.stream_weights %wo systems = 1 : tensor<64x64xbf16>
    %y = wse.batch_tiles %x tiles = 2 : tensor<32x64xbf16> -> tensor<32x64xbf16> {
    ^bb0(%t: tensor<16x64xbf16>):
      %a = moe.attention %t, %q, %k, %v, %o heads = 4 kv_heads = 2 head_dim = 16
          seq_len = 16 causal
          : (tensor<16x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
             tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<16x64xbf16>
      wse.yield %a : tensor<16x64xbf16>
    }
    return %y : tensor<32x64xbf16>
  }
}

// -----

// A wse plan on a GPU machine is an error, not a silent mispricing.
// RUN: not moe-opt %s -split-input-file --moe-cost="machine=h100-sxm" 2>&1 | FileCheck %s --check-prefix=GPU
// GPU: error: the module has a wafer-scale weight-streaming plan but machine 'h100-sxm' is not a wafer
module attributes {moe.plan = #moe.wse_plan<systems = 1, tiles = 1, batch = 1, seq_len = 32>} {
  func.func @planned(%x: tensor<4x4xbf16>) -> tensor<4x4xbf16> {
    return %x : tensor<4x4xbf16>
  }
}
