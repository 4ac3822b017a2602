// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json" | FileCheck %s --check-prefix=CHECK-FWD
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-FWD-JSON
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train" | FileCheck %s --check-prefix=CHECK-TRAIN
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-TRAIN-JSON
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train recompute" | FileCheck %s --check-prefix=CHECK-RECOMP
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train recompute" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-RECOMP-JSON
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train micro-batches=2" | FileCheck %s --check-prefix=CHECK-MICRO
// RUN: moe-opt %s -split-input-file --moe-cost="machine-file=%S/Inputs/unit-machine.json phase=train micro-batches=2" --moe-cost-report=format=json -o /dev/null | FileCheck %s --check-prefix=CHECK-MICROJSON

// The training step on the unit machine (Inputs/unit-machine.json): peak
// 1e12 FLOP/s, memory 1e11 B/s, every efficiency 1, no kernel latency, 1x1
// tiles on one compute unit. A kernel takes max(FLOPs / 1e12, bytes / 1e11).
//
// A training step is forward + backward + optimizer:
// - GEMM [m x k] * [k x n]: backward = input gradient [m x n] * [n x k] plus
//   weight gradient [k x m] * [m x n]; each has the forward's FLOPs and
//   bytes, so with 1x1 tiles fwd + bwd = 3x the forward. A weight's
//   gradient also accumulates into its 16-bit main_grad buffer: the weight
//   gradient GEMM reads it, k*n*2 more bytes.
// - fused attention core: backward does 2.5x the forward FLOPs and moves 2x
//   the bytes, at the backward efficiency (1 here).
// - memory-bound kernels: backward does 2x the FLOPs and moves what each
//   kernel states: 2x the bytes for an element-wise op (read the saved
//   input and the output gradient, write the input gradient); RMSNorm reads
//   x, dy and the weight and writes dx: (3*x + w) against the forward's
//   (2*x + w); SwiGLU reads both inputs and dy and writes two gradients
//   (5/3x), GELU 3/2x; a permutation's backward is the inverse permutation
//   (1x); the combine reads dy and the saved routed rows and writes their
//   gradient (T + 2R rows against T + R); the router's fused top-k/softmax
//   backward reads the chosen weights' gradients and the probabilities and
//   writes the scores' gradient (2 score tensors against 1).
// - optimizer: AdamW reads and writes 28 bytes per parameter, once per step,
//   charged to the first op that reads the parameter.
// - recompute: the forward runs again inside the backward.
// - micro-batches: forward and backward run once per micro-batch, the
//   optimizer once.

//===----------------------------------------------------------------------===//
// Attention: GEMMs, the core, and the optimizer over 4 weights
//===----------------------------------------------------------------------===//

