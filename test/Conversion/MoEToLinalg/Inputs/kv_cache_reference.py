#!/usr/bin/env python3
"""Numpy reference for serving steps with a KV cache (moe.attention and
moe.mla_attention with `cache(...)`), and the program that runs them.

  kv_cache_reference.py generate PREFIX
      Writes PREFIX.mlir, whose `main` runs cached attention steps on seeded
      random inputs and prints every result, and PREFIX.npz with the expected
      results in float64; compare them with `moe_reference.py compare`.

The reference follows docs/Spec.md with positions made explicit: each
sequence holds L cached tokens at positions 0 ... L-1, its S new tokens are
at positions L ... L+S-1, and a query at position p sees a key at p' when
(causal => p' <= p) and (window w => |p - p'| < w). MLA is computed here in
its absorbed form (kv_up folded into the queries and the output), the
lowering in the non-absorbed one: the two only agree if both are right.

The last cases tie the cache to the prefill: a prefill of L + S tokens
without a cache, and a step on its last S tokens whose cache holds the first
L tokens' keys/values (or latents), computed in the program by the same
f32 matmuls, must give the same rows bit for bit.
"""

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moe_reference import (Program, Rng, attention,  # noqa: E402
                           mla_attention, softmax, ttype)

# ---------------------------------------------------------------------------
# Reference semantics, float64
# ---------------------------------------------------------------------------


def visible(p, p2, causal, window):
    return (not causal or p2 <= p) and (window is None or abs(p - p2) < window)


def attention_cached(x, wq, wk, wv, wo, k_cache, v_cache, heads, kv_heads, d,
                     seq, causal, window):
    """GQA step: x [B*S, H], caches [B, L, kv_heads*d]."""
    q, k, v = x @ wq, x @ wk, x @ wv
    batch, cached = k_cache.shape[0], k_cache.shape[1]
    o = np.zeros((x.shape[0], heads * d))
    for b in range(batch):
        rows = slice(b * seq, (b + 1) * seq)
        keys = np.concatenate([k_cache[b], k[rows]])
        values = np.concatenate([v_cache[b], v[rows]])
        for h in range(heads):
            g = h // (heads // kv_heads)
            cols, gcols = slice(h * d, (h + 1) * d), slice(g * d, (g + 1) * d)
            for i in range(seq):
                p = cached + i
                js = [j for j in range(cached + seq)
                      if visible(p, j, causal, window)]
                s = np.array([q[b * seq + i, cols] @ keys[j, gcols]
                              for j in js]) / math.sqrt(d)
                a = softmax(s)
                o[b * seq + i, cols] = sum(
                    a_j * values[j, gcols] for a_j, j in zip(a, js))
    return o @ wo


def mla_cached(x, q_up, kv_down, kv_up, out, cache, heads, nope, rope, vdim,
               seq, causal, q_down=None):
    """MLA step in the absorbed form: head h scores a latent row c by
    (q_nope[h] @ W_uk[h]^T) . c + q_rope[h] . k_rope and reads
    (sum_j a_j c_j) @ W_uv[h]."""
    q = (x @ q_down) @ q_up if q_down is not None else x @ q_up
    rank = kv_up.shape[0]
    c_new = x @ kv_down
    batch, cached = cache.shape[0], cache.shape[1]
    o = np.zeros((x.shape[0], heads * vdim))
    for b in range(batch):
        c = np.concatenate([cache[b], c_new[b * seq:(b + 1) * seq]])
        c_kv, k_rope = c[:, :rank], c[:, rank:]
        for h in range(heads):
            base = h * (nope + vdim)
            w_uk = kv_up[:, base:base + nope]  # [r_kv, dn]
            w_uv = kv_up[:, base + nope:base + nope + vdim]  # [r_kv, dv]
            for i in range(seq):
                t = b * seq + i
                qh = q[t, h * (nope + rope):(h + 1) * (nope + rope)]
                q_latent = w_uk @ qh[:nope]  # absorbed query, [r_kv]
                js = [j for j in range(cached + seq)
                      if visible(cached + i, j, causal, None)]
                s = np.array([q_latent @ c_kv[j] + qh[nope:] @ k_rope[j]
                              for j in js]) / math.sqrt(nope + rope)
                a = softmax(s)
                mixed = sum(a_j * c_kv[j] for a_j, j in zip(a, js))
                o[t, h * vdim:(h + 1) * vdim] = mixed @ w_uv
    return o @ out


