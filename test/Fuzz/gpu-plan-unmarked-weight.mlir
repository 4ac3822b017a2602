// Found by moe-fuzz (docs/Fuzzing.md): --moe-gpu-plan takes every tensor
// whose leading dimension is the program's token count T for a token tensor.
// A weight without moe.param with T rows (%wv: 64 rows, T = 64) was split
// like one and the plan left IR the verifier rejects. The plan now checks
// what it re-typed and names the cause.
//
// RUN: not moe-opt %s --moe-gpu-plan=ep=2 2>&1 | FileCheck %s
// CHECK: error: 'moe.attention' op rows of 'wv' (32) must equal the hidden size (64)
// CHECK: error: the GPU plan could not re-type this function consistently; mark every weight argument with {moe.param = "name"} so that it is not taken for a tensor of 64 tokens

func.func @attn(%x: tensor<64x64xbf16>,
                %wq: tensor<64x64xbf16> {moe.param = "wq"},
                %wk: tensor<64x32xbf16> {moe.param = "wk"},
                %wv: tensor<64x32xbf16>,
                %wo: tensor<64x64xbf16> {moe.param = "wo"},
                %g: tensor<64x4xbf16> {moe.param = "router"})
    -> (tensor<64x64xbf16>, tensor<64x1xi32>) {
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2
      head_dim = 16 seq_len = 16 causal
      : (tensor<64x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<64x64xbf16>
  %idx, %w = moe.router %y, %g top_k = 1 scoring = softmax
      : (tensor<64x64xbf16>, tensor<64x4xbf16>)
      -> (tensor<64x1xi32>, tensor<64x1xbf16>)
  return %y, %idx : tensor<64x64xbf16>, tensor<64x1xi32>
}
