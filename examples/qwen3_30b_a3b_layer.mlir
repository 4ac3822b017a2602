// One decoder layer of Qwen3-30B-A3B in the `moe` dialect, bf16.
//
// Numbers from the Hugging Face config of Qwen/Qwen3-30B-A3B
// (https://huggingface.co/Qwen/Qwen3-30B-A3B, config.json):
//   hidden_size            H  = 2048
//   num_attention_heads       = 32
//   num_key_value_heads       = 4     (GQA: 8 query heads per KV head)
//   head_dim                  = 128   (32 * 128 = 4096 != H)
//   num_experts            E  = 128
//   num_experts_per_tok    k  = 8
//   moe_intermediate_size  F  = 768   (hidden_act silu, gated: SwiGLU)
//   norm_topk_prob            = true  (softmax routing, renormalized top-k)
//   rms_norm_eps              = 1e-06
//   torch_dtype               = bfloat16
// (the model stacks 48 such layers, vocab 151936, no shared experts, every
// layer is sparse.)
//
// Step shape: batch 1, seq_len 4096, so T = 4096 tokens of width H.
// Capacity: capacity_factor 1.25 gives C = ceil(1.25 * 4096 * 8 / 128) = 320
// slots per expert; dropless (C = T = 4096) would make the expert buffer
// 12.8x larger (128 x 4096 x 2048), so this example keeps the capacity factor.
//
// Not represented: RoPE and Qwen3's per-head q/k RMSNorm are part of the
// attention core and are not separate ops here; moe.attention stands for the
// whole block (projections, rotary embedding, masked softmax, output
// projection).

func.func @qwen3_moe_layer(
    %x: tensor<4096x2048xbf16>,
    %attn_norm: tensor<2048xbf16>,
    %wq: tensor<2048x4096xbf16>,
    %wk: tensor<2048x512xbf16>,
    %wv: tensor<2048x512xbf16>,
    %wo: tensor<4096x2048xbf16>,
    %mlp_norm: tensor<2048xbf16>,
    %router_gate: tensor<2048x128xbf16>,
    %w_gate: tensor<128x2048x768xbf16>,
    %w_up: tensor<128x2048x768xbf16>,
    %w_down: tensor<128x768x2048xbf16>) -> tensor<4096x2048xbf16> {
  // Attention block (pre-norm).
  %h = moe.rms_norm %x, %attn_norm epsilon = 1.0e-06
      : tensor<4096x2048xbf16>, tensor<2048xbf16>
  %attn = moe.attention %h, %wq, %wk, %wv, %wo heads = 32 kv_heads = 4
      head_dim = 128 seq_len = 4096 causal
      : (tensor<4096x2048xbf16>, tensor<2048x4096xbf16>, tensor<2048x512xbf16>,
         tensor<2048x512xbf16>, tensor<4096x2048xbf16>) -> tensor<4096x2048xbf16>
  %x1 = arith.addf %x, %attn : tensor<4096x2048xbf16>

  // Sparse MoE block (pre-norm): route, dispatch, experts, combine.
  %h1 = moe.rms_norm %x1, %mlp_norm epsilon = 1.0e-06
      : tensor<4096x2048xbf16>, tensor<2048xbf16>
  %idx, %w = moe.router %h1, %router_gate top_k = 8 scoring = softmax
      renormalize
      : (tensor<4096x2048xbf16>, tensor<2048x128xbf16>)
      -> (tensor<4096x8xi32>, tensor<4096x8xbf16>)
  %buf = moe.dispatch %h1, %idx capacity_factor = 1.25
      : (tensor<4096x2048xbf16>, tensor<4096x8xi32>) -> tensor<128x320x2048xbf16>
  %out = moe.experts %buf, gate %w_gate, up %w_up, down %w_down
      activation = swiglu
      : (tensor<128x320x2048xbf16>, tensor<128x2048x768xbf16>,
         tensor<128x2048x768xbf16>, tensor<128x768x2048xbf16>)
      -> tensor<128x320x2048xbf16>
  %moe = moe.combine %out, %idx, %w
      : (tensor<128x320x2048xbf16>, tensor<4096x8xi32>, tensor<4096x8xbf16>)
      -> tensor<4096x2048xbf16>
  %y = arith.addf %x1, %moe : tensor<4096x2048xbf16>
  return %y : tensor<4096x2048xbf16>
}
