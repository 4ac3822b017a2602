"""Checks a Chrome trace written by --moe-cost-report="trace=FILE".

Usage: check-trace.py TRACE.json REPORT.json

The trace is the step's timeline. It must be valid JSON with a "traceEvents"
list of metadata ("M") and complete ("X") events, every track named; on each
track the events nest (a pass holds its layers, a layer its ops) and never
overlap otherwise; the timeline starts at 0 and ends at the report's step
time. Where every micro-batch is drawn op by op, each op's events add up to
its time in the JSON report's "timing" (forward, backward, recompute, sync,
optimizer), and the report's "breakdown" adds up to the step. Prints a
summary for FileCheck; exits non-zero on the first violation.
"""

import bisect
import collections
import json
import sys


def fail(message):
    print("error: " + message)
    sys.exit(1)


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(1e-9, abs(a), abs(b))


def main():
    with open(sys.argv[1]) as f:
        trace = json.load(f)
    with open(sys.argv[2]) as f:
        report = json.load(f)

    events = trace.get("traceEvents")
    if not isinstance(events, list):
        fail("no traceEvents list")
    names, tracks = {}, collections.defaultdict(list)
    for event in events:
        ph = event.get("ph")
        if ph == "M":
            if event.get("name") == "thread_name":
                names[event["tid"]] = event["args"]["name"]
            continue
        if ph != "X":
            fail("unexpected phase %r" % ph)
        for key in ("name", "cat", "pid", "tid", "ts", "dur"):
            if key not in event:
                fail("event without %r: %r" % (key, event))
        if event["ts"] < -1e-9 or event["dur"] < 0:
            fail("negative time in %r" % event)
        tracks[event["tid"]].append(event)
    for tid in tracks:
        if tid not in names:
            fail("track %d has no name" % tid)

    # Events on a track nest: sorted by start (longest first), each one
    # lies inside the innermost open one or starts after it ends.
    slack = 1e-6 * max(1.0, report["total"]["seconds"] * 1e6)
    for tid, track in tracks.items():
        stack = []
        for event in sorted(track, key=lambda e: (e["ts"], -e["dur"])):
            end = event["ts"] + event["dur"]
            while stack and stack[-1] <= event["ts"] + slack:
                stack.pop()
            if stack and end > stack[-1] + slack:
                fail("%s: %s at %r overlaps the event before it"
                     % (names[tid], event["name"], event["ts"]))
            stack.append(end)

    all_events = [e for track in tracks.values() for e in track]
    start = min(e["ts"] for e in all_events)
    end = max(e["ts"] + e["dur"] for e in all_events)
    total = report["total"]["seconds"] * 1e6
    print("tracks: " + ", ".join(names[t] for t in sorted(tracks)))
    phases = collections.Counter(e["cat"] for e in all_events)
    print("events: " + ", ".join("%s %d" % (k, phases[k])
                                 for k in sorted(phases)))
    print("timeline %.6g to %.6g us, step %.6g us" % (start, end, total))
    if not close(start, 0, 1e-9) or not close(end, total, 1e-9):
        fail("the timeline's span is not the step time")

    # Collectives beside compute: time a collective event shares with the
    # compute ops of its stage (leaf op events, which never overlap).
    leaves = collections.defaultdict(list)
    for t, track in tracks.items():
        if names[t].endswith("compute"):
            prefix = names[t][:-len("compute")]
            leaves[prefix] = sorted((e["ts"], e["ts"] + e["dur"])
                                    for e in track if "loc" in e["args"])
    beside = 0.0
    for t, track in tracks.items():
        if names[t].endswith(("compute", "optimizer", "receive")):
            continue
        prefix = names[t].split("shard.")[0]
        ops = leaves.get(prefix, [])
        starts = [op[0] for op in ops]
        for c in track:
            lo, hi = c["ts"], c["ts"] + c["dur"]
            i = max(0, bisect.bisect_left(starts, lo) - 1)
            while i < len(ops) and ops[i][0] < hi:
                beside += max(0.0, min(hi, ops[i][1]) - max(lo, ops[i][0]))
                i += 1
    print("collectives beside compute: %.6g us" % (beside if beside > 1e-6 else 0))

    drawn = trace["otherData"]["micro_batches_drawn_op_by_op"].split()
    if len(drawn) == trace["otherData"]["micro_batches"]:
        phase_key = {"forward": "forward", "backward": "backward",
                     "recompute": "recompute", "gradient sync": "sync",
                     "optimizer": "optimizer"}
        sums = collections.defaultdict(float)
        for e in all_events:
            if "loc" in e.get("args", {}):
                sums[(e["args"]["loc"], phase_key[e["cat"]])] += e["dur"]
        # Ops that share a location add up together.
        wants = collections.defaultdict(float)
        for op in report["ops"]:
            for key in phase_key.values():
                wants[(op["loc"], key)] += op["timing"][key] * 1e6
        for (loc, key), want in sorted(wants.items()):
            got = sums.get((loc, key), 0.0)
            if not close(got, want, 1e-9) and abs(got - want) > 1e-9:
                fail("%s: %s events add up to %r us, timing says %r"
                     % (loc, key, got, want))
        print("every op's events add up to its timing")

    breakdown = report.get("breakdown")
    if breakdown is not None:
        parts = sum(v for k, v in breakdown.items()
                    if k != "hidden_communication")
        print("breakdown adds up to %.6g us" % (parts * 1e6))
        if not close(parts * 1e6, total, 1e-9):
            fail("the breakdown does not add up to the step time")
    print("ok")


if __name__ == "__main__":
    main()
