// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json" | FileCheck %s
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json imbalance=1.5" | FileCheck %s --check-prefix=IMB15
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json imbalance=3" | FileCheck %s --check-prefix=IMB3

// Forward cost of every moe op on the unit machine (Inputs/unit-machine.json):
// peak 1e12 FLOP/s, memory 1e11 B/s, every efficiency 1, no kernel latency,
// 1x1 tiles on one compute unit (so a GEMM's compute time is exactly
// FLOPs / 1e12). A kernel takes max(FLOPs / 1e12, bytes / 1e11) seconds (its
// bound is the larger term); an op takes the sum of its kernels and is bound
// by whatever bounds most of its time. Memory-bound kernels (element-wise,
// gathers) are priced on their bytes only. All tensors are bf16 (2 bytes)
// unless stated; indices are i32 (4 bytes).
//
// GEMM [m x k] * [k x n], `c` of them: FLOPs = 2*c*m*n*k,
// bytes = c*(m*k + k*n + m*n)*2.

//===----------------------------------------------------------------------===//
// moe.router
//===----------------------------------------------------------------------===//

// T = 16 tokens, H = 32, E = 4 experts, top_k = 2.
// gate GEMM m=16 n=4 k=32: FLOPs 2*16*4*32 = 4096;
//   bytes (16*32 + 32*4 + 16*4)*2 = (512 + 128 + 64)*2 = 1408;
//   time max(4.096e-9, 1.408e-8) = 1.408e-8 (memory).
// topk: 5 FLOPs per score, 16*4 = 64 scores -> 320 FLOPs;
//   bytes = scores*2 + T*k*(4 + 2) = 128 + 16*2*6 = 320; time 3.2e-9.
// total: FLOPs 4416, bytes 1728, time 1.728e-8, memory.
// CHECK-LABEL: func.func @router
// CHECK: moe.router {{.*}}moe.cost = #moe.cost<flops = 4416, bytes = 1728, network = 0, seconds = 1.728e-08, bound = memory>
// CHECK: return {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 0, seconds = 0, bound = none>
func.func @router(%x: tensor<16x32xbf16>, %gate: tensor<32x4xbf16>)
    -> (tensor<16x2xi32>, tensor<16x2xbf16>) {
  %idx, %w = moe.router %x, %gate top_k = 2 scoring = softmax
      : (tensor<16x32xbf16>, tensor<32x4xbf16>)
      -> (tensor<16x2xi32>, tensor<16x2xbf16>)
  return %idx, %w : tensor<16x2xi32>, tensor<16x2xbf16>
}

//===----------------------------------------------------------------------===//
// moe.dispatch
//===----------------------------------------------------------------------===//

// T = 16, H = 32, top_k = 2, E = 4, capacity_factor 2: C = 2*16*2/4 = 16,
// 64 slots >= T*k = 32 routed copies.
// permute: read T rows, write 32 routed rows, read the indices:
//   bytes = (16 + 32)*32*2 + 16*2*4 = 3072 + 128 = 3200; no FLOPs;
//   time 3200 / 1e11 = 3.2e-8.
// CHECK-LABEL: func.func @dispatch
// CHECK: moe.dispatch {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 3200, network = 0, seconds = 3.2e-08, bound = memory>
func.func @dispatch(%x: tensor<16x32xbf16>, %idx: tensor<16x2xi32>)
    -> tensor<4x16x32xbf16> {
  %buf = moe.dispatch %x, %idx capacity_factor = 2.0
      : (tensor<16x32xbf16>, tensor<16x2xi32>) -> tensor<4x16x32xbf16>
  return %buf : tensor<4x16x32xbf16>
}

// capacity_factor 0.5: C = 0.5*16*2/4 = 4, 16 slots < 32 routed copies, so
// only 16 rows are written:
//   bytes = (16 + 16)*32*2 + 16*2*4 = 2048 + 128 = 2176; time 2.176e-8.
// CHECK-LABEL: func.func @dispatch_dropping
// CHECK: moe.dispatch {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 2176, network = 0, seconds = 2.176e-08, bound = memory>
func.func @dispatch_dropping(%x: tensor<16x32xbf16>, %idx: tensor<16x2xi32>)
    -> tensor<4x4x32xbf16> {
  %buf = moe.dispatch %x, %idx capacity_factor = 0.5
      : (tensor<16x32xbf16>, tensor<16x2xi32>) -> tensor<4x4x32xbf16>
  return %buf : tensor<4x4x32xbf16>
}

