#!/usr/bin/python3
# live_compare.py: do two JSON Lines traces hold the same transactions?
# Compares the sequences of (type, op, status) of commands and responses;
# prints the count, or the first difference, and exits 1 when they differ.
import json
import sys


def seq(path):
    out = []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") in ("command", "response"):
                out.append((r["type"], r.get("op"), r.get("status")))
    return out


def main():
    if len(sys.argv) != 3:
        print("usage: live_compare.py CAPTURE.jsonl REFERENCE.jsonl", file=sys.stderr)
        return 2
    a, b = seq(sys.argv[1]), seq(sys.argv[2])
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print(f"differ at transaction {i + 1}: {x} vs {y}")
            return 1
    if len(a) != len(b) or not a:
        print(f"lengths differ or empty: {len(a)} vs {len(b)}")
        return 1
    print(f"same {len(a)} commands and responses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
