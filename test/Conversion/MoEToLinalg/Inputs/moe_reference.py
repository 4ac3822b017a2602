#!/usr/bin/env python3
"""Independent numpy reference for the moe ops, and the harness of the
execution tests of --moe-lower-to-llvm.

  moe_reference.py generate CASE PREFIX
      Writes PREFIX.mlir, a program whose `main` builds seeded random inputs
      as dense constants, runs moe ops on them and prints every result with
      printMemrefI32 (floats as their bit patterns, so nothing is lost to
      decimal printing), and PREFIX.npz with the expected results computed
      here in float64 straight from docs/Spec.md.
  moe_reference.py generate plans|plans-mla PREFIX
      Writes PREFIX.layer.mlir, a whole-step program (one decoder layer and
      the LM head, weights as arguments) for the plan passes to rewrite, and
      PREFIX.inputs.npz with seeded inputs and the expected output.
  moe_reference.py link PREFIX NAME=FILE[@GROUP]...
      Writes PREFIX.mlir, whose `main` runs the function of each FILE (a
      planned, then simulated, copy of PREFIX.layer.mlir), renamed NAME, on
      the inputs, and PREFIX.npz: every result must match the reference, and
      the results of a group (the same GROUP label, none by default) must be
      identical bit for bit.
  moe_reference.py splice MODULE FILE
      Prints MODULE (moe-opt output) with the text of FILE added at the end
      of the module's body: a driver for a module a pass has rewritten.
  moe_reference.py compare PREFIX RUNNER_OUTPUT [--rtol R]
      Compares the runner's output with PREFIX.npz: index results exactly,
      float results to a relative error of R (default 1e-5), and results
      declared identical bit for bit. Exits 1 on any mismatch.

The reference shares no code or formulation with the lowering: top-k is a
sort, slot assignment a Python loop over choices, attention a loop over
sequences, heads and queries.
"""

import argparse
import math
import re
import sys

import numpy as np

# ---------------------------------------------------------------------------
# Reference semantics (docs/Spec.md), float64
# ---------------------------------------------------------------------------


