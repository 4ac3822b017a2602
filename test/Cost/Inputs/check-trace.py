"""Checks a Chrome trace written by --moe-cost-report="trace=FILE".

Usage: check-trace.py TRACE.json REPORT.json

The trace must be valid JSON with a "traceEvents" list whose events are
metadata ("M") or complete ("X") events; track 1 holds the layers and track 2
the ops, each laid end to end from 0; every op lies inside the slice of its
layer (taken from the JSON report), and the layers end at the report's total
time. Prints a summary for FileCheck; exits non-zero on the first violation.
"""

import json
import sys


def fail(message):
    print("error: " + message)
    sys.exit(1)


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def main():
    with open(sys.argv[1]) as f:
        trace = json.load(f)
    with open(sys.argv[2]) as f:
        report = json.load(f)

    events = trace.get("traceEvents")
    if not isinstance(events, list):
        fail("no traceEvents list")
    tracks = {1: [], 2: []}
    for event in events:
        ph = event.get("ph")
        if ph == "M":
            continue
        if ph != "X":
            fail("unexpected phase %r" % ph)
        for key in ("name", "pid", "tid", "ts", "dur"):
            if key not in event:
                fail("event without %r: %r" % (key, event))
        if event["ts"] < 0 or event["dur"] < 0:
            fail("negative time in %r" % event)
        if event["tid"] not in tracks:
            fail("unknown track %r" % event["tid"])
        tracks[event["tid"]].append(event)

    for tid, track in tracks.items():
        t = 0.0
        for event in track:
            if not close(event["ts"], t):
                fail("track %d: %s starts at %r, expected %r"
                     % (tid, event["name"], event["ts"], t))
            t = event["ts"] + event["dur"]

    layers, ops = tracks[1], tracks[2]
    if [l["name"] for l in layers] != [l["layer"] for l in report["layers"]]:
        fail("layer events do not match the report's layers")
    # Ops appear grouped by layer, in program order within a layer.
    expected = [op for layer in report["layers"] for op in report["ops"]
                if op["layer"] == layer["layer"]]
    if [o["name"] for o in ops] != [op["op"] for op in expected]:
        fail("op events do not match the report's ops")
    slices = {l["name"]: (l["ts"], l["ts"] + l["dur"]) for l in layers}
    for event, op in zip(ops, expected):
        start, end = slices[op["layer"]]
        if event["ts"] < start - 1e-9 or event["ts"] + event["dur"] > end + 1e-9:
            fail("%s lies outside layer %s" % (event["name"], op["layer"]))

    end = layers[-1]["ts"] + layers[-1]["dur"] if layers else 0.0
    total = report["total"]["seconds"] * 1e6
    print("events %d layers %d ops %d" % (len(events), len(layers), len(ops)))
    print("layers end at %.6g us, report total %.6g us" % (end, total))
    if not close(end, total):
        fail("the layers do not add up to the step time")
    print("ok")


if __name__ == "__main__":
    main()
