//===- MoEOps.td - moe dialect operations ------------------*- tablegen -*-===//
//
// Part of the moe-mlir project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_DIALECT_MOE_IR_MOEOPS_TD
#define MOE_DIALECT_MOE_IR_MOEOPS_TD

include "MoE/MoEAttrs.td"
include "MoE/MoEDialect.td"
include "Interfaces/CostModelOpInterface.td"
include "Interfaces/PlanLayoutOpInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def MoE_FloatTensor : TensorOf<[AnyFloat]>;
def MoE_Float1D : 1DTensorOf<[AnyFloat]>;
def MoE_Float2D : 2DTensorOf<[AnyFloat]>;
def MoE_Float3D : 3DTensorOf<[AnyFloat]>;
def MoE_IndexTensor2D : 2DTensorOf<[I32]>;
def MoE_TokenIds : 1DTensorOf<[I32, I64]>;

def MoE_PositiveI64 : ConfinedAttr<I64Attr, [IntPositive]>;

// Every moe op reports its forward kernels and the weights it reads.
// Ops a plan lays out other than by the default token rule (the rules are
// in lib/Dialect/MoE/IR/MoEPlanLayout.cpp).
defvar MoE_PlanLayout = DeclareOpInterfaceMethods<PlanLayoutOpInterface>;

// Attention ops: what the plans need to know of their sequences and heads.
def MoE_AttentionOpInterface : OpInterface<"AttentionOpInterface"> {
  let cppNamespace = "::mlir::moe";
  let description = [{
    An attention op over whole sequences of `seq_len` tokens with
    `num_heads` query heads.
  }];
  let methods = [
    InterfaceMethod<"Tokens per sequence.", "int64_t", "getSequenceLength",
                    (ins), "", [{ return $_op.getSeqLen(); }]>,
    InterfaceMethod<"Sets the tokens per sequence.", "void",
                    "setSequenceLength", (ins "int64_t":$length), "", [{
        $_op.setSeqLen(length);
      }]>,
    InterfaceMethod<"Query heads.", "int64_t", "getHeadCount", (ins), "",
                    [{ return $_op.getNumHeads(); }]>,
    InterfaceMethod<"Tokens each sequence holds in the KV cache (0: none).",
                    "int64_t", "getCachedTokens", (ins), "",
                    [{ return $_op.getCachedLength(); }]>,
    InterfaceMethod<[{
        Appends the columns of each KV cache the op reads in a serving step
        (keys and values of its KV heads, or MLA's latent and RoPE key).
      }], "void", "getCacheColumns",
      (ins "::llvm::SmallVectorImpl<int64_t> &":$columns)>,
    InterfaceMethod<[{
        Makes `caches` (one per getCacheColumns entry, or none) the op's KV
        caches.
      }], "void", "setCaches", (ins "::mlir::ValueRange":$caches)>,
    InterfaceMethod<[{
        The context-parallel group the op's sequences are split over (null:
        each device holds whole sequences).
      }], "::mlir::moe::ContextAttr", "getContextGroup", (ins), "",
      [{ return $_op.getContextParallelAttr(); }]>,
    InterfaceMethod<"Sequences the op attends within (its rows / seq_len).",
                    "int64_t", "getSequenceCount", (ins), "", [{
        return ::llvm::cast<::mlir::ShapedType>($_op.getInput().getType())
                   .getDimSize(0) / $_op.getSeqLen();
      }]>,
  ];
}

defvar MoE_CostModel = DeclareOpInterfaceMethods<CostModelOpInterface,
    ["getKernels", "getParameters", "getSavedActivationBytes",
     "getRecomputed"]>;
// Attention ops also read serving caches.
defvar MoE_CachedCostModel = DeclareOpInterfaceMethods<CostModelOpInterface,
    ["getKernels", "getParameters", "getSavedActivationBytes", "getCaches",
     "getRecomputed"]>;

//===----------------------------------------------------------------------===//
// Routing
//===----------------------------------------------------------------------===//

