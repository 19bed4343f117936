#!/usr/bin/python3
# validate-jsonl.py: checks an esptap JSON Lines trace against docs/trace.schema.json
# and the file's shape: a session first, a summary last, one record per line.
#   validate-jsonl.py SCHEMA FILE [--units N]   (--units: records that stand for units must number N)
import json
import sys

import jsonschema


def main():
    if len(sys.argv) < 3:
        print("usage: validate-jsonl.py SCHEMA FILE [--units N]", file=sys.stderr)
        return 2
    schema = json.load(open(sys.argv[1]))
    want_units = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--units" else None
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    lines = open(sys.argv[2], encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        print(f"{sys.argv[2]}: does not end with a newline", file=sys.stderr)
        return 1
    bad = 0
    recs = []
    for i, line in enumerate(lines, 1):
        try:
            o = json.loads(line)
        except ValueError as ex:
            print(f"{sys.argv[2]}:{i}: not JSON: {ex}", file=sys.stderr)
            bad += 1
            continue
        errs = sorted(v.iter_errors(o), key=lambda e: e.path)
        if errs:
            best = jsonschema.exceptions.best_match(errs)
            print(f"{sys.argv[2]}:{i}: {best.message} at {list(best.absolute_path)}", file=sys.stderr)
            bad += 1
        recs.append(o)
    types = [r.get("type") for r in recs]
    if not types or types[0] != "session" or types.count("session") != 1:
        print(f"{sys.argv[2]}: the first line, and only it, must be a session record", file=sys.stderr)
        bad += 1
    if not types or types[-1] != "summary" or types.count("summary") != 1:
        print(f"{sys.argv[2]}: the last line, and only it, must be a summary record", file=sys.stderr)
        bad += 1
    unit_recs = [r for r in recs if r.get("type") in ("command", "response", "raw", "event")]
    # Unit records carry their packet numbers 1..N, in order.
    frames = [r["frame"] for r in unit_recs]
    if frames != list(range(1, len(frames) + 1)):
        print(f"{sys.argv[2]}: unit records' frame numbers are not 1..{len(frames)} in order", file=sys.stderr)
        bad += 1
    if want_units is not None and len(unit_recs) != want_units:
        print(f"{sys.argv[2]}: {len(unit_recs)} unit records, expected {want_units}", file=sys.stderr)
        bad += 1
    if recs and recs[-1].get("type") == "summary" and recs[-1].get("records") != len(recs) - 2:
        print(f"{sys.argv[2]}: summary says {recs[-1].get('records')} records, file has {len(recs) - 2}",
              file=sys.stderr)
        bad += 1
    # Session summaries (several sessions only): numbered 1..N, frames contiguous, totals add up.
    ses = [r for r in recs if r.get("type") == "session_summary"]
    summ = recs[-1] if recs and recs[-1].get("type") == "summary" else None
    if ses and summ:
        if [r["session"] for r in ses] != list(range(1, len(ses) + 1)) or summ.get("sessions") != len(ses):
            print(f"{sys.argv[2]}: session summaries not numbered 1..{summ.get('sessions')}", file=sys.stderr)
            bad += 1
        spans = [(r["first_frame"], r["last_frame"]) for r in ses]
        if spans[0][0] != 1 or any(b[0] != a[1] + 1 for a, b in zip(spans, spans[1:])):
            print(f"{sys.argv[2]}: session frame spans {spans} are not contiguous from 1", file=sys.stderr)
            bad += 1
        for k in ("units", "frames", "commands", "responses", "timeouts", "error_statuses"):
            if sum(r["totals"][k] for r in ses) != summ["totals"][k]:
                print(f"{sys.argv[2]}: sessions' {k} do not add up to the summary's", file=sys.stderr)
                bad += 1
    elif summ and summ.get("sessions", 1) > 1:
        print(f"{sys.argv[2]}: {summ['sessions']} sessions but no session summaries", file=sys.stderr)
        bad += 1
    print(f"{sys.argv[2]}: {len(recs)} lines, {len(unit_recs)} unit records, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
