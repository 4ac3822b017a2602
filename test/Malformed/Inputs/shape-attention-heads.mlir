func.func @f(%x: tensor<32x64xbf16>, %wq: tensor<64x64xbf16>, %wk: tensor<64x32xbf16>,
             %wv: tensor<64x32xbf16>, %wo: tensor<64x64xbf16>) -> tensor<32x64xbf16> {
  %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 4 kv_heads = 3
      head_dim = 16 seq_len = 16 causal
      : (tensor<32x64xbf16>, tensor<64x64xbf16>, tensor<64x32xbf16>,
         tensor<64x32xbf16>, tensor<64x64xbf16>) -> tensor<32x64xbf16>
  return %y : tensor<32x64xbf16>
}