def bf16(a):
    """Rounds float32 values to bfloat16 (nearest, ties to even), as float64;
    the values a bf16 cache holds."""
    u = np.asarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    u = (u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000
    return u.astype(np.uint32).view(np.float32).astype(np.float64)


# ---------------------------------------------------------------------------
# Program
# ---------------------------------------------------------------------------

HIDDEN = 16
BATCH, CACHED = 2, 3  # B sequences, L cached tokens each
GQA = dict(heads=4, kv_heads=2, d=4)
MLA = dict(heads=4, nope=4, rope=2, vdim=4)
Q_RANK, KV_RANK = 8, 6


def gqa_weights(rng):
    h, n, g, d = HIDDEN, GQA["heads"], GQA["kv_heads"], GQA["d"]
    return (rng.weight(h, n * d), rng.weight(h, g * d), rng.weight(h, g * d),
            rng.weight(n * d, h))


def mla_weights(rng, q_rank):
    h, n = HIDDEN, MLA["heads"]
    nope, rope, vdim = MLA["nope"], MLA["rope"], MLA["vdim"]
    q_down = rng.weight(h, q_rank) if q_rank else None
    return (q_down, rng.weight(q_rank or h, n * (nope + rope)),
            rng.weight(h, KV_RANK + rope),
            rng.weight(KV_RANK, n * (nope + vdim)), rng.weight(n * vdim, h))


def gqa_text(xv, wvs, caches, seq, causal, window, types):
    attrs = "heads = %d kv_heads = %d head_dim = %d seq_len = %d" % (
        GQA["heads"], GQA["kv_heads"], GQA["d"], seq)
    if causal:
        attrs += " causal"
    if window:
        attrs += " window = %d" % window
    cache = " cache(%s, %s)" % caches if caches else ""
    return "moe.attention %s, %s%s %s : (%s) -> %s" % (
        xv, ", ".join(wvs), cache, attrs, ", ".join(types), types[0])


def mla_text(xv, wvs, cache, seq, causal, types):
    q_down, q_up, kv_down, kv_up, out = wvs
    ops = [xv] + (["q_down %s" % q_down] if q_down else []) + [
        "q_up %s" % q_up, "kv_down %s" % kv_down, "kv_up %s" % kv_up,
        "out %s" % out]
    attrs = ("heads = %d qk_nope_dim = %d qk_rope_dim = %d v_head_dim = %d "
             "seq_len = %d" % (MLA["heads"], MLA["nope"], MLA["rope"],
                               MLA["vdim"], seq))
    if causal:
        attrs += " causal"
    return "moe.mla_attention %s%s %s : (%s) -> %s" % (
        ", ".join(ops), " cache(%s)" % cache if cache else "", attrs,
        ", ".join(types), types[0])


def case_gqa_step(p, rng, name, seq, causal, window, cache_type="f32"):
    """A GQA step on random caches (any values are a valid cache)."""
    wq, wk, wv, wo = gqa_weights(rng)
    x = rng.normal(BATCH * seq, HIDDEN)
    cols = GQA["kv_heads"] * GQA["d"]
    k_cache = rng.normal(BATCH, CACHED, cols)
    v_cache = rng.normal(BATCH, CACHED, cols)
    if cache_type == "bf16":
        k_cache, v_cache = bf16(k_cache), bf16(v_cache)
    expected = attention_cached(x, wq, wk, wv, wo, k_cache, v_cache,
                                GQA["heads"], GQA["kv_heads"], GQA["d"], seq,
                                causal, window)
    weights = [wq, wk, wv, wo]
    types = [ttype(a.shape) for a in [x] + weights] + [
        ttype(k_cache.shape, cache_type)] * 2
    v = p.op(gqa_text(p.const(x), [p.const(a) for a in weights],
                      (p.const(k_cache, cache_type),
                       p.const(v_cache, cache_type)),
                      seq, causal, window, types))
    p.output(name, v, expected.shape, expected)


def case_mla_step(p, rng, name, seq, causal, q_rank):
    """An MLA step on a random latent cache."""
    q_down, q_up, kv_down, kv_up, out = mla_weights(rng, q_rank)
    x = rng.normal(BATCH * seq, HIDDEN)
    cache = rng.normal(BATCH, CACHED, KV_RANK + MLA["rope"])
    expected = mla_cached(x, q_up, kv_down, kv_up, out, cache, MLA["heads"],
                          MLA["nope"], MLA["rope"], MLA["vdim"], seq, causal,
                          q_down)
    weights = [q_down, q_up, kv_down, kv_up, out]
    types = [ttype(a.shape) for a in [x] + weights if a is not None] + [
        ttype(cache.shape)]
    v = p.op(mla_text(p.const(x), [p.const(a) if a is not None else None
                                   for a in weights], p.const(cache), seq,
                      causal, types))
    p.output(name, v, expected.shape, expected)


class Split:
    """Sequences of L + S tokens, [B, L + S, H] in the program, as the rows
    of the prefill, of the L cached tokens and of the S new tokens."""

    def __init__(self, p, x3, seq):
        self.p, self.seq = p, seq
        self.total = CACHED + seq
        self.x3v = p.const(x3)
        self.t3 = ttype(x3.shape)
        self.all = self.rows(self.x3v, 0, self.total)
        self.past = self.rows(self.x3v, 0, CACHED)
        self.new = self.rows(self.x3v, CACHED, seq)

    def rows(self, v3, start, count, width=HIDDEN):
        """Rows start ... start+count-1 of every sequence of `v3`
        ([B, L + S, width]) as [B * count, width]."""
        p, t3 = self.p, ttype((BATCH, self.total, width))
        if count != self.total:
            s = p.op("tensor.extract_slice %s[0, %d, 0] [%d, %d, %d] "
                     "[1, 1, 1] : %s to %s" % (
                         v3, start, BATCH, count, width, t3,
                         ttype((BATCH, count, width))))
            v3, t3 = s, ttype((BATCH, count, width))
        return p.op("tensor.collapse_shape %s [[0, 1], [2]] : %s into %s" % (
            v3, t3, ttype((BATCH * count, width))))

    def last(self, yv):
        """The last S rows of every sequence of a prefill result."""
        y3 = self.p.op(
            "tensor.expand_shape %s [[0, 1], [2]] output_shape [%d, %d, %d] "
            ": %s into %s" % (yv, BATCH, self.total, HIDDEN,
                              ttype((BATCH * self.total, HIDDEN)),
                              ttype((BATCH, self.total, HIDDEN))))
        return self.rows(y3, CACHED, self.seq)

    def cache_of(self, wv, columns):
        """`x_past @ w` as a cache [B, L, columns], by linalg.matmul like the
        lowering's projections."""
        p, rows = self.p, BATCH * CACHED
        t2 = ttype((rows, columns))
        zero = p.op("arith.constant 0.0 : f32")
        init = p.op("tensor.empty() : %s" % t2)
        acc = p.op("linalg.fill ins(%s : f32) outs(%s : %s) -> %s" % (
            zero, init, t2, t2))
        m = p.op("linalg.matmul ins(%s, %s : %s, %s) outs(%s : %s) -> %s" % (
            self.past, wv, ttype((rows, HIDDEN)), ttype((HIDDEN, columns)),
            acc, t2, t2))
        return p.op("tensor.expand_shape %s [[0, 1], [2]] output_shape "
                    "[%d, %d, %d] : %s into %s" % (
                        m, BATCH, CACHED, columns, t2,
                        ttype((BATCH, CACHED, columns))))


def case_gqa_prefill(p, rng, name, seq, window):
    """Prefill of L + S tokens vs. the step on the last S with the first L
    tokens' keys and values cached."""
    wq, wk, wv, wo = gqa_weights(rng)
    x3 = rng.normal(BATCH, CACHED + seq, HIDDEN)
    sp = Split(p, x3, seq)
    full = attention(x3.reshape(-1, HIDDEN), wq, wk, wv, wo, GQA["heads"],
                     GQA["kv_heads"], GQA["d"], sp.total, True, window)
    expected = full.reshape(BATCH, sp.total, HIDDEN)[:, CACHED:].reshape(
        -1, HIDDEN)
    wvs = [p.const(a) for a in (wq, wk, wv, wo)]
    wtypes = [ttype(a.shape) for a in (wq, wk, wv, wo)]
    prefill = p.op(gqa_text(sp.all, wvs, None, sp.total, True, window,
                            [ttype((BATCH * sp.total, HIDDEN))] + wtypes))
    cols = GQA["kv_heads"] * GQA["d"]
    caches = (sp.cache_of(wvs[1], cols), sp.cache_of(wvs[2], cols))
    step = p.op(gqa_text(sp.new, wvs, caches, seq, True, window,
                         [ttype((BATCH * seq, HIDDEN))] + wtypes +
                         [ttype((BATCH, CACHED, cols))] * 2))
    p.output(name + ".prefill", sp.last(prefill), expected.shape, expected)
    p.output(name + ".step", step, expected.shape, expected)
    p.identical.append([name + ".prefill", name + ".step"])


def case_mla_prefill(p, rng, name, seq):
    """As case_gqa_prefill for MLA: the cache holds x_past @ kv_down."""
    weights = mla_weights(rng, Q_RANK)
    q_down, q_up, kv_down, kv_up, out = weights
    x3 = rng.normal(BATCH, CACHED + seq, HIDDEN)
    sp = Split(p, x3, seq)
    full = mla_attention(x3.reshape(-1, HIDDEN), q_up, kv_down, kv_up, out,
                         MLA["heads"], MLA["nope"], MLA["rope"], MLA["vdim"],
                         sp.total, True, q_down)
    expected = full.reshape(BATCH, sp.total, HIDDEN)[:, CACHED:].reshape(
        -1, HIDDEN)
    wvs = [p.const(a) for a in weights]
    wtypes = [ttype(a.shape) for a in weights]
    prefill = p.op(mla_text(sp.all, wvs, None, sp.total, True,
                            [ttype((BATCH * sp.total, HIDDEN))] + wtypes))
    cols = KV_RANK + MLA["rope"]
    cache = sp.cache_of(wvs[2], cols)
    step = p.op(mla_text(sp.new, wvs, cache, seq, True,
                         [ttype((BATCH * seq, HIDDEN))] + wtypes +
                         [ttype((BATCH, CACHED, cols))]))
    p.output(name + ".prefill", sp.last(prefill), expected.shape, expected)
    p.output(name + ".step", step, expected.shape, expected)
    p.identical.append([name + ".prefill", name + ".step"])


def generate(prefix):
    seed = 3000
    rng = Rng(seed)
    p = Program()
    # (a) GQA: decode (S = 1) and a chunk (S = 2); a window of 3 that hides
    # cached positions; no mask, where new tokens see later new tokens; a
    # bf16 cache under f32 compute.
    case_gqa_step(p, rng, "gqa_decode", 1, True, None)
    case_gqa_step(p, rng, "gqa_chunk", 2, True, None)
    case_gqa_step(p, rng, "gqa_chunk_window", 2, True, 3)
    case_gqa_step(p, rng, "gqa_chunk_full", 2, False, None)
    case_gqa_step(p, rng, "gqa_chunk_bf16_cache", 2, True, None, "bf16")
    # (b) MLA: decode with a low-rank query, a causal chunk without one, a
    # chunk without a mask.
    case_mla_step(p, rng, "mla_decode", 1, True, Q_RANK)
    case_mla_step(p, rng, "mla_chunk", 2, True, 0)
    case_mla_step(p, rng, "mla_chunk_full", 2, False, Q_RANK)
    # (c) Prefill of L + S tokens vs. the cached step on the last S.
    case_gqa_prefill(p, rng, "gqa_prefill", 2, None)
    case_gqa_prefill(p, rng, "gqa_prefill_window", 2, 3)
    case_mla_prefill(p, rng, "mla_prefill", 2)
    with open(prefix + ".mlir", "w") as f:
        f.write(p.text("kv cache steps, seed %d" % seed))
    arrays = {}
    for i, (name, kind, expected) in enumerate(p.outputs):
        arrays["%d:%s:%s" % (i, kind, name)] = expected
    for i, group in enumerate(p.identical):
        arrays["identical:%d" % i] = np.array(group)
    np.savez(prefix + ".npz", **arrays)


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "generate":
        sys.exit("usage: kv_cache_reference.py generate PREFIX")
    generate(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