// Forward (see moe-cost-ops.mlir, @attention_causal): q and o GEMMs 65536
// FLOPs, 6144 bytes, 6.5536e-8 s (compute) each; k and v GEMMs 32768 FLOPs,
// 4096 bytes, 4.096e-8 s (memory) each; core 34816 FLOPs, 8192 bytes,
// 8.192e-8 s. Total 231424 FLOPs, 28672 bytes, 2.94912e-7 s.
// CHECK-FWD-LABEL: func.func @attention
// CHECK-FWD: moe.attention {{.*}}moe.cost = #moe.cost<flops = 231424, bytes = 28672, network = 0, seconds = 2.94912e-07, bound = memory>
//
// Train:
//   GEMMs fwd + bwd: 3 x (2*65536 + 2*32768) = 589824 FLOPs,
//     3 x (2*6144 + 2*4096) + main_grad reads 2*(32*32 + 32*16)*2 = 6144:
//     67584 bytes. q and o: forward and input gradient 6.5536e-8 s (compute)
//     each, weight gradient (6144 + 2048) / 1e11 = 8.192e-8 s (memory);
//     k and v: 4.096e-8 s each, weight gradient 5120 / 1e11 = 5.12e-8 s:
//     2 * (2*6.5536e-8 + 8.192e-8) + 2 * (2*4.096e-8 + 5.12e-8)
//     = 6.92224e-7 s;
//   core backward: 2.5*34816 = 87040 FLOPs, 2*8192 = 16384 bytes,
//     max(87040*9/8.5 / 1e12 = 9.216e-8 (per-tile mask: 9 keys computed
//     for 8.5 attended), 1.6384e-7) = 1.6384e-7 s; core fwd + bwd: 121856 FLOPs,
//     24576 bytes, 2.4576e-7 s;
//   AdamW over wq 32*32 + wk 32*16 + wv 32*16 + wo 32*32 = 3072 parameters:
//     3072*28 = 86016 bytes, 8.6016e-7 s.
//   total: 589824 + 121856 = 711680 FLOPs; 67584 + 24576 + 86016 = 178176
//     bytes; 6.92224e-7 + 2.4576e-7 + 8.6016e-7 = 1.798144e-6 s.
//     Memory-bound time (k, v, the weight gradients of q and o, core, AdamW)
//     1.53600e-6 s beats compute-bound (q, o) 2.62144e-7 s.
// CHECK-TRAIN-LABEL: func.func @attention
// CHECK-TRAIN: moe.attention {{.*}}moe.cost = #moe.cost<flops = 711680, bytes = 178176, network = 0, seconds = 1.79814e-06, bound = memory>
//
// Recompute adds one more forward: 711680 + 231424 = 943104 FLOPs,
// 178176 + 28672 = 206848 bytes, 1.798144e-6 + 2.94912e-7 = 2.093056e-6 s.
// CHECK-RECOMP-LABEL: func.func @attention
// CHECK-RECOMP: moe.attention {{.*}}moe.cost = #moe.cost<flops = 943104, bytes = 206848, network = 0, seconds = 2.09306e-06, bound = memory>
//
// 2 micro-batches: forward + backward twice (main_grad read each time),
// AdamW once: 2*711680 = 1423360 FLOPs, 2*(178176 - 86016) + 86016 = 270336
// bytes, 2*(1.798144e-6 - 8.6016e-7) + 8.6016e-7 = 2.736128e-6 s.
// CHECK-MICRO-LABEL: func.func @attention
// CHECK-MICRO: moe.attention {{.*}}moe.cost = #moe.cost<flops = 1.42336e+06, bytes = 270336, network = 0, seconds = 2.73613e-06, bound = memory>
func.func @attention(%x: tensor<32x32xbf16>, %wq: tensor<32x32xbf16>,
                     %wk: tensor<32x16xbf16>, %wv: tensor<32x16xbf16>,
                     %wo: tensor<32x32xbf16>) -> tensor<32x32xbf16> {
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 2 kv_heads = 1
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x32xbf16>, tensor<32x32xbf16>, tensor<32x16xbf16>,
         tensor<32x16xbf16>, tensor<32x32xbf16>) -> tensor<32x32xbf16>
  return %y : tensor<32x32xbf16>
}