//===----------------------------------------------------------------------===//
// moe.experts
//===----------------------------------------------------------------------===//

// The buffer comes from a dispatch of T = 16 tokens with top_k = 2 over E = 4
// experts (capacity 16), so each expert runs on the expected load
// T*k/E = 8 rows, not on its 16 capacity slots. H = 32, F = 16, SwiGLU.
// gate GEMM c=4 m=8 n=16 k=32: FLOPs 2*4*8*16*32 = 32768;
//   bytes 4*(8*32 + 32*16 + 8*16)*2 = 4*896*2 = 7168; time 7.168e-8 (memory).
// up GEMM: the same, 32768 FLOPs, 7168 bytes.
// act (SwiGLU, 5 FLOPs per element): 4*8*16 = 512 elements -> 2560 FLOPs;
//   reads gate and up, writes one: 3*512*2 = 3072 bytes; time 3.072e-8.
// down GEMM c=4 m=8 n=32 k=16: FLOPs 32768;
//   bytes 4*(8*16 + 16*32 + 8*32)*2 = 4*896*2 = 7168.
// total: FLOPs 3*32768 + 2560 = 100864, bytes 3*7168 + 3072 = 24576,
//   time 2.4576e-7, memory.
// CHECK-LABEL: func.func @experts_routed
// CHECK: moe.experts {{.*}}moe.cost = #moe.cost<flops = 100864, bytes = 24576, network = 0, seconds = 2.4576e-07, bound = memory>
//
// imbalance 1.5: expert 0 takes 1.5/4 = 0.375 of the 32 routed rows (12)
// and the three others 0.625/3 each (6.667): one device holds them all, so
// the grouped kernels keep their 32 rows and FLOPs (100864); on 1x1 tiles
// nothing is padded. An expert reads its weights only when a token picks
// it: expert 0 with probability 1 - (1 - 2*0.375)^16 = 1.0000, the others
// 1 - (1 - 2*0.2083)^16 = 0.99982, 3.99945 experts in all.
// gate/up/down: (32*(32 + 16) + 3.99945*32*16)*2 = 7167.44 bytes each;
// act 3072. Total 3*7167.44 + 3072 = 24574.3 bytes, 2.45743e-7 s.
// IMB15-LABEL: func.func @experts_routed
// IMB15: moe.experts {{.*}}moe.cost = #moe.cost<flops = 100864, bytes = 24574.3, network = 0, seconds = 2.45743e-07, bound = memory>
//
// imbalance 3 gives expert 0 0.75 of the rows (24) but it holds at most 16
// (the capacity, also one row per token): 8 rows are dropped. The others
// take 0.25/3 each (2.667 rows), each picked by some token with
// probability 1 - (1 - 2*0.08333)^16 = 0.94591: 24 rows run.
// gate/up/down: FLOPs 2*24*16*32 = 24576 each; bytes (24*48 + (1 +
// 3*0.94591)*512)*2 = 6234.0 each. act: 2560*24/32 = 1920 FLOPs,
// 3072*24/32 = 2304 bytes. Total FLOPs 3*24576 + 1920 = 75648, bytes
// 3*6234.0 + 2304 = 21005.5, time 2.10055e-7.
// IMB3-LABEL: func.func @experts_routed
// IMB3: moe.experts {{.*}}moe.cost = #moe.cost<flops = 75648, bytes = 21005.5, network = 0, seconds = 2.10055e-07, bound = memory>
func.func @experts_routed(%x: tensor<16x32xbf16>, %idx: tensor<16x2xi32>,
                          %wg: tensor<4x32x16xbf16>, %wu: tensor<4x32x16xbf16>,
                          %wd: tensor<4x16x32xbf16>) -> tensor<4x16x32xbf16> {
  %buf = moe.dispatch %x, %idx capacity_factor = 2.0
      : (tensor<16x32xbf16>, tensor<16x2xi32>) -> tensor<4x16x32xbf16>
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<4x16x32xbf16>, tensor<4x32x16xbf16>, tensor<4x32x16xbf16>,
         tensor<4x16x32xbf16>) -> tensor<4x16x32xbf16>
  return %y : tensor<4x16x32xbf16>
}

