// A KV cache the program computes (here a tensor.empty) instead of taking
// it as a function argument: the plans cannot shard it and the serving
// search cannot re-size it, and both say so at the op.

// RUN: not moe-opt %s --moe-gpu-plan="ep=1 dp=2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PLAN
// PLAN: error: 'moe.attention' op operand #5 must be a function argument used by this op alone to be sharded over the plan's devices

// RUN: not moe-opt %s --moe-serve-search="gpus=2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=SERVE
// SERVE: error: 'moe.attention' op reads a KV cache that is not a function argument; a serving step re-sizes caches it can re-type

func.func @step(%x: tensor<4x64xbf16>,
                %wq: tensor<64x64xbf16> {moe.param = "wq"},
                %wk: tensor<64x32xbf16> {moe.param = "wk"},
                %wv: tensor<64x32xbf16> {moe.param = "wv"},
                %wo: tensor<64x64xbf16> {moe.param = "wo"},
                %g: tensor<64x8xbf16> {moe.param = "router"})
    -> (tensor<4x64xbf16>, tensor<4x2xi32>) {
  %kc = tensor.empty() : tensor<4x16x32xbf16>
  %vc = tensor.empty() : tensor<4x16x32xbf16>
  %a = moe.attention %x, %wq, %wk, %wv, %wo cache(%kc, %vc) heads = 4
      kv_heads = 2 head_dim = 16 seq_len = 1 causal
      : (tensor<4x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>, tensor<4x16x32xbf16>,
         tensor<4x16x32xbf16>) -> tensor<4x64xbf16>
  %idx, %w = moe.router %a, %g top_k = 2 scoring = softmax
      : (tensor<4x64xbf16>, tensor<64x8xbf16>)
      -> (tensor<4x2xi32>, tensor<4x2xbf16>)
  return %a, %idx : tensor<4x64xbf16>, tensor<4x2xi32>
}