def MoE_RouterOp : MoE_Op<"router", [Pure, MoE_CostModel]> {
  let summary = "Score tokens against experts and pick the top-k per token";
  let description = [{
    Computes router scores `s = score(x @ gate)` for `T` tokens against `E`
    experts, selects the `top_k` experts per token and returns their indices
    (`i32`, `[T, top_k]`) and combine weights (`[T, top_k]`).

    - `scoring = softmax` (Mixtral, Qwen) or `scoring = sigmoid` (DeepSeek-V3).
    - `renormalize` divides the selected weights by their sum.
    - `groups(n_group, topk_group)` is DeepSeek-V3's group-limited routing:
      experts are split into `n_group` equal groups, only the `topk_group`
      best groups are eligible.
    - The optional per-expert `bias` (`[E]`) is added to the scores for the
      selection only, never to the returned weights.
    - `scale` multiplies the returned weights (DeepSeek's
      `routed_scaling_factor`).

    See [docs/Spec.md#moerouter](../../docs/Spec.md#moerouter).

    Example:

    ```mlir
    %idx, %w = moe.router %x, %gate top_k = 8 scoring = softmax renormalize
        : (tensor<4096x2048xbf16>, tensor<2048x128xbf16>)
        -> (tensor<4096x8xi32>, tensor<4096x8xbf16>)
    ```
  }];
  let arguments = (ins MoE_Float2D:$input, MoE_Float2D:$gate,
                       Optional<MoE_Float1D>:$bias,
                       MoE_PositiveI64:$top_k,
                       MoE_ScoringAttr:$scoring,
                       UnitAttr:$renormalize,
                       OptionalAttr<I64Attr>:$n_group,
                       OptionalAttr<I64Attr>:$topk_group,
                       OptionalAttr<F64Attr>:$scale);
  let results = (outs MoE_IndexTensor2D:$indices, MoE_Float2D:$weights);
  let assemblyFormat = [{
    $input `,` $gate (`bias` $bias^)? `top_k` `=` $top_k `scoring` `=` `` $scoring
    (`renormalize` $renormalize^)?
    (`groups` `(` $n_group^ `,` $topk_group `)`)?
    (`scale` `=` $scale^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getNumExperts() { return getGate().getType().getDimSize(1); }
  }];
}

def MoE_DispatchOp : MoE_Op<"dispatch", [Pure, MoE_CostModel,
                                         MoE_PlanLayout]> {
  let summary = "Scatter tokens into per-expert buffers";
  let description = [{
    Copies every token `x[t]` into the buffer of each expert it was routed to,
    giving `[E, C, H]`. Within an expert, slots are filled in (token, choice)
    order; assignments past the capacity `C` are dropped.

    Exactly one of:
    - `capacity_factor = f`: `C = ceil(f * T * top_k / E)`;
    - `dropless`: `C = T`, the largest load an expert can receive, so no token
      is dropped.

    Unused slots are zero. See
    [docs/Spec.md#moedispatch](../../docs/Spec.md#moedispatch).

    Example:

    ```mlir
    %buf = moe.dispatch %x, %idx capacity_factor = 1.25
        : (tensor<4096x2048xbf16>, tensor<4096x8xi32>) -> tensor<128x320x2048xbf16>
    ```
  }];
  let arguments = (ins MoE_Float2D:$input, MoE_IndexTensor2D:$indices,
                       OptionalAttr<F64Attr>:$capacity_factor,
                       UnitAttr:$dropless);
  let results = (outs MoE_Float3D:$result);
  let assemblyFormat = [{
    $input `,` $indices (`capacity_factor` `=` $capacity_factor^)?
    (`dropless` $dropless^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The capacity the attributes imply for `numTokens` tokens, `topK`
    /// choices and `numExperts` experts: kDynamic when a size is dynamic,
    /// nullopt when the factor gives no representable capacity.
    std::optional<int64_t> getExpectedCapacity(int64_t numTokens,
                                               int64_t topK,
                                               int64_t numExperts);
  }];
}

def MoE_ExpertsOp : MoE_Op<"experts", [Pure, MoE_CostModel,
                                       MoE_PlanLayout]> {
  let summary = "Batched feed-forward networks, one per expert";
  let description = [{
    Applies expert `e`'s FFN to every slot of its buffer:

    - gated (`swiglu`, `geglu`): `y = (act(x @ gate[e]) * (x @ up[e])) @ down[e]`
    - plain (`gelu`, `relu`, `silu`): `y = act(x @ up[e]) @ down[e]`

    Gated activations require the `gate` weight; plain ones must not have it.
    Shapes: input `[E, C, H]`, `gate`/`up` `[E, H, F]`, `down` `[E, F, H]`,
    result `[E, C, H]`. See
    [docs/Spec.md#moeexperts](../../docs/Spec.md#moeexperts).

    Example:

    ```mlir
    %y = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
        : (tensor<128x320x2048xbf16>, tensor<128x2048x768xbf16>,
           tensor<128x2048x768xbf16>, tensor<128x768x2048xbf16>)
        -> tensor<128x320x2048xbf16>
    ```
  }];
  let arguments = (ins MoE_Float3D:$input, Optional<MoE_Float3D>:$gate,
                       MoE_Float3D:$up, MoE_Float3D:$down,
                       MoE_ActivationAttr:$activation);
  let results = (outs MoE_Float3D:$result);
  let assemblyFormat = [{
    $input `,` (`gate` $gate^ `,`)? `up` $up `,` `down` $down
    `activation` `=` `` $activation attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getNumExperts() { return getInput().getType().getDimSize(0); }
    int64_t getCapacity() { return getInput().getType().getDimSize(1); }
    int64_t getHiddenSize() { return getInput().getType().getDimSize(2); }
    int64_t getFfnSize() { return getUp().getType().getDimSize(2); }
  }];
}

def MoE_CombineOp : MoE_Op<"combine", [Pure, MoE_CostModel]> {
  let summary = "Gather expert outputs back to tokens, weighted";
  let description = [{
    `y[t] = sum_j weights[t, j] * out[indices[t, j], slot(t, j)]`, where
    `slot(t, j)` is the slot `moe.dispatch` gave choice `j` of token `t`.
    Choices that were dropped for capacity contribute zero. See
    [docs/Spec.md#moecombine](../../docs/Spec.md#moecombine).

    Example:

    ```mlir
    %y = moe.combine %out, %idx, %w
        : (tensor<128x320x2048xbf16>, tensor<4096x8xi32>, tensor<4096x8xbf16>)
        -> tensor<4096x2048xbf16>
    ```
  }];
  let arguments = (ins MoE_Float3D:$input, MoE_IndexTensor2D:$indices,
                       MoE_Float2D:$weights);
  let results = (outs MoE_Float2D:$result);
  let assemblyFormat = [{
    $input `,` $indices `,` $weights attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Dense decoder parts
//===----------------------------------------------------------------------===//

def MoE_AttentionOp : MoE_Op<"attention", [Pure, MoE_CachedCostModel,
    MoE_PlanLayout, DeclareOpInterfaceMethods<MoE_AttentionOpInterface>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    AttrSizedOperandSegments]> {
  let summary = "Multi-head self-attention with grouped KV heads (GQA)";
  let description = [{
    Self-attention over `T = batch * seq_len` tokens, with the input
    projections, the fused attention core and the output projection:
    `q = x @ wq` (`num_heads` heads of `head_dim`), `k = x @ wk` and
    `v = x @ wv` (`num_kv_heads` heads each, shared by
    `num_heads / num_kv_heads` query heads), `o = softmax(q k^T / sqrt(d)) v`
    per sequence, `y = o @ wo`. `causal` masks future positions; `window = w`
    restricts each query to the last `w` keys (sliding window).

    With `cache(%k_cache, %v_cache)` the op is a serving step (decode, or a
    chunk of a prefill): each of the `B = T / seq_len` sequences already
    holds `L` tokens whose keys and values are in the caches
    (`[B, L, num_kv_heads * head_dim]`, in the precision they are stored in:
    `bf16`, `f8E4M3FN`, ...). The `seq_len` new tokens attend over the `L`
    cached positions followed by themselves (causal among themselves); their
    keys and values are what a serving loop appends to the cache.

    With `context_parallel = #moe.context<@grid, [axes]>` (set by a GPU plan
    with `cp > 1`) the op holds `1 / c` of each sequence and exchanges keys
    and values over that group of `c` devices (see `#moe.context`):
    `T = batch * seq_len / c`. It takes no caches.

    Shapes: input `[T, H]`, `wq` `[H, num_heads * head_dim]`, `wk` and `wv`
    `[H, num_kv_heads * head_dim]`, `wo` `[num_heads * head_dim, H]`, result
    `[T, H]`. See [docs/Spec.md#moeattention](../../docs/Spec.md#moeattention).

    Example (one Qwen3-30B-A3B layer, one sequence of 4096 tokens):

    ```mlir
    %y = moe.attention %x, %wq, %wk, %wv, %wo heads = 32 kv_heads = 4
        head_dim = 128 seq_len = 4096 causal
        : (tensor<4096x2048xbf16>, tensor<2048x4096xbf16>, tensor<2048x512xbf16>,
           tensor<2048x512xbf16>, tensor<4096x2048xbf16>) -> tensor<4096x2048xbf16>
    ```
  }];
  let arguments = (ins MoE_Float2D:$input, MoE_Float2D:$wq, MoE_Float2D:$wk,
                       MoE_Float2D:$wv, MoE_Float2D:$wo,
                       MoE_PositiveI64:$num_heads,
                       MoE_PositiveI64:$num_kv_heads,
                       MoE_PositiveI64:$head_dim,
                       MoE_PositiveI64:$seq_len,
                       UnitAttr:$causal,
                       OptionalAttr<MoE_PositiveI64>:$window,
                       OptionalAttr<MoE_ContextAttr>:$context_parallel,
                       Optional<MoE_Float3D>:$k_cache,
                       Optional<MoE_Float3D>:$v_cache);
  let results = (outs MoE_Float2D:$result);
  let assemblyFormat = [{
    $input `,` $wq `,` $wk `,` $wv `,` $wo
    (`cache` `(` $k_cache^ `,` $v_cache `)`)? `heads` `=` $num_heads
    `kv_heads` `=` $num_kv_heads `head_dim` `=` $head_dim
    `seq_len` `=` $seq_len (`causal` $causal^)? (`window` `=` $window^)?
    (`context_parallel` `=` $context_parallel^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Tokens each sequence already holds in the cache (0 without one).
    int64_t getCachedLength() {
      return getKCache() ? getKCache().getType().getDimSize(1) : 0;
    }
  }];
}

def MoE_MLAttentionOp : MoE_Op<"mla_attention", [Pure, MoE_CachedCostModel,
    MoE_PlanLayout, DeclareOpInterfaceMethods<MoE_AttentionOpInterface>,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    AttrSizedOperandSegments]> {
  let summary = "Multi-head latent attention (DeepSeek-V2/V3)";
  let description = [{
    Attention whose keys and values are compressed into a shared latent of
    rank `r_kv` (DeepSeek-V2/V3). With `dn = qk_nope_dim`, `dr = qk_rope_dim`,
    `dv = v_head_dim`, `n = num_heads`:

    - queries: `q = (x @ q_down) @ q_up` when the low-rank `q_down`
      (`[H, r_q]`) is given, else `q = x @ q_up`; `q_up` is
      `[r_q or H, n * (dn + dr)]`;
    - keys/values: `c = x @ kv_down` (`[H, r_kv + dr]`: the latent plus one
      shared RoPE key), then `kv_up` (`[r_kv, n * (dn + dv)]`) expands the
      latent into per-head keys (`dn`) and values (`dv`);
    - `y = attention(q, k, v) @ out` with `out` `[n * dv, H]`.

    With `cache(%c)` the op is a serving step: each of the `B = T / seq_len`
    sequences already holds `L` tokens, whose compressed latents and RoPE
    keys (`c`, `[B, L, r_kv + dr]`, in the precision they are stored in) are
    the cache; the new tokens attend over those `L` positions followed by
    themselves. A step with a cache runs MLA in its absorbed form (DeepSeek-V2
    section 2.1.2): `kv_up`'s key half is folded into the queries and its
    value half into the output, so attention reads the latent directly and
    every head shares it.

    `context_parallel` splits the sequences over a group of devices as for
    `moe.attention`.

    See [docs/Spec.md#moemla_attention](../../docs/Spec.md#moemla_attention).

    Example (one DeepSeek-V3 layer):

    ```mlir
    %y = moe.mla_attention %x, q_down %wqa, q_up %wqb, kv_down %wkva,
        kv_up %wkvb, out %wo heads = 128 qk_nope_dim = 128 qk_rope_dim = 64
        v_head_dim = 128 seq_len = 4096 causal
        : (tensor<4096x7168xbf16>, tensor<7168x1536xbf16>,
           tensor<1536x24576xbf16>, tensor<7168x576xbf16>,
           tensor<512x32768xbf16>, tensor<16384x7168xbf16>)
        -> tensor<4096x7168xbf16>
    ```
  }];
  let arguments = (ins MoE_Float2D:$input, Optional<MoE_Float2D>:$q_down,
                       MoE_Float2D:$q_up, MoE_Float2D:$kv_down,
                       MoE_Float2D:$kv_up, MoE_Float2D:$out,
                       MoE_PositiveI64:$num_heads,
                       MoE_PositiveI64:$qk_nope_dim,
                       MoE_PositiveI64:$qk_rope_dim,
                       MoE_PositiveI64:$v_head_dim,
                       MoE_PositiveI64:$seq_len,
                       UnitAttr:$causal,
                       OptionalAttr<MoE_ContextAttr>:$context_parallel,
                       Optional<MoE_Float3D>:$cache);
  let results = (outs MoE_Float2D:$result);
  let assemblyFormat = [{
    $input `,` (`q_down` $q_down^ `,`)? `q_up` $q_up `,` `kv_down` $kv_down `,`
    `kv_up` $kv_up `,` `out` $out (`cache` `(` $cache^ `)`)?
    `heads` `=` $num_heads
    `qk_nope_dim` `=` $qk_nope_dim `qk_rope_dim` `=` $qk_rope_dim
    `v_head_dim` `=` $v_head_dim `seq_len` `=` $seq_len (`causal` $causal^)?
    (`context_parallel` `=` $context_parallel^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Rank of the shared key/value latent.
    int64_t getKvRank() { return getKvUp().getType().getDimSize(0); }
    /// Tokens each sequence already holds in the cache (0 without one).
    int64_t getCachedLength() {
      return getCache() ? getCache().getType().getDimSize(1) : 0;
    }
  }];
}

def MoE_RMSNormOp : MoE_Op<"rms_norm", [Pure, MoE_CostModel,
    AllTypesMatch<["input", "result"]>]> {
  let summary = "Root-mean-square layer normalisation over the last dimension";
  let description = [{
    `y = x / sqrt(mean(x^2, last dim) + epsilon) * weight`. The weight has the
    size of the last dimension. See
    [docs/Spec.md#moerms_norm](../../docs/Spec.md#moerms_norm).

    Example:

    ```mlir
    %y = moe.rms_norm %x, %w epsilon = 1.0e-06
        : tensor<4096x2048xbf16>, tensor<2048xbf16>
    ```
  }];
  let arguments = (ins MoE_FloatTensor:$input, MoE_Float1D:$weight,
                       F64Attr:$epsilon);
  let results = (outs MoE_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `epsilon` `=` $epsilon attr-dict `:` type($input) `,`
    type($weight)
  }];
  let hasVerifier = 1;
}

def MoE_FFNOp : MoE_Op<"ffn", [Pure, MoE_CostModel, MoE_PlanLayout]> {
  let summary = "Dense feed-forward network (dense layers, shared experts)";
  let description = [{
    The FFN of a dense layer or of an always-active shared expert:

    - gated (`swiglu`, `geglu`): `y = (act(x @ gate) * (x @ up)) @ down`
    - plain (`gelu`, `relu`, `silu`): `y = act(x @ up) @ down`

    Shapes: input `[T, H]`, `gate`/`up` `[H, F]`, `down` `[F, H]`, result
    `[T, H]`. See [docs/Spec.md#moeffn](../../docs/Spec.md#moeffn).

    Example:

    ```mlir
    %y = moe.ffn %x, gate %wg, up %wu, down %wd activation = swiglu
        : (tensor<4096x2048xbf16>, tensor<2048x6144xbf16>,
           tensor<2048x6144xbf16>, tensor<6144x2048xbf16>) -> tensor<4096x2048xbf16>
    ```
  }];
  let arguments = (ins MoE_Float2D:$input, Optional<MoE_Float2D>:$gate,
                       MoE_Float2D:$up, MoE_Float2D:$down,
                       MoE_ActivationAttr:$activation);
  let results = (outs MoE_Float2D:$result);
  let assemblyFormat = [{
    $input `,` (`gate` $gate^ `,`)? `up` $up `,` `down` $down
    `activation` `=` `` $activation attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def MoE_EmbeddingOp : MoE_Op<"embedding", [Pure, MoE_CostModel]> {
  let summary = "Look up token embeddings";
  let description = [{
    `y[t] = table[ids[t]]` for `T` token ids (`i32` or `i64`) and a table
    `[V, H]`; the result is `[T, H]`. See
    [docs/Spec.md#moeembedding](../../docs/Spec.md#moeembedding).

    Example:

    ```mlir
    %x = moe.embedding %ids, %table
        : (tensor<4096xi32>, tensor<151936x2048xbf16>) -> tensor<4096x2048xbf16>
    ```
  }];
  let arguments = (ins MoE_TokenIds:$ids, MoE_Float2D:$table);
  let results = (outs MoE_Float2D:$result);
  let assemblyFormat = [{
    $ids `,` $table attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // MOE_DIALECT_MOE_IR_MOEOPS_TD
