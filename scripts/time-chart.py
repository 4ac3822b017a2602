#!/usr/bin/env python3
"""Draws where a costed step's time goes, from a JSON cost report, as an SVG
of stacked bars: one bar per kind of layer (embedding, dense and MoE decoder
layers, final norm, LM head, gradient synchronisation), split by what bounds
each op (compute, memory, network, latency, weight streaming), then the
pipeline bubble.

    build/bin/moe-opt PROGRAM --moe-cost=... --moe-cost-report="format=json output=report.json" -o /dev/null
    scripts/time-chart.py report.json -o time.svg

A bar is the time its ops take on one device over the whole step, forward,
backward and optimizer together, as the report's per-op "seconds" give it.
With pipeline stages each device runs one stage, so the bars are the work of
every stage and add up to more than the step; the chart says so. Prints each
bar's figures (the same numbers the SVG draws) for people and tests.
"""

import argparse
import collections
import json
import sys
from xml.sax.saxutils import escape

BOUNDS = ["compute", "memory", "network", "latency", "weight_io"]
COLOURS = {"compute": "#1f5fbf", "memory": "#e08a1e", "network": "#2a9d4b",
           "latency": "#8c8c8c", "weight_io": "#9b4dca", "bubble": "#d62728"}


def layer_kind(layer, ops):
    """The kind of a layer, from its name and the ops it holds."""
    names = {op["op"] for op in ops}
    if layer.startswith("grad_sync"):
        return "gradient sync"
    if layer.startswith("layers."):
        return "MoE layers" if "moe.experts" in names else "dense layers"
    if "moe.embedding" in names:
        return "embedding"
    if layer == "norm":
        return "final norm"
    if "moe.lm_head" in names or layer == "lm_head":
        return "LM head"
    return layer


def format_seconds(s):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if s >= scale:
            return "%.3g %s" % (s / scale, unit)
    return "%.3g ns" % (s / 1e-9)


def nice_step(limit):
    raw = limit / 5 if limit > 0 else 1
    magnitude = 10 ** int(f"{raw:e}".split("e")[1])
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", help="JSON cost report (--moe-cost-report format=json)")
    parser.add_argument("-o", "--output", required=True, help="SVG file to write")
    args = parser.parse_args()
    try:
        with open(args.report) as f:
            report = json.load(f)
        ops, total = report["ops"], report["total"]
        if not isinstance(ops, list) or not all(
                isinstance(op, dict) and isinstance(op.get("seconds"), (int, float))
                and isinstance(op.get("layer"), str) and isinstance(op.get("bound"), str)
                for op in ops) or not isinstance(total.get("seconds"), (int, float)):
            raise ValueError("'ops' must list ops with layer, bound and seconds")
    except (OSError, ValueError, KeyError, AttributeError) as e:
        sys.exit("time-chart.py: error: %s is not a JSON cost report (%s)"
                 % (args.report, e))

    by_layer = collections.defaultdict(list)
    for op in ops:
        by_layer[op["layer"]].append(op)
    bars = collections.OrderedDict()
    counts = collections.Counter()
    for layer, layer_ops in by_layer.items():
        kind = layer_kind(layer, layer_ops)
        counts[kind] += 1
        segments = bars.setdefault(kind, collections.Counter())
        for op in layer_ops:
            if op["seconds"] > 0:
                segments[op["bound"]] += op["seconds"]
    bars = collections.OrderedDict((k, v) for k, v in bars.items() if sum(v.values()) > 0)
    bubble = report.get("breakdown", {}).get("pipeline_bubble", 0)
    stages = report.get("plan", {}).get("pp", 1)

    rows = []
    for kind, segments in bars.items():
        label = kind if counts[kind] == 1 or kind == "gradient sync" else "%s (%d)" % (kind, counts[kind])
        rows.append((label, [(b, segments[b]) for b in BOUNDS if segments[b] > 0]))
    if bubble > 0:
        rows.append(("pipeline bubble", [("bubble", bubble)]))

    step = total["seconds"]
    work = sum(s for _, segs in rows for _, s in segs)
    for label, segs in rows:
        seconds = sum(s for _, s in segs)
        print("%-22s %12s  %5.1f%% of the step  %s" % (
            label, format_seconds(seconds), 100 * seconds / step if step else 0,
            ", ".join("%s %s" % (b, format_seconds(s)) for b, s in segs)))
    print("%-22s %12s  (step %s)" % ("all bars", format_seconds(work), format_seconds(step)))

    # Layout: labels left, bars to a nice axis limit, legend below.
    left, right, top, bar_h, gap = 170, 40, 60, 26, 10
    width = 860
    plot_w = width - left - right
    limit = max([sum(s for _, s in segs) for _, segs in rows] + [1e-12])
    step_tick = nice_step(limit)
    axis = step_tick * max(1, -(-limit // step_tick))
    height = top + len(rows) * (bar_h + gap) + 90
    out = []
    out.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
               'font-family="sans-serif" font-size="12">' % (width, height))
    out.append('<rect width="100%" height="100%" fill="white"/>')
    title = "Where the time goes: %s, %s, step %s" % (
        report.get("machine", "?"), report.get("phase", "?"), format_seconds(step))
    out.append('<text x="%d" y="24" font-size="15">%s</text>' % (left, escape(title)))
    note = ("each bar: one device's time over the step (forward, backward, optimizer)"
            if stages <= 1 else
            "pp=%d: bars are the work of every stage, which run at once (they add up to more than the step)" % stages)
    out.append('<text x="%d" y="42" fill="#555">%s</text>' % (left, escape(note)))
    for i in range(int(round(axis / step_tick)) + 1):
        x = left + plot_w * i * step_tick / axis
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>'
                   % (x, top - 4, x, top + len(rows) * (bar_h + gap)))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>'
                   % (x, top + len(rows) * (bar_h + gap) + 16, escape(format_seconds(i * step_tick))))
    for row, (label, segs) in enumerate(rows):
        y = top + row * (bar_h + gap)
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>'
                   % (left - 8, y + bar_h * 0.65, escape(label)))
        x = left
        for bound, seconds in segs:
            w = plot_w * seconds / axis
            out.append('<rect x="%.2f" y="%d" width="%.2f" height="%d" fill="%s">'
                       '<title>%s: %s %s</title></rect>'
                       % (x, y, w, bar_h, COLOURS[bound], escape(label), bound,
                          escape(format_seconds(seconds))))
            x += w
        out.append('<text x="%.1f" y="%.1f" fill="#333">%s</text>'
                   % (x + 6, y + bar_h * 0.65, escape(format_seconds(sum(s for _, s in segs)))))
    legend_y = top + len(rows) * (bar_h + gap) + 40
    x = left
    for bound in BOUNDS + ["bubble"]:
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>'
                   % (x, legend_y - 10, COLOURS[bound]))
        out.append('<text x="%d" y="%d">%s</text>' % (x + 16, legend_y, bound.replace("_", " ") + "-bound" if bound != "bubble" else "pipeline bubble"))
        x += 120
    out.append("</svg>")
    try:
        with open(args.output, "w") as f:
            f.write("\n".join(out) + "\n")
    except OSError as e:
        sys.exit("time-chart.py: error: cannot write %s (%s)" % (args.output, e))


if __name__ == "__main__":
    main()