// Without a dispatch to trace the routing from, every capacity slot counts:
// 4 experts x 8 rows, GELU (not gated, 4 FLOPs per element), H = 32, F = 16.
// up GEMM c=4 m=8 n=16 k=32: FLOPs 32768, bytes 7168.
// act: 512 elements -> 2048 FLOPs; reads one, writes one: 2*512*2 = 2048 B.
// down GEMM: 32768 FLOPs, 7168 bytes.
// total: FLOPs 67584, bytes 16384, time 1.6384e-7.
// CHECK-LABEL: func.func @experts_capacity
// CHECK: moe.experts {{.*}}moe.cost = #moe.cost<flops = 67584, bytes = 16384, network = 0, seconds = 1.6384e-07, bound = memory>
func.func @experts_capacity(%buf: tensor<4x8x32xbf16>,
                            %wu: tensor<4x32x16xbf16>,
                            %wd: tensor<4x16x32xbf16>) -> tensor<4x8x32xbf16> {
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<4x8x32xbf16>, tensor<4x32x16xbf16>, tensor<4x16x32xbf16>)
      -> tensor<4x8x32xbf16>
  return %y : tensor<4x8x32xbf16>
}

// Expert parallelism: the dispatch fills a [8 experts x 8 slots] buffer
// (T = 16, top_k = 2, capacity_factor 2: C = 2*16*2/8 = 8) and an
// all-to-all over 2 devices turns it into this device's 4 experts x 16 slots.
// The routing facts pass through the all-to-all: each local expert expects
// T*k/E_local = 16*2/4 = 8 rows (not its 16 slots), so the kernels are those
// of @experts_routed: 100864 FLOPs, 24576 bytes, 2.4576e-7 s.
// The all-to-all moves the 8*8*32*2 = 4096-byte buffer between 2 devices of
// one node: 4096/2 = 2048 bytes, 1e-6 + 2048/1e9 = 3.048e-6 s.
// CHECK-LABEL: func.func @experts_expert_parallel
// CHECK: shard.all_to_all {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 0, network = 2048, seconds = 3.048e-06, bound = network>
// CHECK: moe.experts {{.*}}moe.cost = #moe.cost<flops = 100864, bytes = 24576, network = 0, seconds = 2.4576e-07, bound = memory>
shard.grid @ep(shape = 2)
func.func @experts_expert_parallel(%x: tensor<16x32xbf16>,
                                   %idx: tensor<16x2xi32>,
                                   %wg: tensor<4x32x16xbf16>,
                                   %wu: tensor<4x32x16xbf16>,
                                   %wd: tensor<4x16x32xbf16>)
    -> tensor<4x16x32xbf16> {
  %buf = moe.dispatch %x, %idx capacity_factor = 2.0
      : (tensor<16x32xbf16>, tensor<16x2xi32>) -> tensor<8x8x32xbf16>
  %local = shard.all_to_all %buf on @ep grid_axes = [0] split_axis = 0
      concat_axis = 1 : tensor<8x8x32xbf16> -> tensor<4x16x32xbf16>
  %y = moe.experts %local, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<4x16x32xbf16>, tensor<4x32x16xbf16>, tensor<4x32x16xbf16>,
         tensor<4x16x32xbf16>) -> tensor<4x16x32xbf16>
  return %y : tensor<4x16x32xbf16>
}