// A weight read twice gets one optimizer step, charged to its first reader.
// rms_norm [16 x 32] bf16: forward 2048 FLOPs, 2*1024 + 64 = 2112 bytes;
// backward 4096 FLOPs, 3*1024 + 64 = 3136 bytes; fwd + bwd 6144 FLOPs,
// 5248 bytes, 5.248e-8 s. The first also pays AdamW over the 32-wide
// weight: 32*28 = 896 bytes, 8.96e-9 s: 6144 bytes, 6.144e-8 s.
// CHECK-TRAIN-LABEL: func.func @shared_weight
// CHECK-TRAIN: moe.rms_norm {{.*}}moe.cost = #moe.cost<flops = 6144, bytes = 6144, network = 0, seconds = 6.144e-08, bound = memory>
// CHECK-TRAIN: moe.rms_norm {{.*}}moe.cost = #moe.cost<flops = 6144, bytes = 5248, network = 0, seconds = 5.248e-08, bound = memory>
func.func @shared_weight(%x: tensor<16x32xbf16>, %w: tensor<32xbf16>)
    -> tensor<16x32xbf16> {
  %a = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x32xbf16>, tensor<32xbf16>
  %b = moe.rms_norm %a, %w epsilon = 1.0e-06 : tensor<16x32xbf16>, tensor<32xbf16>
  return %b : tensor<16x32xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// Backward GEMM shapes: tile quantisation tells them apart
//===----------------------------------------------------------------------===//

// The DLTI spec refines the unit machine: 16 x 16 tiles (a GEMM is padded to
// whole tiles, 2*waves*16*16*k FLOPs of work on one unit) and 1e12 B/s.
// A[8 x 32] * W[32 x 16], W a parameter (512 of them):
//   forward  [m=8,  n=16, k=32]: 1 x 1 tiles, 2*16*16*32 = 16384 padded FLOPs,
//            1.6384e-8 s; bytes (256 + 512 + 128)*2 = 1792, 1.792e-9 s;
//   input gradient  [m=8,  n=32, k=16]: 1 x 2 tiles, 2*2*16*16*16 = 16384,
//            1.6384e-8 s;
//   weight gradient [m=32, n=16, k=8]: 2 x 1 tiles, 2*2*16*16*8 = 8192,
//            8.192e-9 s;
//            its bytes 1792 + main_grad read 32*16*2 = 2816, 2.816e-9 s;
//   AdamW: 512*28 = 14336 bytes, 1.4336e-8 s.
// total: FLOPs 3*2*8*16*32 = 24576; bytes 3*1792 + 1024 + 14336 = 20736;
//   time 1.6384e-8 + 1.6384e-8 + 8.192e-9 + 1.4336e-8 = 5.5296e-8; compute
//   (4.096e-8 s) over memory (1.4336e-8 s).
// (Had the weight gradient been priced with the forward's shape it would
// take 1.6384e-8 s and the total would be 6.3488e-8 s.)
// CHECK-TRAIN-LABEL: func.func @backward_shapes
// CHECK-TRAIN: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 24576, bytes = 20736, network = 0, seconds = 5.5296e-08, bound = compute>
module attributes {dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"tile_m" = 16 : i64, "tile_n" = 16 : i64,
                                     "memory_bandwidth" = 1.0e12 : f64>>} {
  func.func @backward_shapes(%a: tensor<8x32xbf16>,
                             %w: tensor<32x16xbf16> {moe.param = "w"},
                             %c: tensor<8x16xbf16>) -> tensor<8x16xbf16> {
    %r = linalg.matmul ins(%a, %w : tensor<8x32xbf16>, tensor<32x16xbf16>)
                       outs(%c : tensor<8x16xbf16>) -> tensor<8x16xbf16>
    return %r : tensor<8x16xbf16>
  }
}

// -----

// The same GEMM under a plan whose gradients accumulate in FP32
// (fp32_grads): the weight-gradient GEMM reads the 4-byte main_grad and
// writes 4 bytes instead of 2: 512*(4 + 4 - 2) = 3072 more bytes (not
// 1024); its time stays compute-bound (4864 / 1e12 = 4.864e-9 s < 8.192e-9
// s). Bytes 3*1792 + 3072 + 14336 = 22784; the gradient buffer is 512*4 =
// 2048 bytes.
// CHECK-TRAIN-LABEL: func.func @fp32_gradients
// CHECK-TRAIN: linalg.matmul {{.*}}moe.cost = #moe.cost<flops = 24576, bytes = 22784, network = 0, seconds = 5.5296e-08, bound = compute>
// CHECK-TRAIN-JSON: "gradients": 2048,
module attributes {moe.plan = #moe.gpu_plan<fp32_grads = true>,
    dlti.target_system_spec = #dlti.target_system_spec<
    "gpu" = #dlti.target_device_spec<"tile_m" = 16 : i64, "tile_n" = 16 : i64,
                                     "memory_bandwidth" = 1.0e12 : f64>>} {
  func.func @fp32_gradients(%a: tensor<8x32xbf16>,
                            %w: tensor<32x16xbf16> {moe.param = "w"},
                            %c: tensor<8x16xbf16>) -> tensor<8x16xbf16> {
    %r = linalg.matmul ins(%a, %w : tensor<8x32xbf16>, tensor<32x16xbf16>)
                       outs(%c : tensor<8x16xbf16>) -> tensor<8x16xbf16>
    return %r : tensor<8x16xbf16>
  }
}

// -----

//===----------------------------------------------------------------------===//
// The summary: parameters, memory per device, totals
//===----------------------------------------------------------------------===//

// Two layers, named by location: layers.0 is an MoE block (T = 16, H = 32,
// E = 4 experts, top_k = 2, F = 16, capacity 16), layers.1 a GELU FFN
// (F = 64). The per-op forward figures are those of moe-cost-ops.mlir:
//   op          FLOPs    bytes   (all memory-bound: time = bytes / 1e11)
//   rms_norm     2048     2112
//   router       4416     1728
//   dispatch        0     3200
//   experts    100864    24576
//   combine      2048     3264
//   rms_norm     2048     2112
//   ffn        135168    18432
//   total      246592    55424   -> 5.5424e-7 s
// Parameters: norms 32 + 32, router gate 32*4 = 128, experts 3 * 4*32*16 =
// 6144, FFN 32*64 + 64*32 = 4096: 10432 in all. Active per token: experts
// count top_k / E = 1/2: 10432 - 6144/2 = 7360. bf16 weights: 20864 bytes.
// Tokens per step: the router's 16 rows.
//
// Forward: activations = the largest live set of one op: the experts' input
// and output buffers, 2 x 4*16*32*2 = 8192 bytes. Memory 20864 + 8192 =
// 29056. tokens/s = 16 / 5.5424e-7 = 2.88684e7; MFU = 246592 /
// (5.5424e-7 * 1e12) = 0.444919.
// CHECK-FWD: moe.cost_summary = #moe.cost_summary<machine = "unit", phase = forward, tokens = 16, devices = 1, seconds = 5.5424e-07, flops = 246592, model_flops = 246592, bytes = 55424, network_bytes = 0, params = 10432, active_params = 7360, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 20864, gradients = 0, optimizer = 0, activations = 8192, kv_cache = 0, total = 29056, capacity = 1.0e+12>>
// CHECK-FWD-JSON: "tokens": 16,
// CHECK-FWD-JSON: "tokens_per_second": 2886836{{[0-9.]*}},
// CHECK-FWD-JSON: "mfu": 0.44491{{[0-9]*}},
//
// Train: every kernel here is a GEMM or memory-bound, so fwd + bwd = 3x the
// forward FLOPs: 739776. Bytes, fwd + bwd per op (the rules above):
//   rms_norm  2112 + 3136                                          =  5248
//   router    gate 3*1408 + main_grad 32*4*2; top-k 320 + (2*128 + 192)
//             = 4480 + 768                                          =  5248
//   dispatch  3200 + 3200 (its inverse)                             =  6400
//   experts   3 GEMMs x (3*7168 + main_grad 4*512*2 = 4096) = 76800;
//             SwiGLU 3072 * (1 + 5/3) = 8192                        = 84992
//   combine   3264 + ((16 + 2*32)*32*2 + 192 = 5312)                =  8576
//   rms_norm                                                          5248
//   ffn       2 GEMMs x (3*7168 + 64*32*2 = 4096) = 51200; GELU 4096 *
//             (1 + 3/2) = 10240                                     = 61440
//   total 177152; AdamW 28*10432 = 292096 bytes.
// bytes 469248, time 469248 / 1e11 = 4.69248e-6 s; model FLOPs 3 x forward =
// 739776; MFU 739776 / (4.69248e-6 * 1e12) = 0.157651; tokens/s 16 /
// 4.69248e-6 = 3.40971e6.
// Memory (ZeRO mixed precision): weights 2 B/param = 20864, gradients
// 2 B/param = 20864, optimizer 12 B/param = 125184; activations saved for
// the backward, per layer:
//   layers.0: rms_norm input 1024; router input 1024 + scores 16*4*2 = 128;
//             dispatch indices 16*2*4 = 128; experts 4*8 routed rows x
//             (H + 3F = 80) x 2 = 5120; combine weights 64 + indices 128 =
//             192: 7616.
//   layers.1: rms_norm input 1024; ffn 16 x (H + 2F = 160) x 2 = 5120: 6144.
//   (func.return keeps nothing.) Total 13760.
// Memory total 20864 + 20864 + 125184 + 13760 = 180672.
// CHECK-TRAIN: moe.cost_summary = #moe.cost_summary<machine = "unit", phase = train, tokens = 16, devices = 1, seconds = 4.69248e-06, flops = 739776, model_flops = 739776, bytes = 469248, network_bytes = 0, params = 10432, active_params = 7360, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 20864, gradients = 20864, optimizer = 125184, activations = 13760, kv_cache = 0, total = 180672, capacity = 1.0e+12>>
// CHECK-TRAIN-JSON: "tokens": 16,
// CHECK-TRAIN-JSON: "tokens_per_second": 340971{{[0-9.]*}},
// CHECK-TRAIN-JSON: "mfu": 0.15765{{[0-9]*}},
//
// Recompute: one more forward: 986368 FLOPs, 177152 + 55424 + 292096 =
// 524672 bytes, 5.24672e-6 s; model FLOPs stay 739776 (MFU 0.140998). Activations: each
// layer's input (1024 + 1024) plus the largest layer (7616) = 9664; memory
// 20864 + 20864 + 125184 + 9664 = 176576.
// CHECK-RECOMP: moe.cost_summary = #moe.cost_summary<machine = "unit", phase = train, tokens = 16, devices = 1, seconds = 5.24672e-06, flops = 986368, model_flops = 739776, bytes = 524672, network_bytes = 0, params = 10432, active_params = 7360, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 20864, gradients = 20864, optimizer = 125184, activations = 9664, kv_cache = 0, total = 176576, capacity = 1.0e+12>>
// CHECK-RECOMP-JSON: "tokens": 16,
// CHECK-RECOMP-JSON: "tokens_per_second": 304952{{[0-9.]*}},
// CHECK-RECOMP-JSON: "mfu": 0.14099{{[0-9]*}},
//
// 2 micro-batches: 2 x 739776 = 1479552 FLOPs, 2 x 177152 + 292096 = 646400
// bytes, 6.464e-6 s, 32 tokens (tokens/s 4.95050e6), model FLOPs 1479552
// (MFU 0.228891); memory per device unchanged (180672).
// CHECK-MICRO: moe.cost_summary = #moe.cost_summary<machine = "unit", phase = train, tokens = 32, devices = 1, seconds = {{6\.46(4|39999+[0-9]*)e-06}}, flops = 1479552, model_flops = 1479552, bytes = 646400, network_bytes = 0, params = 10432, active_params = 7360, peak_flops = 1.0e+12, pipeline_bubble = 0, memory = <weights = 20864, gradients = 20864, optimizer = 125184, activations = 13760, kv_cache = 0, total = 180672, capacity = 1.0e+12>, micro_batches = 2>
// CHECK-MICROJSON: "tokens": 32,
// CHECK-MICROJSON: "seconds": {{6\.46(4|39999+[0-9]*)e-0?6}},
// CHECK-MICROJSON: "flops": 1479552,
// CHECK-MICROJSON: "model_flops": 1479552,
// CHECK-MICROJSON: "bytes": 646400,
// CHECK-MICROJSON: "tokens_per_second": 495049{{[0-9.]*}},
// CHECK-MICROJSON: "mfu": 0.22889{{[0-9]*}},
//
// Per op in training: the router is 3 x 4416 = 13248 FLOPs, 5248 bytes (as
// above) plus AdamW over its 128-parameter gate (3584 bytes): 8832 bytes,
// 8.832e-8 s. The experts are 3 x 100864 = 302592 FLOPs, 84992 bytes, plus
// AdamW over all 6144 expert parameters (every expert is updated): 172032
// bytes; 257024 bytes, 2.57024e-6 s. The dispatch 6400 bytes, 6.4e-8 s; the
// combine 3 x 2048 FLOPs, 8576 bytes, 8.576e-8 s.
// CHECK-TRAIN-LABEL: func.func @two_layers
// CHECK-TRAIN: moe.router {{.*}}moe.cost = #moe.cost<flops = 13248, bytes = 8832, network = 0, seconds = 8.832e-08, bound = memory>
// CHECK-TRAIN: moe.dispatch {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 6400, network = 0, seconds = 6.4e-08, bound = memory>
// CHECK-TRAIN: moe.experts {{.*}}moe.cost = #moe.cost<flops = 302592, bytes = 257024, network = 0, seconds = 2.57024e-06, bound = memory>
// CHECK-TRAIN: moe.combine {{.*}}moe.cost = #moe.cost<flops = 6144, bytes = 8576, network = 0, seconds = 8.576e-08, bound = memory>
func.func @two_layers(%x: tensor<16x32xbf16>, %n0: tensor<32xbf16>,
                      %gate: tensor<32x4xbf16>, %wg: tensor<4x32x16xbf16>,
                      %wu: tensor<4x32x16xbf16>, %wd: tensor<4x16x32xbf16>,
                      %n1: tensor<32xbf16>, %up: tensor<32x64xbf16>,
                      %down: tensor<64x32xbf16>) -> tensor<16x32xbf16> {
  %h = moe.rms_norm %x, %n0 epsilon = 1.0e-06
      : tensor<16x32xbf16>, tensor<32xbf16> loc("layers.0.norm")
  %idx, %w = moe.router %h, %gate top_k = 2 scoring = softmax
      : (tensor<16x32xbf16>, tensor<32x4xbf16>)
      -> (tensor<16x2xi32>, tensor<16x2xbf16>) loc("layers.0.router")
  %buf = moe.dispatch %h, %idx capacity_factor = 2.0
      : (tensor<16x32xbf16>, tensor<16x2xi32>) -> tensor<4x16x32xbf16>
      loc("layers.0.dispatch")
  %out = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<4x16x32xbf16>, tensor<4x32x16xbf16>, tensor<4x32x16xbf16>,
         tensor<4x16x32xbf16>) -> tensor<4x16x32xbf16> loc("layers.0.experts")
  %y = moe.combine %out, %idx, %w
      : (tensor<4x16x32xbf16>, tensor<16x2xi32>, tensor<16x2xbf16>)
      -> tensor<16x32xbf16> loc("layers.0.combine")
  %h1 = moe.rms_norm %y, %n1 epsilon = 1.0e-06
      : tensor<16x32xbf16>, tensor<32xbf16> loc("layers.1.norm")
  %z = moe.ffn %h1, up %up, down %down activation = gelu
      : (tensor<16x32xbf16>, tensor<32x64xbf16>, tensor<64x32xbf16>)
      -> tensor<16x32xbf16> loc("layers.1.ffn")
  return %z : tensor<16x32xbf16>
}

