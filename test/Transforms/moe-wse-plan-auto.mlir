// RUN: moe-opt %s -split-input-file --moe-wse-plan="tiles=auto" | FileCheck %s
// RUN: moe-opt %s -split-input-file --moe-wse-plan="tiles=auto" --moe-cost=machine=cs2 | FileCheck %s --check-prefix=COST

// tiles=auto plans and costs every G dividing the sequences per system and
// keeps the best tokens/s that fits the wafer. The layer of
// Inputs/wse-layer.mlir (4 sequences of 64 tokens) on a CS-2 whose SRAM is
// cut to 250 kB by the module's DLTI spec, forward. Wafer memory
// (docs/CostModel.md, "Wafer SRAM") is the largest op's weights (the
// experts: 3 * 8 * 64 * 16 * 2 = 49152 B) plus the largest op's working
// set:
//   G = 1: the attention holds its input and output (2 * 32768 B) and the
//          scores and probabilities of 4 sequences x 4 heads, 2 * 2 * 16 *
//          64 * 64 = 262144 B: 327680 B; 376832 B in all: does not fit;
//   G = 2: 2 * 16384 + 131072 = 163840 B (the experts' buffers in and out
//          are 131072 B): 212992 B: fits;
//   G = 4: the experts' 131072 B: 180224 B: fits.
// G = 2 and G = 4 run equally fast (the same FLOPs; one regrouping copy
// each): the fewest tiles win.
// CHECK: moe.plan = #moe.wse_plan<tiles = 2, batch = 4,
// CHECK: wse.batch_tiles {{.*}}tiles = 2
// COST: memory = <weights = 49152, gradients = 0, optimizer = 0, activations = 163840, kv_cache = 0, total = 212992, capacity = 250000>
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

// With the whole SRAM every G fits; one tile is the fastest (no regrouping
// copy).
// CHECK: moe.plan = #moe.wse_plan<batch = 4,
module {
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