// Few tokens: T = 2 tokens, top_k = 1, E = 4 (capacity 1). The 2 routed rows
// reach on average 4*(1 - (1 - 1/4)^2) = 1.75 experts, rounded to 2; the
// other experts' weights are not read. 2 experts x ceil(2/2) = 1 row, GELU:
// up GEMM c=2 m=1 n=16 k=32: FLOPs 2*2*1*16*32 = 2048,
//   bytes 2*(32 + 512 + 16)*2 = 2240;
// act: 2*1*16 = 32 elements, 4 FLOPs each = 128, bytes 2*32*2 = 128;
// down GEMM c=2 m=1 n=32 k=16: FLOPs 2048, bytes 2*(16 + 512 + 32)*2 = 2240.
// total: FLOPs 4224, bytes 4608, time 4.608e-8 (memory). (All 4 experts
// would have been 8448 FLOPs and 9216 bytes.)
// CHECK-LABEL: func.func @experts_few_tokens
// CHECK: moe.experts {{.*}}moe.cost = #moe.cost<flops = 4224, bytes = 4608, network = 0, seconds = 4.608e-08, bound = memory>
func.func @experts_few_tokens(%x: tensor<2x32xbf16>, %idx: tensor<2x1xi32>,
                              %wu: tensor<4x32x16xbf16>,
                              %wd: tensor<4x16x32xbf16>) -> tensor<4x1x32xbf16> {
  %buf = moe.dispatch %x, %idx capacity_factor = 2.0
      : (tensor<2x32xbf16>, tensor<2x1xi32>) -> tensor<4x1x32xbf16>
  %y = moe.experts %buf, up %wu, down %wd activation = gelu
      : (tensor<4x1x32xbf16>, tensor<4x32x16xbf16>, tensor<4x16x32xbf16>)
      -> tensor<4x1x32xbf16>
  return %y : tensor<4x1x32xbf16>
}

//===----------------------------------------------------------------------===//
// moe.combine
//===----------------------------------------------------------------------===//

// E = 4, C = 16, H = 32, T = 16, top_k = 2: 64 slots, 32 routed rows.
// unpermute: read 32 routed rows, write 16 tokens, read indices (4 B) and
//   weights (2 B): bytes = (32 + 16)*32*2 + 16*2*(4 + 2) = 3072 + 192 = 3264;
//   one multiply-add per routed element: 2*32*32 = 2048 FLOPs;
//   time 3.264e-8.
// CHECK-LABEL: func.func @combine
// CHECK: moe.combine {{.*}}moe.cost = #moe.cost<flops = 2048, bytes = 3264, network = 0, seconds = 3.264e-08, bound = memory>
func.func @combine(%out: tensor<4x16x32xbf16>, %idx: tensor<16x2xi32>,
                   %w: tensor<16x2xbf16>) -> tensor<16x32xbf16> {
  %y = moe.combine %out, %idx, %w
      : (tensor<4x16x32xbf16>, tensor<16x2xi32>, tensor<16x2xbf16>)
      -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}

//===----------------------------------------------------------------------===//
// moe.attention
//===----------------------------------------------------------------------===//

// T = 32 tokens = 2 sequences of 16, H = 32, 2 query heads and 1 KV head of
// d = 16.
// q GEMM m=32 n=32 k=32: FLOPs 65536, bytes 3*1024*2 = 6144;
//   time max(6.5536e-8, 6.144e-8) = 6.5536e-8 (compute).
// k GEMM m=32 n=16 k=32: FLOPs 32768, bytes (1024 + 512 + 512)*2 = 4096;
//   time max(3.2768e-8, 4.096e-8) = 4.096e-8 (memory). v: the same.
// core: 2 sequences x 2 heads = 4, 16 queries, 16 keys; causal: a query
//   attends (16 + 1)/2 = 8.5 keys on average.
//   FLOPs 2*4*16*8.5*(16 + 16) = 34816 (efficiency 1: half_seq is 0);
//   bytes 4*(16*32 + 16*32)*2 = 8192 (Q, O, K, V once);
//   the mask is applied per tile, so the tensor cores compute
//   8.5 + tile_m/2 = 9 keys per query: 34816*9/8.5 = 36864 FLOPs of work,
//   3.6864e-8 s; no special-function rate, so no exponential time;
//   time max(3.6864e-8, 8.192e-8) = 8.192e-8 (memory).
// o GEMM m=32 n=32 k=32: as q, 65536 FLOPs, 6144 bytes, 6.5536e-8.
// total: FLOPs 2*65536 + 2*32768 + 34816 = 231424,
//   bytes 2*6144 + 2*4096 + 8192 = 28672,
//   time 2*6.5536e-8 + 2*4.096e-8 + 8.192e-8 = 2.94912e-7; memory-bound
//   time 1.6384e-7 > compute-bound time 1.31072e-7, so memory.
// CHECK-LABEL: func.func @attention_causal
// CHECK: moe.attention {{.*}}moe.cost = #moe.cost<flops = 231424, bytes = 28672, network = 0, seconds = 2.94912e-07, bound = memory>
func.func @attention_causal(%x: tensor<32x32xbf16>, %wq: tensor<32x32xbf16>,
                            %wk: tensor<32x16xbf16>, %wv: tensor<32x16xbf16>,
                            %wo: tensor<32x32xbf16>) -> tensor<32x32xbf16> {
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 2 kv_heads = 1
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x32xbf16>, tensor<32x32xbf16>, tensor<32x16xbf16>,
         tensor<32x16xbf16>, tensor<32x32xbf16>) -> tensor<32x32xbf16>
  return %y : tensor<32x32xbf16>
}