// -----

// Empty batches (0 tokens): a kernel whose forward moves nothing moves
// nothing backward either (no 0/0 traffic ratio; once, this printed
// bytes = -nan). The embedding pays only AdamW over its 16*32 table:
// 512*28 = 14336 bytes, 1.4336e-7 s. The norm moves only its 32-wide weight
// (64 bytes) forward and backward, and AdamW 32*28 = 896: 1024 bytes.
// CHECK-TRAIN-LABEL: func.func @empty_batch
// CHECK-TRAIN: moe.embedding {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 14336, network = 0, seconds = 1.4336e-07, bound = memory>
// CHECK-TRAIN: moe.rms_norm {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 1024, network = 0, seconds = 1.024e-08, bound = memory>
func.func @empty_batch(%ids: tensor<0xi32>,
                       %t: tensor<16x32xbf16> {moe.param = "t"},
                       %w: tensor<32xbf16> {moe.param = "w"})
    -> tensor<0x32xbf16> {
  %e = moe.embedding %ids, %t : (tensor<0xi32>, tensor<16x32xbf16>) -> tensor<0x32xbf16>
  %n = moe.rms_norm %e, %w epsilon = 1.0e-06 : tensor<0x32xbf16>, tensor<32xbf16>
  return %n : tensor<0x32xbf16>
}
