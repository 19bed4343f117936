#!/usr/bin/python3
# live_compare.py: do two JSON Lines traces hold the same transactions?
# Compares the sequences of (type, op, status) of commands and responses;
# prints the count, or the first difference, and exits 1 when they differ.
import json
import sys


def seq(path, kind=None):
    out = []
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") in ("command", "response") and kind in (None, r["type"]):
                out.append((r["type"], r.get("op"), r.get("status")))
    return out


def main():
    # --per-dir: a tap merges its two lines by read time, so compare each line's sequence alone
    per_dir = sys.argv[1:2] == ["--per-dir"]
    args = sys.argv[2:] if per_dir else sys.argv[1:]
    if len(args) != 2:
        print("usage: live_compare.py [--per-dir] CAPTURE.jsonl REFERENCE.jsonl", file=sys.stderr)
        return 2
    if per_dir:
        a = seq(args[0], "command") + seq(args[0], "response")
        b = seq(args[1], "command") + seq(args[1], "response")
    else:
        a, b = seq(args[0]), seq(args[1])
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
