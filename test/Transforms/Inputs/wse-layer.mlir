// One decoder layer for the wafer-scale plan tests: T = 256 tokens = 4
// sequences of S = 64, H = 64, attention with 4 heads of 16 (2 KV heads),
// E = 8 experts, top_k = 2, expert FFN 16, capacity factor 1, bf16.
func.func @layer(%x: tensor<256x64xbf16>,
                 %norm: tensor<64xbf16> {moe.param = "layers.0.norm"} loc("model.layers.0.norm"),
                 %wq: tensor<64x64xbf16> {moe.param = "layers.0.wq"} loc("model.layers.0.wq"),
                 %wk: tensor<64x32xbf16> {moe.param = "layers.0.wk"} loc("model.layers.0.wk"),
                 %wv: tensor<64x32xbf16> {moe.param = "layers.0.wv"} loc("model.layers.0.wv"),
                 %wo: tensor<64x64xbf16> {moe.param = "layers.0.wo"} loc("model.layers.0.wo"),
                 %g: tensor<64x8xbf16> {moe.param = "layers.0.router"} loc("model.layers.0.router"),
                 %wg: tensor<8x64x16xbf16> {moe.param = "layers.0.experts.gate"} loc("model.layers.0.experts.gate"),
                 %wu: tensor<8x64x16xbf16> {moe.param = "layers.0.experts.up"} loc("model.layers.0.experts.up"),
                 %wd: tensor<8x16x64xbf16> {moe.param = "layers.0.experts.down"} loc("model.layers.0.experts.down"))
    -> tensor<256x64xbf16> {
  %n = moe.rms_norm %x, %norm epsilon = 1.0e-06 : tensor<256x64xbf16>, tensor<64xbf16> loc("layers.0.input_layernorm")
  %a = moe.attention %n, %wq, %wk, %wv, %wo heads = 4 kv_heads = 2 head_dim = 16
      seq_len = 64 causal
      : (tensor<256x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<256x64xbf16> loc("layers.0.self_attn")
  %h = arith.addf %x, %a : tensor<256x64xbf16> loc("layers.0.attn_residual")
  %idx, %w = moe.router %h, %g top_k = 2 scoring = softmax renormalize
      : (tensor<256x64xbf16>, tensor<64x8xbf16>)
      -> (tensor<256x2xi32>, tensor<256x2xbf16>) loc("layers.0.mlp.router")
  %buf = moe.dispatch %h, %idx capacity_factor = 1.0
      : (tensor<256x64xbf16>, tensor<256x2xi32>) -> tensor<8x64x64xbf16> loc("layers.0.mlp.dispatch")
  %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : (tensor<8x64x64xbf16>, tensor<8x64x16xbf16>,
         tensor<8x64x16xbf16>, tensor<8x16x64xbf16>)
      -> tensor<8x64x64xbf16> loc("layers.0.mlp.experts")
  %o = moe.combine %y, %idx, %w
      : (tensor<8x64x64xbf16>, tensor<256x2xi32>, tensor<256x2xbf16>)
      -> tensor<256x64xbf16> loc("layers.0.mlp.combine")
  %r = arith.addf %h, %o : tensor<256x64xbf16> loc("layers.0.mlp_residual")
  return %r : tensor<256x64xbf16>
}