// Not causal: every query attends all 16 keys. core FLOPs
// 2*4*16*16*32 = 65536 (time 6.5536e-8 < 8.192e-8: still memory), so the
// total is 231424 - 34816 + 65536 = 262144 FLOPs; bytes and time as above.
// CHECK-LABEL: func.func @attention_bidirectional
// CHECK: moe.attention {{.*}}moe.cost = #moe.cost<flops = 262144, bytes = 28672, network = 0, seconds = 2.94912e-07, bound = memory>
func.func @attention_bidirectional(%x: tensor<32x32xbf16>,
                                   %wq: tensor<32x32xbf16>,
                                   %wk: tensor<32x16xbf16>,
                                   %wv: tensor<32x16xbf16>,
                                   %wo: tensor<32x32xbf16>)
    -> tensor<32x32xbf16> {
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 2 kv_heads = 1
      head_dim = 16 seq_len = 16
      : (tensor<32x32xbf16>, tensor<32x32xbf16>, tensor<32x16xbf16>,
         tensor<32x16xbf16>, tensor<32x32xbf16>) -> tensor<32x32xbf16>
  return %y : tensor<32x32xbf16>
}

// Causal sliding window of 4: query i sees min(i + 1, 4) keys, on average
// (1 + 2 + 3 + 4 + 12*4)/16 = 58/16 = 3.625. core FLOPs
// 2*4*16*3.625*32 = 14848; total 231424 - 34816 + 14848 = 211456.
// CHECK-LABEL: func.func @attention_window
// CHECK: moe.attention {{.*}}moe.cost = #moe.cost<flops = 211456, bytes = 28672, network = 0, seconds = 2.94912e-07, bound = memory>
func.func @attention_window(%x: tensor<32x32xbf16>, %wq: tensor<32x32xbf16>,
                            %wk: tensor<32x16xbf16>, %wv: tensor<32x16xbf16>,
                            %wo: tensor<32x32xbf16>) -> tensor<32x32xbf16> {
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 2 kv_heads = 1
      head_dim = 16 seq_len = 16 causal window = 4
      : (tensor<32x32xbf16>, tensor<32x32xbf16>, tensor<32x16xbf16>,
         tensor<32x16xbf16>, tensor<32x32xbf16>) -> tensor<32x32xbf16>
  return %y : tensor<32x32xbf16>
}

//===----------------------------------------------------------------------===//
// moe.mla_attention
//===----------------------------------------------------------------------===//

// T = 32 (2 sequences of 16), H = 32, 2 heads, qk_nope 8, qk_rope 8 (qk 16),
// v 16, query rank 16, KV rank 8.
// q_down m=32 n=16 k=32: FLOPs 32768, bytes (1024 + 512 + 512)*2 = 4096;
//   time 4.096e-8 (memory).
// q_up m=32 n=2*16=32 k=16: FLOPs 32768, bytes (512 + 512 + 1024)*2 = 4096;
//   4.096e-8.
// kv_down m=32 n=8+8=16 k=32: FLOPs 32768, bytes 4096; 4.096e-8.
// kv_up m=32 n=2*(8+16)=48 k=8: FLOPs 2*32*48*8 = 24576,
//   bytes (256 + 384 + 1536)*2 = 4352; 4.352e-8.
// core: 4 (sequence, head) pairs, 16 queries, 16 keys, causal (8.5 keys),
//   qk 16 + v 16: FLOPs 2*4*16*8.5*32 = 34816, bytes 4*(16*32 + 16*32)*2 =
//   8192; 8.192e-8.
// o m=32 n=32 k=2*16=32: FLOPs 65536, bytes 6144; 6.5536e-8 (compute).
// total: FLOPs 3*32768 + 24576 + 34816 + 65536 = 223232,
//   bytes 3*4096 + 4352 + 8192 + 6144 = 30976,
//   time 3*4.096e-8 + 4.352e-8 + 8.192e-8 + 6.5536e-8 = 3.13856e-7, memory.
// CHECK-LABEL: func.func @mla
// CHECK: moe.mla_attention {{.*}}moe.cost = #moe.cost<flops = 223232, bytes = 30976, network = 0, seconds = 3.13856e-07, bound = memory>
func.func @mla(%x: tensor<32x32xbf16>, %qa: tensor<32x16xbf16>,
               %qb: tensor<16x32xbf16>, %kva: tensor<32x16xbf16>,
               %kvb: tensor<8x48xbf16>, %wo: tensor<32x32xbf16>)
    -> tensor<32x32xbf16> {
  %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
      out %wo heads = 2 qk_nope_dim = 8 qk_rope_dim = 8 v_head_dim = 16
      seq_len = 16 causal
      : (tensor<32x32xbf16>, tensor<32x16xbf16>, tensor<16x32xbf16>,
         tensor<32x16xbf16>, tensor<8x48xbf16>, tensor<32x32xbf16>)
      -> tensor<32x32xbf16>
  return %y : tensor<32x32xbf16>
}

