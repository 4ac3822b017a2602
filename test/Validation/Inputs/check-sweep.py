"""Checks a moe-wse-sweep CSV (stdin) against expectations.

  --expect E,K:FIELD=VALUE+-TOL   the row with E experts and top_k K has
                                  FIELD within VALUE +- TOL
  --range FIELD=LO:HI             every row has LO <= FIELD <= HI
  --decreasing FIELD              FIELD falls (weakly) from row to row

Prints each checked value next to its expectation; exits 1 on a miss.
"""
import argparse
import csv
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--expect", action="append", default=[])
    parser.add_argument("--range", action="append", default=[])
    parser.add_argument("--decreasing", action="append", default=[])
    args = parser.parse_args()
    rows = list(csv.DictReader(sys.stdin))
    if not rows:
        print("error: no rows")
        return 1
    ok = True

    def report(what, value, good, expected):
        nonlocal ok
        ok &= good
        print("%s %s = %.4f (expected %s)" %
              ("ok" if good else "MISS", what, value, expected))

    for spec in args.expect:
        point, check = spec.split(":")
        experts, top_k = point.split(",")
        field, rest = check.split("=")
        value, tol = (float(x) for x in rest.split("+-"))
        row = [r for r in rows
               if r["experts"] == experts and r["top_k"] == top_k]
        if not row:
            print("MISS no row E=%s top_k=%s" % (experts, top_k))
            ok = False
            continue
        got = float(row[0][field])
        report("E=%s top_k=%s %s" % (experts, top_k, field), got,
               abs(got - value) <= tol, "%g +- %g" % (value, tol))
    for spec in args.range:
        field, bounds = spec.split("=")
        lo, hi = (float(x) for x in bounds.split(":"))
        for r in rows:
            got = float(r[field])
            report("E=%s top_k=%s %s" % (r["experts"], r["top_k"], field),
                   got, lo <= got <= hi, "in [%g, %g]" % (lo, hi))
    for field in args.decreasing:
        values = [float(r[field]) for r in rows]
        good = all(b <= a + 1e-9 for a, b in zip(values, values[1:]))
        ok &= good
        print("%s %s decreasing: %s" % ("ok" if good else "MISS", field,
                                        ", ".join("%.3f" % v for v in values)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
