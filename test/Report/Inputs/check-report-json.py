"""Parses each JSON file named on the command line strictly (RFC 8259: no NaN,
Infinity or trailing garbage) and checks that every number in it is finite and
not negative. Prints one line per file; exits non-zero naming the first bad
value's path."""
import json
import math
import sys


def reject(constant):
    raise ValueError("non-standard JSON constant %s" % constant)


def walk(value, path, problems):
    if isinstance(value, dict):
        for key, item in value.items():
            walk(item, path + "." + key, problems)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            walk(item, "%s[%d]" % (path, i), problems)
    elif isinstance(value, bool) or value is None or isinstance(value, str):
        return
    elif not math.isfinite(value) or value < 0:
        problems.append("%s = %r" % (path, value))


def main():
    status = 0
    for name in sys.argv[1:]:
        with open(name) as f:
            text = f.read()
        try:
            doc = json.loads(text, parse_constant=reject)
        except ValueError as e:
            print("%s: invalid JSON: %s" % (name, e))
            status = 1
            continue
        problems = []
        walk(doc, "$", problems)
        if problems:
            print("%s: %d bad figure(s), first %s" % (name, len(problems), problems[0]))
            status = 1
        else:
            print("%s: valid" % name)
    sys.exit(status)


main()
