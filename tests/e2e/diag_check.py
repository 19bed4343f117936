#!/usr/bin/env python3
"""diag_check.py: checks `esptap diagnose --json` output against the decoded trace of the same capture.

  diag_check.py DIAG.json TRACE.jsonl CODE SEVERITY RULE [ALLOW]

The finding CODE must be there with SEVERITY, and its frames must include the frame RULE picks
from the trace (cmd:OP, timeout:OP, error:OP, text:SUBSTR, note:SUBSTR, verify0, none); every other finding of
severity error or warning must be in ALLOW (comma-separated codes). Prints one line; exit 1 on failure.
"""
import json
import sys


def pick(recs, rule):
    kind, _, arg = rule.partition(":")
    for r in recs:
        t = r.get("type")
        if kind == "cmd" and t == "command" and r.get("op") == arg:
            return r["frame"]
        if kind == "timeout" and t == "timeout" and r.get("op") == arg:
            return r["frame"]
        if kind == "error" and t == "response" and r.get("op") == arg and r.get("status") not in (None, "ok"):
            return r["frame"]
        if kind == "text" and t == "raw" and arg in (r.get("text") or ""):
            return r["frame"]
        if kind == "note" and t == "event" and arg in (r.get("text") or ""):
            return r["frame"]
        if kind == "verify0" and t == "response" and (r.get("fields") or {}).get("verify") == 0:
            return r["frame"]
    return None


def main():
    diag, trace, code, sev, rule = sys.argv[1:6]
    allow = set(sys.argv[6].split(",")) if len(sys.argv) > 6 and sys.argv[6] else set()
    d = json.load(open(diag))
    recs = [json.loads(line) for line in open(trace) if line.strip()]
    found = [f for f in d["findings"] if f["code"] == code]
    problems = []
    if not found:
        problems.append(f"no {code} finding")
    else:
        f = found[0]
        if f["severity"] != sev:
            problems.append(f"{code} is {f['severity']}, want {sev}")
        if rule != "none":
            want = pick(recs, rule)
            if want is None:
                problems.append(f"rule {rule} picks no frame in the trace")
            elif want not in f["frames"]:
                problems.append(f"{code} frames {f['frames']} lack frame {want} ({rule})")
    for f in d["findings"]:
        if f["code"] != code and f["severity"] in ("error", "warning") and f["code"] not in allow:
            problems.append(f"unexpected {f['severity']} {f['code']}: {f['summary']}")
    if problems:
        print("; ".join(problems))
        sys.exit(1)
    print(f"{code} {sev} frames {found[0]['frames']}")


main()
