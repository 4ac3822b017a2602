// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json" | FileCheck %s
// RUN: moe-opt %s --moe-cost="machine-file=%S/Inputs/unit-machine.json tokens=4" --moe-cost-report="output=-" -o /dev/null | FileCheck %s --check-prefix=REPORT

// Serving steps over KV caches on the unit machine (Inputs/unit-machine.json:
// 1e12 FLOP/s, 1e11 B/s, every efficiency 1, no latency, 1x1 GEMM tiles).
// bf16 everywhere (2 bytes). GEMM [m x k] * [k x n]: FLOPs 2*m*n*k, bytes
// (m*k + k*n + m*n)*2, time max(FLOPs / 1e12, bytes / 1e11).
//
// The decode attention kernel reads each KV head's cache once for the query
// rows that share it; its compute pads those rows to 16 (the smallest
// tensor-core MMA), so it costs FLOPs * 16 / rows / 1e12.

// The caches are memory of their own: GQA 2 caches * 4*128*32 * 2 B = 65536,
// MLA 2*64*32 * 2 B = 8192; 73728 in all. Per token and layer that is
// 2 * 32 * 2 = 128 B (GQA: keys and values of 2 heads of 16) and 32 * 2 =
// 64 B (MLA: the latent of 24 and the RoPE key of 8).
// CHECK: kv_cache = 73728

// GQA decode: 4 sequences, 1 new token each, H = 64, 4 query heads share 2
// KV heads of 16, L = 128 cached tokens.
//   q, o: m=4 n=64 k=64: 32768 FLOPs, (256 + 4096 + 256)*2 = 9216 B, 92.16 ns
//   k, v: m=4 n=32 k=64: 16384 FLOPs, (256 + 2048 + 128)*2 = 4864 B, 48.64 ns
//   kv-append: 4 tokens * 2 * 32 columns * (2 + 2) bytes = 1024 B, 10.24 ns
//   attn-decode: 4 sequences x 2 KV heads = 8, 2 query rows each, 129 keys
//     (128 cached + itself), qk = v = 16: FLOPs 2*8*2*129*32 = 132096;
//     bytes 8*(2 rows*32*2 + 129 keys*32*2) = 8*(128 + 8256) = 67072
//     (670.72 ns); compute 132096 * 16/2 / 1e12 = 1.056768 us: compute.
//   Sum: FLOPs 65536 + 32768 + 132096 = 230400; bytes 18432 + 9728 + 1024 +
//   67072 = 96256; time 184.32 + 97.28 + 10.24 + 1056.768 ns = 1.348608 us.
// CHECK: moe.attention {{.*}}moe.cost = #moe.cost<flops = 230400, bytes = 96256, network = 0, seconds = 1.34861e-06, bound = compute>

// MLA decode (absorbed): 2 sequences, 1 new token each, H = 64, 4 heads,
// dn = 16, dr = 8, dv = 16, query rank 32, KV rank 24, L = 64.
//   q_down m=2 n=32 k=64: 8192 FLOPs, (128 + 2048 + 64)*2 = 4480 B, 44.8 ns
//   q_up m=2 n=96 k=32: 12288 FLOPs, (64 + 3072 + 192)*2 = 6656 B, 66.56 ns
//   kv_down m=2 n=32 k=64: 8192 FLOPs, 4480 B, 44.8 ns
//   kv-append: 2 tokens * 32 * (2 + 2) = 256 B, 2.56 ns
//   q_absorb: 4 heads, m=2 n=24 k=16: 6144 FLOPs, 4*(32 + 384 + 48)*2 = 3712
//     B, 37.12 ns
//   attn-decode: 2 sequences x 1 shared latent, 4 query rows, 65 keys,
//     qk = 24 + 8 = 32, v = 24: FLOPs 2*2*4*65*56 = 58240; bytes 2*(4*56*2 +
//     65*32*2) = 9216 (92.16 ns); compute 58240 * 16/4 / 1e12 = 232.96 ns
//   v_absorb: 4 heads, m=2 n=16 k=24: 6144 FLOPs, 3712 B, 37.12 ns
//   o m=2 n=64 k=64: 16384 FLOPs, (128 + 4096 + 128)*2 = 8704 B, 87.04 ns
//   Sum: FLOPs 115584, bytes 41216, time 552.96 ns; memory-bound kernels
//   take 320 ns of it, so the op is memory-bound.
// CHECK: moe.mla_attention {{.*}}moe.cost = #moe.cost<flops = 115584, bytes = 41216, network = 0, seconds = 5.5296e-07, bound = memory>