def softmax(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def router(x, gate, top_k, scoring, bias=None, renormalize=False, groups=None,
           scale=None):
    """Returns (indices, weights, margin): margin is the smallest relative gap
    between two selection scores whose order decides the result and that are
    not exactly equal (exact ties are decided by index, identically in f32
    and f64; near ties could flip under f32 rounding)."""
    z = x @ gate
    s = softmax(z) if scoring == "softmax" else 1.0 / (1.0 + np.exp(-z))
    u = s + (bias if bias is not None else 0.0)
    tokens, experts = u.shape
    indices = np.zeros((tokens, top_k), dtype=np.int64)
    weights = np.zeros((tokens, top_k))
    margin = math.inf

    def gap(values, count):
        # Gaps between consecutive sorted values up to position `count`.
        result = math.inf
        scale_ = max(1e-30, max(abs(v) for v in values))
        for a, b in zip(values[:count], values[1:count + 1]):
            if a != b:
                result = min(result, abs(a - b) / scale_)
        return result

    for t in range(tokens):
        eligible = list(range(experts))
        if groups:
            n_group, topk_group = groups
            per = experts // n_group
            scores = []
            for g in range(n_group):
                members = sorted(u[t, g * per:(g + 1) * per], reverse=True)
                scores.append(members[0] + (members[1] if per > 1 else 0.0))
            order = sorted(range(n_group), key=lambda g: (-scores[g], g))
            margin = min(margin, gap([scores[g] for g in order], topk_group))
            kept = set(order[:topk_group])
            eligible = [e for e in range(experts) if e // per in kept]
        order = sorted(eligible, key=lambda e: (-u[t, e], e))
        margin = min(margin, gap([u[t, e] for e in order], top_k))
        indices[t] = order[:top_k]
        weights[t] = s[t, order[:top_k]]
    if renormalize:
        weights = weights / weights.sum(axis=1, keepdims=True)
    if scale is not None:
        weights = weights * scale
    return indices, weights, margin


def capacity(tokens, top_k, experts, factor):
    if factor is None:
        return tokens
    return int(math.ceil(factor * tokens * top_k / experts - 1e-9))


def slots_of(indices, experts):
    counts = [0] * experts
    slots = np.zeros(indices.shape, dtype=np.int64)
    for t in range(indices.shape[0]):
        for j in range(indices.shape[1]):
            e = indices[t, j]
            slots[t, j] = counts[e]
            counts[e] += 1
    return slots


def dispatch(x, indices, experts, cap):
    buf = np.zeros((experts, cap, x.shape[1]))
    slots = slots_of(indices, experts)
    for t in range(indices.shape[0]):
        for j in range(indices.shape[1]):
            if slots[t, j] < cap:
                buf[indices[t, j], slots[t, j]] = x[t]
    return buf


def combine(out, indices, weights):
    experts, cap, hidden = out.shape
    slots = slots_of(indices, experts)
    y = np.zeros((indices.shape[0], hidden))
    for t in range(indices.shape[0]):
        for j in range(indices.shape[1]):
            # A dropped choice adds nothing; the kept weights are not
            # renormalized.
            if slots[t, j] < cap:
                y[t] += weights[t, j] * out[indices[t, j], slots[t, j]]
    return y


_erf = np.vectorize(math.erf)


def act(z, kind):
    if kind in ("swiglu", "silu"):
        return z / (1.0 + np.exp(-z))
    if kind in ("geglu", "gelu"):
        return z * (1.0 + _erf(z / math.sqrt(2.0))) / 2.0
    if kind == "relu":
        return np.maximum(z, 0.0)
    raise ValueError(kind)


def ffn(x, up, down, kind, gate=None):
    if gate is not None:
        return (act(x @ gate, kind) * (x @ up)) @ down
    return act(x @ up, kind) @ down


def experts_ffn(buf, up, down, kind, gate=None):
    return np.stack([
        ffn(buf[e], up[e], down[e], kind, None if gate is None else gate[e])
        for e in range(buf.shape[0])
    ])


def rms_norm(x, w, eps):
    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps) * w


def visible(i, j, causal, window):
    return (not causal or j <= i) and (window is None or abs(i - j) < window)


def attend(q, k, v, seq, causal, window):
    """q, k: [T, d] for one head, v: [T, dv]; attention within sequences."""
    out = np.zeros((q.shape[0], v.shape[1]))
    for b in range(q.shape[0] // seq):
        for i in range(seq):
            t = b * seq + i
            js = [b * seq + j for j in range(seq)
                  if visible(i, j, causal, window)]
            a = softmax(np.array([q[t] @ k[j] for j in js]) /
                        math.sqrt(q.shape[1]))
            out[t] = sum(a_j * v[j] for a_j, j in zip(a, js))
    return out


def attention(x, wq, wk, wv, wo, heads, kv_heads, head_dim, seq, causal,
              window):
    q, k, v = x @ wq, x @ wk, x @ wv
    d = head_dim
    o = np.zeros((x.shape[0], heads * d))
    for h in range(heads):
        g = h // (heads // kv_heads)
        o[:, h * d:(h + 1) * d] = attend(q[:, h * d:(h + 1) * d],
                                         k[:, g * d:(g + 1) * d],
                                         v[:, g * d:(g + 1) * d], seq, causal,
                                         window)
    return o @ wo


def mla_attention(x, q_up, kv_down, kv_up, out, heads, nope, rope, vdim, seq,
                  causal, q_down=None):
    q = (x @ q_down) @ q_up if q_down is not None else x @ q_up
    c = x @ kv_down
    rank = kv_up.shape[0]
    c_kv, k_rope = c[:, :rank], c[:, rank:]
    kv = c_kv @ kv_up
    o = np.zeros((x.shape[0], heads * vdim))
    for h in range(heads):
        qh = q[:, h * (nope + rope):(h + 1) * (nope + rope)]
        kvh = kv[:, h * (nope + vdim):(h + 1) * (nope + vdim)]
        kh = np.concatenate([kvh[:, :nope], k_rope], axis=1)
        o[:, h * vdim:(h + 1) * vdim] = attend(qh, kh, kvh[:, nope:], seq,
                                               causal, None)
    return o @ out


# ---------------------------------------------------------------------------
# Program writer
# ---------------------------------------------------------------------------


def ttype(shape, elt="f32"):
    return "tensor<" + "x".join(str(s) for s in shape) + "x" + elt + ">"


def dense(a):
    def fmt(v):
        if a.dtype.kind == "i":
            return "%d" % v
        # 9 significant digits round-trip every float32 exactly.
        text = "%.9g" % v
        return text if any(c in text for c in ".en") else text + ".0"

    def rec(x):
        if x.ndim == 1:
            return "[" + ", ".join(fmt(v) for v in x) + "]"
        return "[" + ", ".join(rec(r) for r in x) + "]"

    return "dense<" + rec(a) + ">"


class Program:
    """Collects constants, moe ops and prints for one `main`."""

    def __init__(self):
        self.lines = []
        self.outputs = []  # (name, kind, expected array)
        self.identical = []  # groups of output names equal bit for bit
        self.counter = 0

    def fresh(self, stem):
        self.counter += 1
        return "%%%s%d" % (stem, self.counter)

    def const(self, a, elt=None):
        a = np.asarray(a)
        if elt is None:
            elt = "i32" if a.dtype.kind == "i" else "f32"
        a = a.astype({"i32": np.int32, "i64": np.int64}.get(elt, np.float32))
        name = self.fresh("c")
        self.lines.append("  %s = arith.constant %s : %s" %
                          (name, dense(a), ttype(a.shape, elt)))
        return name

    def op(self, text, results=1):
        names = [self.fresh("v") for _ in range(results)]
        self.lines.append("  %s = %s" % (", ".join(names), text))
        return names[0] if results == 1 else names

    def raw(self, text):
        self.lines.append(text)

    def output(self, name, value, shape, expected, kind="float"):
        """Prints `value` (a tensor of `shape`); float as bits."""
        if kind == "float":
            bits = self.fresh("bits")
            ident = "affine_map<(%s) -> (%s)>" % (
                ", ".join("d%d" % i for i in range(len(shape))),
                ", ".join("d%d" % i for i in range(len(shape))))
            empty = self.op("tensor.empty() : %s" % ttype(shape, "i32"))
            self.lines.append(
                "  %s = linalg.generic {indexing_maps = [%s, %s], "
                "iterator_types = [%s]} ins(%s : %s) outs(%s : %s) {\n"
                "  ^bb0(%%a: f32, %%o: i32):\n"
                "    %%b = arith.bitcast %%a : f32 to i32\n"
                "    linalg.yield %%b : i32\n"
                "  } -> %s" % (bits, ident, ident, ", ".join(
                    ['"parallel"'] * len(shape)), value, ttype(shape), empty,
                               ttype(shape, "i32"), ttype(shape, "i32")))
            value = bits
        buf = self.op("bufferization.to_buffer %s : %s to memref<%s>" %
                      (value, ttype(shape, "i32"),
                       "x".join(str(s) for s in shape) + "xi32"))
        cast = self.op("memref.cast %s : memref<%sxi32> to memref<*xi32>" %
                       (buf, "x".join(str(s) for s in shape)))
        self.lines.append("  call @printMemrefI32(%s) : (memref<*xi32>) -> ()"
                          % cast)
        self.outputs.append((name, kind, np.asarray(expected)))

    def text(self, header, functions=""):
        return "\n".join([
            "// Generated by moe_reference.py: " + header,
            "func.func private @printMemrefI32(memref<*xi32>) "
            "attributes {llvm.emit_c_interface}",
            functions,
            "func.func @main() {",
        ] + self.lines + ["  return", "}", ""])


def f32(a):
    """Rounds to float32, the values the program actually sees, as float64."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


class Rng:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def normal(self, *shape, std=1.0):
        return f32(self.rng.standard_normal(shape) * std)

    def weight(self, *shape):
        # Fan-in scaling keeps every activation of order one.
        return self.normal(*shape, std=1.0 / math.sqrt(shape[-2]))

    def ints(self, high, *shape):
        return self.rng.integers(0, high, size=shape)


# ---------------------------------------------------------------------------
# Test cases
# ---------------------------------------------------------------------------

T, H, E, K = 16, 32, 8, 2
MARGIN = 1e-4  # relative gap that f32 rounding (~1e-6) cannot flip


def tie_gate(rng, hidden, experts):
    """A router projection with duplicated columns (2 = 5, 1 = 6): those
    experts get exactly equal scores for every token, in f32 and in f64."""
    g = rng.weight(hidden, experts)
    g[:, 5] = g[:, 2]
    g[:, 6] = g[:, 1]
    return g


def moe_block(p, x, xv, rng, top_k, scoring, factor, kind, renormalize=True,
              bias=None, groups=None, scale=None, experts=E, ffn_width=16,
              gate=None):
    """Emits router, dispatch, experts, combine on `xv` (the value of `x`);
    returns (result name, result array, indices, weights, margin)."""
    tokens, hidden = x.shape
    gate = tie_gate(rng, hidden, experts) if gate is None else gate
    wg = rng.weight(experts, hidden, ffn_width) if kind in ("swiglu",
                                                              "geglu") else None
    wu = rng.weight(experts, hidden, ffn_width)
    wd = rng.weight(experts, ffn_width, hidden)
    idx, w, margin = router(x, gate, top_k, scoring, bias, renormalize,
                            groups, scale)
    cap = capacity(tokens, top_k, experts, factor)
    buf = dispatch(x, idx, experts, cap)
    out = experts_ffn(buf, wu, wd, kind, wg)
    y = combine(out, idx, w)

    gv = p.const(gate)
    attrs = "top_k = %d scoring = %s" % (top_k, scoring)
    operands = "%s, %s" % (xv, gv)
    types = [ttype(x.shape), ttype(gate.shape)]
    if bias is not None:
        operands += " bias %s" % p.const(bias)
        types.append(ttype(bias.shape))
    if renormalize:
        attrs += " renormalize"
    if groups:
        attrs += " groups(%d, %d)" % groups
    if scale is not None:
        attrs += " scale = %r" % scale
    iv, wv = p.op("moe.router %s %s : (%s) -> (%s, %s)" % (
        operands, attrs, ", ".join(types), ttype((tokens, top_k), "i32"),
        ttype((tokens, top_k))), results=2)
    cap_attr = ("capacity_factor = %r" % factor) if factor else "dropless"
    bv = p.op("moe.dispatch %s, %s %s : (%s, %s) -> %s" % (
        xv, iv, cap_attr, ttype(x.shape), ttype((tokens, top_k), "i32"),
        ttype((experts, cap, hidden))))
    w_ops = "up %s, down %s" % (p.const(wu), p.const(wd))
    w_types = [ttype(wu.shape), ttype(wd.shape)]
    if wg is not None:
        w_ops = "gate %s, " % p.const(wg) + w_ops
        w_types.insert(0, ttype(wg.shape))
    ov = p.op("moe.experts %s, %s activation = %s : (%s) -> %s" % (
        bv, w_ops, kind, ", ".join([ttype(buf.shape)] + w_types),
        ttype(buf.shape)))
    yv = p.op("moe.combine %s, %s, %s : (%s, %s, %s) -> %s" % (
        ov, iv, wv, ttype(buf.shape), ttype((tokens, top_k), "i32"),
        ttype((tokens, top_k)), ttype(x.shape)))
    return yv, y, (iv, idx), (wv, w), margin


def emit_ffn(p, xv, x, rng, kind, width):
    wg = rng.weight(x.shape[1], width) if kind in ("swiglu", "geglu") else None
    wu = rng.weight(x.shape[1], width)
    wd = rng.weight(width, x.shape[1])
    ops = "up %s, down %s" % (p.const(wu), p.const(wd))
    types = [ttype(wu.shape), ttype(wd.shape)]
    if wg is not None:
        ops = "gate %s, " % p.const(wg) + ops
        types.insert(0, ttype(wg.shape))
    v = p.op("moe.ffn %s, %s activation = %s : (%s) -> %s" % (
        xv, ops, kind, ", ".join([ttype(x.shape)] + types), ttype(x.shape)))
    return v, ffn(x, wu, wd, kind, wg)


def emit_rms_norm(p, xv, x, rng, eps=1e-6):
    w = f32(1.0 + 0.1 * rng.rng.standard_normal(x.shape[-1]))
    v = p.op("moe.rms_norm %s, %s epsilon = %e : %s, %s" % (
        xv, p.const(w), eps, ttype(x.shape), ttype(w.shape)))
    return v, rms_norm(x, w, eps)


def emit_add(p, av, bv, shape):
    return p.op("arith.addf %s, %s : %s" % (av, bv, ttype(shape)))


def emit_attention(p, xv, x, rng, heads, kv_heads, head_dim, seq, causal,
                   window):
    hidden = x.shape[1]
    wq = rng.weight(hidden, heads * head_dim)
    wk = rng.weight(hidden, kv_heads * head_dim)
    wv = rng.weight(hidden, kv_heads * head_dim)
    wo = rng.weight(heads * head_dim, hidden)
    attrs = "heads = %d kv_heads = %d head_dim = %d seq_len = %d" % (
        heads, kv_heads, head_dim, seq)
    if causal:
        attrs += " causal"
    if window:
        attrs += " window = %d" % window
    v = p.op("moe.attention %s, %s, %s, %s, %s %s : (%s) -> %s" % (
        xv, p.const(wq), p.const(wk), p.const(wv), p.const(wo), attrs,
        ", ".join(ttype(a.shape) for a in (x, wq, wk, wv, wo)),
        ttype(x.shape)))
    return v, attention(x, wq, wk, wv, wo, heads, kv_heads, head_dim, seq,
                        causal, window)


def emit_mla(p, xv, x, rng, heads, nope, rope, vdim, q_rank, kv_rank, seq,
             causal):
    hidden = x.shape[1]
    q_down = rng.weight(hidden, q_rank) if q_rank else None
    q_up = rng.weight(q_rank or hidden, heads * (nope + rope))
    kv_down = rng.weight(hidden, kv_rank + rope)
    kv_up = rng.weight(kv_rank, heads * (nope + vdim))
    out = rng.weight(heads * vdim, hidden)
    ops, types = [xv], [ttype(x.shape)]
    if q_down is not None:
        ops.append("q_down %s" % p.const(q_down))
        types.append(ttype(q_down.shape))
    for label, a in (("q_up", q_up), ("kv_down", kv_down), ("kv_up", kv_up),
                     ("out", out)):
        ops.append("%s %s" % (label, p.const(a)))
        types.append(ttype(a.shape))
    attrs = ("heads = %d qk_nope_dim = %d qk_rope_dim = %d v_head_dim = %d "
             "seq_len = %d" % (heads, nope, rope, vdim, seq))
    if causal:
        attrs += " causal"
    v = p.op("moe.mla_attention %s %s : (%s) -> %s" % (
        ", ".join(ops), attrs, ", ".join(types), ttype(x.shape)))
    return v, mla_attention(x, q_up, kv_down, kv_up, out, heads, nope, rope,
                            vdim, seq, causal, q_down)


def emit_embedding(p, rng, vocab, hidden, tokens):
    table = rng.normal(vocab, hidden)
    ids = rng.ints(vocab, tokens)
    v = p.op("moe.embedding %s, %s : (%s, %s) -> %s" % (
        p.const(ids), p.const(table), ttype(ids.shape, "i32"),
        ttype(table.shape), ttype((tokens, hidden))))
    return v, table[ids]


def decoder_layer(p, rng, attention_fn, moe_kwargs, shared=None):
    """embedding, pre-norm attention and MoE block with residuals."""
    xv, x = emit_embedding(p, rng, 64, H, T)
    hv, h = emit_rms_norm(p, xv, x, rng)
    av, a = attention_fn(p, hv, h, rng)
    x1v, x1 = emit_add(p, xv, av, x.shape), x + a
    h2v, h2 = emit_rms_norm(p, x1v, x1, rng)
    yv, y, (iv, idx), (wv, w), margin = moe_block(p, h2, h2v, rng,
                                                  **moe_kwargs)
    if shared:
        sv, s = emit_ffn(p, h2v, h2, rng, *shared)
        yv, y = emit_add(p, yv, sv, y.shape), y + s
    outv, out = emit_add(p, x1v, yv, x.shape), x1 + y
    p.output("indices", iv, idx.shape, idx, kind="index")
    p.output("weights", wv, w.shape, w)
    p.output("attention", av, a.shape, a)
    p.output("layer", outv, out.shape, out)
    return margin


def case_router_ties(p, rng):
    """Router variants on raw tokens: two all-zero tokens (every expert
    ties), duplicated gate columns (pairs tie for every token), and a bias
    that repeats per group (groups tie on the zero tokens)."""
    x = rng.normal(T, H)
    x[3] = 0.0
    x[11] = 0.0
    gate = tie_gate(rng, H, E)
    xv, gv = p.const(x), p.const(gate)
    bias = f32(np.tile([0.03125, -0.0625], E // 2))
    bv = p.const(bias)
    margin = math.inf
    variants = [
        ("softmax", dict(top_k=K, scoring="softmax"), ""),
        ("softmax_renorm", dict(top_k=K, scoring="softmax", renormalize=True),
         " renormalize"),
        ("sigmoid_groups", dict(top_k=3, scoring="sigmoid", bias=bias,
                                renormalize=True, groups=(4, 2), scale=2.5),
         " renormalize groups(4, 2) scale = 2.5"),
        ("sigmoid_top1_group", dict(top_k=2, scoring="sigmoid", bias=bias,
                                    groups=(4, 1)), " groups(4, 1)"),
    ]
    for name, kwargs, attrs in variants:
        idx, w, m = router(x, gate, **kwargs)
        margin = min(margin, m)
        k = kwargs["top_k"]
        has_bias = "bias" in kwargs
        iv, wv = p.op(
            "moe.router %s, %s%s top_k = %d scoring = %s%s : (%s) -> (%s, %s)"
            % (xv, gv, (" bias %s" % bv) if has_bias else "", k,
               kwargs["scoring"], attrs,
               ", ".join([ttype(x.shape), ttype(gate.shape)] +
                         ([ttype(bias.shape)] if has_bias else [])),
               ttype((T, k), "i32"), ttype((T, k))), results=2)
        p.output(name + ".indices", iv, idx.shape, idx, kind="index")
        p.output(name + ".weights", wv, w.shape, w)
    return margin


def case_mixtral_layer(p, rng):
    """GQA (4 query heads on 2 KV heads) with a causal sliding window over 2
    sequences of 8, softmax top-2 renormalized routing, SwiGLU experts at
    capacity factor 1.0, a SiLU shared expert."""
    return decoder_layer(
        p, rng,
        lambda p, hv, h, rng: emit_attention(p, hv, h, rng, 4, 2, 8, 8, True,
                                             4),
        dict(top_k=K, scoring="softmax", factor=1.0, kind="swiglu"),
        shared=("silu", 24))


def case_deepseek_layer(p, rng):
    """MLA with a low-rank query, causal; sigmoid routing with bias, groups
    (4, 2), renormalization and scale; GeGLU experts at capacity factor
    1.25; a GELU shared expert."""
    bias = f32(0.05 * rng.rng.standard_normal(E))
    return decoder_layer(
        p, rng,
        lambda p, hv, h, rng: emit_mla(p, hv, h, rng, 4, 8, 4, 8, 16, 12, 4,
                                       True),
        dict(top_k=K, scoring="sigmoid", factor=1.25, kind="geglu", bias=bias,
             groups=(4, 2), scale=2.5),
        shared=("gelu", 16))


def case_dense_layer(p, rng):
    """Non-causal attention with a symmetric window (MHA), MLA without a
    query compression and without causality, ReLU and SiLU dense FFNs."""
    xv, x = emit_embedding(p, rng, 64, H, T)
    av, a = emit_attention(p, xv, x, rng, 4, 4, 8, 16, False, 3)
    p.output("attention_band", av, a.shape, a)
    mv, m = emit_mla(p, xv, x, rng, 2, 8, 8, 16, 0, 8, 8, False)
    p.output("mla_full", mv, m.shape, m)
    rv, r = emit_ffn(p, xv, x, rng, "relu", 48)
    p.output("ffn_relu", rv, r.shape, r)
    sv, s = emit_ffn(p, rv, r, rng, "silu", 16)
    p.output("ffn_silu", sv, s.shape, s)
    nv, n = emit_rms_norm(p, sv, s, rng, eps=1e-5)
    p.output("rms_norm", nv, n.shape, n)
    return math.inf


def moe_only(p, rng, **kwargs):
    x = rng.normal(T, H)
    xv = p.const(x)
    yv, y, (iv, idx), (wv, w), margin = moe_block(p, x, xv, rng, **kwargs)
    p.output("indices", iv, idx.shape, idx, kind="index")
    p.output("weights", wv, w.shape, w)
    p.output("moe", yv, y.shape, y)
    return margin


def case_capacity_overflow(p, rng):
    """Capacity factor 0.5: C = ceil(0.5 * 16 * 2 / 8) = 2 slots per expert
    for 32 choices, so most choices are dropped."""
    return moe_only(p, rng, top_k=K, scoring="softmax", factor=0.5,
                    kind="swiglu")


def case_top_k_1(p, rng):
    """top_k = 1 (Switch/Llama-4 style): renormalized weights are all 1."""
    return moe_only(p, rng, top_k=1, scoring="softmax", factor=1.0,
                    kind="swiglu")


def case_top_k_all(p, rng):
    """top_k = E, dropless: every token goes to every expert; the weights
    are the full softmax, ordered by score."""
    return moe_only(p, rng, top_k=E, scoring="softmax", factor=None,
                    kind="swiglu", renormalize=False)


def case_bta(p, rng):
    """Batch-tiled attention (BTA) by hand: a decoder layer on 4 sequences
    of S = 4 tokens, written untiled and, for G = 1, 2, 4, with attention run
    on G tiles of B = 4 / G sequences that are regrouped into one batch of
    G * B = 4 sequences for a single MoE block. Outputs must agree bit for
    bit."""
    seq, heads, kv_heads, head_dim = 4, 4, 2, 8
    x = rng.normal(T, H)
    norm_w = f32(1.0 + 0.1 * rng.rng.standard_normal(H))
    norm2_w = f32(1.0 + 0.1 * rng.rng.standard_normal(H))
    wq = rng.weight(H, heads * head_dim)
    wk = rng.weight(H, kv_heads * head_dim)
    wv = rng.weight(H, kv_heads * head_dim)
    wo = rng.weight(heads * head_dim, H)
    gate = tie_gate(rng, H, E)
    wg, wu = rng.weight(E, H, 16), rng.weight(E, H, 16)
    wd = rng.weight(E, 16, H)

    # Reference.
    h = rms_norm(x, norm_w, 1e-6)
    a = attention(h, wq, wk, wv, wo, heads, kv_heads, head_dim, seq, True,
                  None)
    x1 = x + a
    h2 = rms_norm(x1, norm2_w, 1e-6)
    idx, w, margin = router(h2, gate, K, "softmax", renormalize=True)
    cap = capacity(T, K, E, 1.0)
    out = experts_ffn(dispatch(h2, idx, E, cap), wu, wd, "swiglu", wg)
    y = x1 + combine(out, idx, w)

    tx, tw, tq = ttype((T, H)), ttype((H,)), ttype(wq.shape)
    tkv, to = ttype(wk.shape), ttype(wo.shape)
    te, tg = ttype(wg.shape), ttype(gate.shape)
    td, ti, tk = ttype(wd.shape), ttype((T, K), "i32"), ttype((T, K))
    tbuf = ttype((E, cap, H))
    args = ("%x: {tx}, %nw: {tw}, %nw2: {tw}, %wq: {tq}, %wk: {tkv}, "
            "%wv: {tkv}, %wo: {to}, %gate: {tg}, %wg: {te}, %wu: {te}, "
            "%wd: {td}").format(**locals())
    arg_types = ", ".join([tx, tw, tw, tq, tkv, tkv, to, tg, te, te, td])

    def attention_op(src, tokens):
        return ("moe.attention %s, %%wq, %%wk, %%wv, %%wo heads = %d "
                "kv_heads = %d head_dim = %d seq_len = %d causal : "
                "(%s, %s, %s, %s, %s) -> %s" % (
                    src, heads, kv_heads, head_dim, seq, ttype((tokens, H)),
                    tq, tkv, tkv, to, ttype((tokens, H))))

    moe_tail = """
  %x1 = arith.addf %x, %a : {tx}
  %h2 = moe.rms_norm %x1, %nw2 epsilon = 1.0e-06 : {tx}, {tw}
  %idx, %w = moe.router %h2, %gate top_k = {K} scoring = softmax renormalize
      : ({tx}, {tg}) -> ({ti}, {tk})
  %buf = moe.dispatch %h2, %idx capacity_factor = 1.0 : ({tx}, {ti}) -> {tbuf}
  %o = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : ({tbuf}, {te}, {te}, {td}) -> {tbuf}
  %c = moe.combine %o, %idx, %w : ({tbuf}, {ti}, {tk}) -> {tx}
  %y = arith.addf %x1, %c : {tx}
  return %y : {tx}
}}
""".format(K=K, **locals())

    functions = ["""