// Without q_down, q_up maps H = 32 directly: q_up m=32 n=32 k=32 is a 65536
// FLOP, 6144 byte GEMM (6.5536e-8, compute); not causal, so the core attends
// 16 keys: 2*4*16*16*32 = 65536 FLOPs (6.5536e-8 < 8.192e-8, memory).
// total: FLOPs 65536 + 32768 + 24576 + 65536 + 65536 = 253952,
//   bytes 6144 + 4096 + 4352 + 8192 + 6144 = 28928,
//   time 6.5536e-8 + 4.096e-8 + 4.352e-8 + 8.192e-8 + 6.5536e-8 = 2.97472e-7;
//   compute time 1.31072e-7 < memory time 1.6640e-7: memory.
// CHECK-LABEL: func.func @mla_no_q_down
// CHECK: moe.mla_attention {{.*}}moe.cost = #moe.cost<flops = 253952, bytes = 28928, network = 0, seconds = 2.97472e-07, bound = memory>
func.func @mla_no_q_down(%x: tensor<32x32xbf16>, %qb: tensor<32x32xbf16>,
                         %kva: tensor<32x16xbf16>, %kvb: tensor<8x48xbf16>,
                         %wo: tensor<32x32xbf16>) -> tensor<32x32xbf16> {
  %y = moe.mla_attention %x, q_up %qb, kv_down %kva, kv_up %kvb, out %wo
      heads = 2 qk_nope_dim = 8 qk_rope_dim = 8 v_head_dim = 16 seq_len = 16
      : (tensor<32x32xbf16>, tensor<32x32xbf16>, tensor<32x16xbf16>,
         tensor<8x48xbf16>, tensor<32x32xbf16>) -> tensor<32x32xbf16>
  return %y : tensor<32x32xbf16>
}

//===----------------------------------------------------------------------===//
// moe.rms_norm
//===----------------------------------------------------------------------===//

// [16 x 32] bf16 input, 32-wide weight: read x and w, write y:
//   bytes 2*1024 + 64 = 2112, 4 FLOPs per element: 4*512 = 2048;
//   time 2.112e-8.
// CHECK-LABEL: func.func @rms_norm
// CHECK: moe.rms_norm {{.*}}moe.cost = #moe.cost<flops = 2048, bytes = 2112, network = 0, seconds = 2.112e-08, bound = memory>
func.func @rms_norm(%x: tensor<16x32xbf16>, %w: tensor<32xbf16>)
    -> tensor<16x32xbf16> {
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x32xbf16>, tensor<32xbf16>
  return %y : tensor<16x32xbf16>
}

// f32 elements are 4 bytes: bytes 2*2048 + 128 = 4224, time 4.224e-8.
// CHECK-LABEL: func.func @rms_norm_f32
// CHECK: moe.rms_norm {{.*}}moe.cost = #moe.cost<flops = 2048, bytes = 4224, network = 0, seconds = 4.224e-08, bound = memory>
func.func @rms_norm_f32(%x: tensor<16x32xf32>, %w: tensor<32xf32>)
    -> tensor<16x32xf32> {
  %y = moe.rms_norm %x, %w epsilon = 1.0e-06 : tensor<16x32xf32>, tensor<32xf32>
  return %y : tensor<16x32xf32>
}