// Distinct experts a decode batch touches: 4 tokens, top-2 of 8 experts
// (dropless buffer [8, 4, 32]). In expectation 8 * (1 - (1 - 2/8)^4) =
// 5.47 experts receive a token; 5 run, on ceil(4 * 2 / 5) = 2 rows each,
// and only they read their weights. H = 32, F = 16, swiglu:
//   gate, up: 5 x [2 x 32] * [32 x 16]: 5 * (64 + 512 + 32) * 2 = 6080 B each
//   down: 5 x [2 x 16] * [16 x 32]: 5 * (32 + 512 + 64) * 2 = 6080 B
//   act: reads gate and up, writes one: 3 * (5 * 2 * 16) * 2 = 960 B
//   19200 B in all (all 8 experts would read 8 * 3 * 512 * 2 = 24576 B of
//   weights alone).
// CHECK: moe.experts {{.*}}bytes = 19200,

// The report names the step: the GQA op sets the most cached tokens.
// REPORT: decode step        4 sequences per device, 1 new token each over 128 cached
// REPORT: memory/device {{.*}}KV cache 73.7 kB)

module {
  func.func @gqa(%x: tensor<4x64xbf16>, %wq: tensor<64x64xbf16> {moe.param = "wq"},
                 %wk: tensor<64x32xbf16> {moe.param = "wk"},
                 %wv: tensor<64x32xbf16> {moe.param = "wv"},
                 %wo: tensor<64x64xbf16> {moe.param = "wo"},
                 %kc: tensor<4x128x32xbf16>, %vc: tensor<4x128x32xbf16>)
      -> tensor<4x64xbf16> {
    %y = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
        kv_heads = 2 head_dim = 16 seq_len = 1 causal
        : (tensor<4x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
           tensor<64x32xbf16>, tensor<64x64xbf16>, tensor<4x128x32xbf16>,
           tensor<4x128x32xbf16>) -> tensor<4x64xbf16>
    return %y : tensor<4x64xbf16>
  }
  func.func @mla(%x: tensor<2x64xbf16>, %qa: tensor<64x32xbf16> {moe.param = "qa"},
                 %qb: tensor<32x96xbf16> {moe.param = "qb"},
                 %kva: tensor<64x32xbf16> {moe.param = "kva"},
                 %kvb: tensor<24x128xbf16> {moe.param = "kvb"},
                 %wo: tensor<64x64xbf16> {moe.param = "o"},
                 %c: tensor<2x64x32xbf16>) -> tensor<2x64xbf16> {
    %y = moe.mla_attention %x, q_down %qa, q_up %qb, kv_down %kva, kv_up %kvb,
        out %wo cache(%c) heads = 4 qk_nope_dim = 16 qk_rope_dim = 8
        v_head_dim = 16 seq_len = 1 causal
        : (tensor<2x64xbf16>, tensor<64x32xbf16>, tensor<32x96xbf16>,
           tensor<64x32xbf16>, tensor<24x128xbf16>, tensor<64x64xbf16>,
           tensor<2x64x32xbf16>) -> tensor<2x64xbf16>
    return %y : tensor<2x64xbf16>
  }
  func.func @experts(%x: tensor<4x32xbf16>, %idx: tensor<4x2xi32>,
                     %wg: tensor<8x32x16xbf16> {moe.param = "g"},
                     %wu: tensor<8x32x16xbf16> {moe.param = "u"},
                     %wd: tensor<8x16x32xbf16> {moe.param = "d"})
      -> tensor<8x4x32xbf16> {
    %buf = moe.dispatch %x, %idx dropless
        : (tensor<4x32xbf16>, tensor<4x2xi32>) -> tensor<8x4x32xbf16>
    %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
        : (tensor<8x4x32xbf16>, tensor<8x32x16xbf16>, tensor<8x32x16xbf16>,
           tensor<8x16x32xbf16>) -> tensor<8x4x32xbf16>
    return %y : tensor<8x4x32xbf16>
  }
}