// The layer as written: attention over all B = {B} sequences at once.
func.func @untiled({args}) -> {tx} {{
  %h = moe.rms_norm %x, %nw epsilon = 1.0e-06 : {tx}, {tw}
  %a = {att}""".format(B=T // seq, args=args, tx=tx, tw=tw,
                       att=attention_op("%h", T)) + moe_tail]
    for g in (1, 2, 4):
        rows = T // g
        tt = ttype((rows, H))
        functions.append("""
// BTA with G = {g}: attention runs on {g} tile(s) of B = {bt} sequence(s)
// ({rows} rows each), the tiles are regrouped into one batch of G * B = {B}
// sequences, and the MoE block runs once on it.
func.func @bta_g{g}({args}) -> {tx} {{
  %h = moe.rms_norm %x, %nw epsilon = 1.0e-06 : {tx}, {tw}
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cg = arith.constant {g} : index
  %crows = arith.constant {rows} : index
  %init = tensor.empty() : {tx}
  %a = scf.for %i = %c0 to %cg step %c1 iter_args(%acc = %init) -> ({tx}) {{
    %off = arith.muli %i, %crows : index
    %tile = tensor.extract_slice %h[%off, 0] [{rows}, {H}] [1, 1]
        : {tx} to {tt}
    %at = {att}
    %next = tensor.insert_slice %at into %acc[%off, 0] [{rows}, {H}] [1, 1]
        : {tt} into {tx}
    scf.yield %next : {tx}
  }}""".format(g=g, bt=T // seq // g, rows=rows, B=T // seq, args=args, tx=tx,
               tw=tw, tt=tt, H=H, att=attention_op("%tile", rows)) +
                         moe_tail)

    operands = [p.const(v) for v in (x, norm_w, norm2_w, wq, wk, wv, wo,
                                     gate, wg, wu, wd)]
    names = ["untiled", "bta_g1", "bta_g2", "bta_g4"]
    for name in names:
        r = p.op("func.call @%s(%s) : (%s) -> %s" % (
            name, ", ".join(operands), arg_types, tx))
        p.output(name, r, (T, H), y)
    p.identical.append(names)
    p.bta_functions = "".join(functions)
    return margin


CASES = {
    "router-ties": case_router_ties,
    "mixtral-layer": case_mixtral_layer,
    "deepseek-layer": case_deepseek_layer,
    "dense-layer": case_dense_layer,
    "capacity-overflow": case_capacity_overflow,
    "top-k-1": case_top_k_1,
    "top-k-all": case_top_k_all,
    "bta": case_bta,
}


def generate(case, prefix):
    # Seeds are tried in order until no selection hinges on a near tie, so
    # the expected routing is the one f32 arithmetic must produce.
    for seed in range(100):
        p = Program()
        margin = CASES[case](p, Rng(1000 + seed))
        if margin > MARGIN:
            break
    else:
        sys.exit("no seed without near ties for case %s" % case)
    functions = getattr(p, "bta_functions", "")
    with open(prefix + ".mlir", "w") as f:
        f.write(p.text("case %s, seed %d" % (case, 1000 + seed), functions))
    arrays = {}
    for i, (name, kind, expected) in enumerate(p.outputs):
        arrays["%d:%s:%s" % (i, kind, name)] = expected
    for i, group in enumerate(p.identical):
        arrays["identical:%d" % i] = np.array(group)
    np.savez(prefix + ".npz", **arrays)


# ---------------------------------------------------------------------------
# Plans: the program and its plans on the same inputs
# ---------------------------------------------------------------------------

PLAN_T, PLAN_H, PLAN_SEQ, PLAN_VOCAB = 32, 24, 4, 40


def plan_program(rng, mla=False):
    """A whole-step program for the plan passes: embedding, a decoder layer
    (GQA attention over sequences of PLAN_SEQ tokens, a dropless MoE block
    with tied router scores and a shared expert; with `mla`, DeepSeek's
    multi-head latent attention instead of GQA) and the LM head. Weights are
    arguments marked moe.param, so that plans shard or stream them. The
    dispatch is dropless: a plan gives each device its own capacity, which
    drops the same choices as the program's only when none is dropped
    (docs/Plans.md). No tensor but the token tensors has PLAN_T rows, so the
    plans' re-typing cannot mistake one. Returns (names, arrays, text,
    expected, margin)."""
    t, h, seq, vocab = PLAN_T, PLAN_H, PLAN_SEQ, PLAN_VOCAB
    heads, kv_heads, head_dim, width = 4, 2, 8, 16
    # MLA: nope, rope and value dims per head, query and KV latent ranks.
    nope, rope, vdim, q_rank, kv_rank = 4, 2, 4, 8, 6
    if mla:
        attn_inputs = [
            ("qd", "self_attn.q_a_proj", rng.weight(h, q_rank)),
            ("qu", "self_attn.q_b_proj",
             rng.weight(q_rank, heads * (nope + rope))),
            ("kvd", "self_attn.kv_a_proj", rng.weight(h, kv_rank + rope)),
            ("kvu", "self_attn.kv_b_proj",
             rng.weight(kv_rank, heads * (nope + vdim))),
            ("wo", "self_attn.o_proj", rng.weight(heads * vdim, h)),
        ]
    else:
        attn_inputs = [
            ("wq", "self_attn.q_proj", rng.weight(h, heads * head_dim)),
            ("wk", "self_attn.k_proj", rng.weight(h, kv_heads * head_dim)),
            ("wv", "self_attn.v_proj", rng.weight(h, kv_heads * head_dim)),
            ("wo", "self_attn.o_proj", rng.weight(heads * head_dim, h)),
        ]
    inputs = [
        ("ids", None, rng.ints(vocab, t).astype(np.int32)),
        ("embed", "embed_tokens", rng.normal(vocab, h)),
        ("nw", "input_layernorm", f32(1.0 + 0.1 * rng.rng.standard_normal(h))),
    ] + attn_inputs + [
        ("nw2", "post_attention_layernorm",
         f32(1.0 + 0.1 * rng.rng.standard_normal(h))),
        ("gate", "mlp.gate", tie_gate(rng, h, E)),
        ("wg", "mlp.experts.gate_proj", rng.weight(E, h, width)),
        ("wu", "mlp.experts.up_proj", rng.weight(E, h, width)),
        ("wd", "mlp.experts.down_proj", rng.weight(E, width, h)),
        ("sg", "mlp.shared_expert.gate_proj", rng.weight(h, width)),
        ("su", "mlp.shared_expert.up_proj", rng.weight(h, width)),
        ("sd", "mlp.shared_expert.down_proj", rng.weight(width, h)),
        ("nf", "norm", f32(1.0 + 0.1 * rng.rng.standard_normal(h))),
        ("head", "lm_head", rng.weight(h, vocab)),
    ]
    a = {name: arr for name, _, arr in inputs}

    # Reference.
    x = a["embed"][a["ids"]]
    hn = rms_norm(x, a["nw"], 1e-6)
    if mla:
        y1 = x + mla_attention(hn, a["qu"], a["kvd"], a["kvu"], a["wo"], heads,
                               nope, rope, vdim, seq, True, a["qd"])
    else:
        y1 = x + attention(hn, a["wq"], a["wk"], a["wv"], a["wo"], heads,
                           kv_heads, head_dim, seq, True, None)
    h2 = rms_norm(y1, a["nw2"], 1e-6)
    idx, w, margin = router(h2, a["gate"], K, "softmax", renormalize=True)
    routed = combine(experts_ffn(dispatch(h2, idx, E, t), a["wu"], a["wd"],
                                 "swiglu", a["wg"]), idx, w)
    shared = ffn(h2, a["su"], a["sd"], "swiglu", a["sg"])
    y2 = y1 + (routed + shared)
    logits = rms_norm(y2, a["nf"], 1e-6) @ a["head"]

    ty = {name: ttype(arr.shape, "i32" if arr.dtype.kind == "i" else "f32")
          for name, _, arr in inputs}
    args = ",\n    ".join(
        "%%%s: %s%s" % (name, ty[name],
                        ' {moe.param = "%s"}' % param if param else "")
        for name, param, _ in inputs)
    tx, tl = ttype((t, h)), ttype((t, vocab))
    ti, tk, tbuf = ttype((t, K), "i32"), ttype((t, K)), ttype((E, t, h))
    if mla:
        attention_text = """moe.mla_attention %h, q_down %qd, q_up %qu, kv_down %kvd,
      kv_up %kvu, out %wo heads = {heads} qk_nope_dim = {nope}
      qk_rope_dim = {rope} v_head_dim = {vdim} seq_len = {seq} causal
      : ({tx}, {qd}, {qu}, {kvd}, {kvu}, {wo}) -> {tx}"""
    else:
        attention_text = """moe.attention %h, %wq, %wk, %wv, %wo heads = {heads}
      kv_heads = {kv_heads} head_dim = {head_dim} seq_len = {seq} causal
      : ({tx}, {wq}, {wk}, {wv}, {wo}) -> {tx}"""
    template = """// Generated by moe_reference.py: the program the plan tests plan.
func.func @layer(
    {args}) -> {tl} {{
  %x = moe.embedding %ids, %embed : ({ids}, {embed}) -> {tx}
  %h = moe.rms_norm %x, %nw epsilon = 1.0e-06 : {tx}, {nw}
  %a = """ + attention_text + """
  %y1 = arith.addf %x, %a : {tx}
  %h2 = moe.rms_norm %y1, %nw2 epsilon = 1.0e-06 : {tx}, {nw}
  %idx, %w = moe.router %h2, %gate top_k = {K} scoring = softmax renormalize
      : ({tx}, {gate}) -> ({ti}, {tk})
  %buf = moe.dispatch %h2, %idx dropless : ({tx}, {ti}) -> {tbuf}
  %o = moe.experts %buf, gate %wg, up %wu, down %wd activation = swiglu
      : ({tbuf}, {wg}, {wu}, {wd}) -> {tbuf}
  %routed = moe.combine %o, %idx, %w : ({tbuf}, {ti}, {tk}) -> {tx}
  %shared = moe.ffn %h2, gate %sg, up %su, down %sd activation = swiglu
      : ({tx}, {sg}, {su}, {sd}) -> {tx}
  %m = arith.addf %routed, %shared : {tx}
  %y2 = arith.addf %y1, %m : {tx}
  %hf = moe.rms_norm %y2, %nf epsilon = 1.0e-06 : {tx}, {nw}
  %init = tensor.empty() : {tl}
  %zero = arith.constant 0.0 : f32
  %z = linalg.fill ins(%zero : f32) outs(%init : {tl}) -> {tl}
  %logits = linalg.matmul ins(%hf, %head : {tx}, {head}) outs(%z : {tl})
      -> {tl}
  return %logits : {tl}
}}
"""
    text = template.format(args=args, tx=tx, tl=tl, ti=ti, tk=tk, tbuf=tbuf,
                           K=K, heads=heads, kv_heads=kv_heads,
                           head_dim=head_dim, seq=seq, nope=nope, rope=rope,
                           vdim=vdim, **ty)
    names = [name for name, _, _ in inputs]
    return names, [arr for _, _, arr in inputs], text, logits, margin


def generate_plans(prefix, mla=False):
    for seed in range(100):
        rng = Rng(2000 + seed)
        names, arrays, text, expected, margin = plan_program(rng, mla)
        if margin > MARGIN:
            break
    else:
        sys.exit("no seed without near ties for the plan program")
    with open(prefix + ".layer.mlir", "w") as f:
        f.write(text)
    np.savez(prefix + ".inputs.npz", expected=expected,
             names=np.array(names), **{"in:" + n: a
                                       for n, a in zip(names, arrays)})


def planned_function(path, name):
    """The function of a planned module (moe-opt output), renamed `name`."""
    with open(path) as f:
        lines = f.read().rstrip().split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("module")]
    if starts:
        if lines[-1] != "}":
            sys.exit("%s: expected a module ending in '}'" % path)
        # Attribute aliases (#map = ...) before the module stay in front.
        lines = lines[:starts[0]] + lines[starts[0] + 1:-1]
    body = "\n".join(lines)
    if body.count("func.func @layer(") != 1:
        sys.exit("%s: expected one func.func @layer" % path)
    return body.replace("func.func @layer(", "func.func @%s(" % name)


def splice(module, extra):
    with open(module) as f:
        text = f.read().rstrip()
    with open(extra) as f:
        added = f.read()
    # Attribute aliases (#map = ...) may come before the module.
    if any(line.startswith("module") for line in text.split("\n")):
        if not text.endswith("}"):
            sys.exit("%s: expected a module ending in '}'" % module)
        text = text[:-1].rstrip() + "\n" + added + "}"
    else:
        text = text + "\n" + added
    print(text)


def link(prefix, variants):
    data = np.load(prefix + ".inputs.npz")
    names = [str(n) for n in data["names"]]
    arrays = [data["in:" + n] for n in names]
    p = Program()
    operands = [p.const(arr) for arr in arrays]
    types = [ttype(arr.shape, "i32" if arr.dtype.kind == "i" else "f32")
             for arr in arrays]
    expected = data["expected"]
    functions, groups = [], {}
    for variant in variants:
        name, path = variant.split("=", 1)
        path, _, group = path.partition("@")
        functions.append(planned_function(path, name))
        r = p.op("func.call @%s(%s) : (%s) -> %s" % (
            name, ", ".join(operands), ", ".join(types),
            ttype(expected.shape)))
        p.output(name, r, expected.shape, expected)
        groups.setdefault(group, []).append(name)
    with open(prefix + ".mlir", "w") as f:
        f.write(p.text("the program and its plans", "\n".join(functions)))
    arrays = {}
    for i, (name, kind, exp) in enumerate(p.outputs):
        arrays["%d:%s:%s" % (i, kind, name)] = exp
    for i, group in enumerate(groups.values()):
        if len(group) > 1:
            arrays["identical:%d" % i] = np.array(group)
    np.savez(prefix + ".npz", **arrays)


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------


def parse_runner_output(text):
    """The printMemrefI32 results in order, as int64 arrays."""
    results = []
    for chunk in text.split("Unranked Memref")[1:]:
        sizes = [int(s) for s in
                 re.search(r"sizes = \[([^\]]*)\]", chunk).group(1).split(",")
                 if s.strip()]
        data = chunk.split("data =", 1)[1]
        values = [int(v) for v in re.findall(r"-?\d+", data)]
        results.append(np.array(values, dtype=np.int64).reshape(sizes))
    return results


def relative_error(got, ref):
    """max |got - ref| / max |ref| over one result (the relative error in the
    max norm). Element by element it would be meaningless where a sum
    cancels to almost nothing: such an element carries the absolute f32
    rounding of its terms, not a relative one."""
    return float(np.abs(got - ref).max() / max(np.abs(ref).max(), 1e-30))


def compare(prefix, output, rtol):
    expected = np.load(prefix + ".npz")
    outputs = sorted((k for k in expected.files if not k.startswith("ident")),
                     key=lambda k: int(k.split(":")[0]))
    with open(output) as f:
        got = parse_runner_output(f.read())
    if len(got) != len(outputs):
        print("FAIL: %d results printed, %d expected" %
              (len(got), len(outputs)))
        return 1
    failed = False
    bits = {}
    worst = 0.0
    for key, value in zip(outputs, got):
        _, kind, name = key.split(":", 2)
        ref = expected[key]
        bits[name] = value
        if value.shape != ref.shape:
            print("FAIL %s: shape %s, expected %s" % (name, value.shape,
                                                      ref.shape))
            failed = True
            continue
        if kind == "index":
            ok = np.array_equal(value, ref)
            print("%s %s: indices %s" % ("ok" if ok else "FAIL", name,
                                         "equal" if ok else "differ"))
            if not ok:
                print("  got      %s\n  expected %s" %
                      (value.tolist(), ref.tolist()))
            failed |= not ok
            continue
        floats = value.astype(np.uint32).view(np.float32).astype(np.float64)
        err = relative_error(floats, ref)
        worst = max(worst, err)
        ok = err <= rtol
        print("%s %s: max relative error %.3g (limit %.0e)" % (
            "ok" if ok else "FAIL", name, err, rtol))
        failed |= not ok
    for key in expected.files:
        if not key.startswith("identical"):
            continue
        group = [str(n) for n in expected[key]]
        same = all(np.array_equal(bits[group[0]], bits[n]) for n in group[1:])
        print("%s bit-identical: %s" % ("ok" if same else "FAIL",
                                        ", ".join(group)))
        failed |= not same
    print("max relative error over all float results: %.3g" % worst)
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("case", choices=sorted(CASES) + ["plans", "plans-mla"])
    gen.add_argument("prefix")
    lnk = sub.add_parser("link")
    lnk.add_argument("prefix")
    lnk.add_argument("variants", nargs="+", metavar="NAME=FILE")
    spl = sub.add_parser("splice")
    spl.add_argument("module")
    spl.add_argument("file")
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("prefix")
    cmp_.add_argument("output")
    cmp_.add_argument("--rtol", type=float, default=1e-5)
    args = parser.parse_args()
    if args.command == "generate" and args.case.startswith("plans"):
        generate_plans(args.prefix, mla=args.case == "plans-mla")
        return 0
    if args.command == "generate":
        generate(args.case, args.prefix)
        return 0
    if args.command == "link":
        link(args.prefix, args.variants)
        return 0
    if args.command == "splice":
        splice(args.module, args.file)
        return 0
    return compare(args.prefix, args.output, args.rtol)


if __name__ == "__main__":
    sys.exit(main())