//===----------------------------------------------------------------------===//
// moe.ffn
//===----------------------------------------------------------------------===//

// Gated (SwiGLU), T = 64, H = 64, F = 64: big enough to be compute-bound.
// gate GEMM m=n=k=64: FLOPs 2*64^3 = 524288, bytes 3*4096*2 = 24576;
//   time max(5.24288e-7, 2.4576e-7) = 5.24288e-7 (compute). up, down: same.
// act: 64*64 = 4096 elements, 5 FLOPs each = 20480; bytes 3*4096*2 = 24576;
//   time 2.4576e-7.
// total: FLOPs 3*524288 + 20480 = 1593344, bytes 4*24576 = 98304,
//   time 3*5.24288e-7 + 2.4576e-7 = 1.818624e-6, compute.
// CHECK-LABEL: func.func @ffn_gated
// CHECK: moe.ffn {{.*}}moe.cost = #moe.cost<flops = 1.59334e+06, bytes = 98304, network = 0, seconds = 1.81862e-06, bound = compute>
func.func @ffn_gated(%x: tensor<64x64xbf16>, %wg: tensor<64x64xbf16>,
                     %wu: tensor<64x64xbf16>, %wd: tensor<64x64xbf16>)
    -> tensor<64x64xbf16> {
  %y = moe.ffn %x, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<64x64xbf16>,
         tensor<64x64xbf16>) -> tensor<64x64xbf16>
  return %y : tensor<64x64xbf16>
}

// Plain GELU, T = 16, H = 32, F = 64.
// up GEMM m=16 n=64 k=32: FLOPs 65536, bytes (512 + 2048 + 1024)*2 = 7168;
//   time max(6.5536e-8, 7.168e-8) = 7.168e-8 (memory).
// act: 1024 elements, 4 FLOPs each = 4096; bytes 2*1024*2 = 4096; 4.096e-8.
// down GEMM m=16 n=32 k=64: FLOPs 65536, bytes (1024 + 2048 + 512)*2 = 7168.
// total: FLOPs 135168, bytes 18432, time 1.8432e-7, memory.
// CHECK-LABEL: func.func @ffn_plain
// CHECK: moe.ffn {{.*}}moe.cost = #moe.cost<flops = 135168, bytes = 18432, network = 0, seconds = 1.8432e-07, bound = memory>
//
// ReLU is 1 FLOP per element: 135168 - 4096 + 1024 = 132096.
// CHECK: moe.ffn {{.*}}moe.cost = #moe.cost<flops = 132096, bytes = 18432, network = 0, seconds = 1.8432e-07, bound = memory>
func.func @ffn_plain(%x: tensor<16x32xbf16>, %wu: tensor<32x64xbf16>,
                     %wd: tensor<64x32xbf16>)
    -> (tensor<16x32xbf16>, tensor<16x32xbf16>) {
  %a = moe.ffn %x, up %wu, down %wd activation = gelu
      : (tensor<16x32xbf16>, tensor<32x64xbf16>, tensor<64x32xbf16>)
      -> tensor<16x32xbf16>
  %b = moe.ffn %x, up %wu, down %wd activation = relu
      : (tensor<16x32xbf16>, tensor<32x64xbf16>, tensor<64x32xbf16>)
      -> tensor<16x32xbf16>
  return %a, %b : tensor<16x32xbf16>, tensor<16x32xbf16>
}

//===----------------------------------------------------------------------===//
// moe.embedding
//===----------------------------------------------------------------------===//

// 16 i32 ids into a [100 x 32] bf16 table: read 16 rows (1024 B), write them
// (1024 B), read the ids (64 B): 2112 bytes, no FLOPs; time 2.112e-8. The
// table size does not matter.
// CHECK-LABEL: func.func @embedding
// CHECK: moe.embedding {{.*}}moe.cost = #moe.cost<flops = 0, bytes = 2112, network = 0, seconds = 2.112e-08, bound = memory>
func.func @embedding(%ids: tensor<16xi32>, %table: tensor<100x32xbf16>)
    -> tensor<16x32xbf16> {
  %y = moe.embedding %ids, %table
      : (tensor<16xi32>, tensor<100x32xbf16>) -> tensor<16x32xbf16>
  return %y : tensor<16x32xbf16>
}
