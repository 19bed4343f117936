#!/usr/bin/env python3
"""compare.py: esptap's JSON Lines and tshark+esptap.lua on the same capture agree.

  compare.py DECODE.jsonl TSHARK.tsv

TSHARK.tsv: `tshark -2 -T fields -E aggregator='|' -e frame.number -e esptap.type
-e esptap.opname -e _ws.expert.message`. Both sides are computed by the caller at
test time. Checks, printing one line per check and `N passed, N failed`:
  - every packet is claimed by the dissector;
  - the count of each (record type, op) is the same on both sides, and so is the
    type and op of every frame;
  - each expert code (the dissector starts its expert texts with esptap's note
    codes) sits on exactly the frames where esptap's record carries that note,
    flag, timeout or event: nowhere else, nowhere missing.
"""
import collections
import json
import re
import sys

# expert code -> how to find it in esptap's records
FLAG_CODES = {"escape-error", "truncated", "unterminated", "line-error"}
NOTE_CODES = {"error-status", "checksum-mismatch", "chip-reboot", "stub-running", "unsolicited",
              "late-reply", "unexpected-ohai"}
INFO_NOTE_CODES = {"unsupported-command", "unsupported-extra-reply"}  # info level only: expected rejections
ALL_CODES = FLAG_CODES | NOTE_CODES | INFO_NOTE_CODES | {"timeout"}
CODE_RE = re.compile(r"^([a-z]+(?:-[a-z]+)*): ")

passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok: {what}")
    else:
        failed += 1
        print(f"FAIL: {what}{': ' + detail if detail else ''}")


def main():
    jsonl, tsv = sys.argv[1], sys.argv[2]
    j_frames = {}  # frame -> (type, op)
    j_codes = collections.defaultdict(set)
    for line in open(jsonl, encoding="utf-8"):
        r = json.loads(line)
        t = r.get("type")
        if t in ("session", "session_summary", "summary"):  # not packets
            continue
        fr = r.get("frame")
        if t == "timeout":
            j_codes["timeout"].add(fr)
            continue
        j_frames[fr] = (t, r.get("op") if t in ("command", "response") else None)
        for fl in r.get("flags", []):
            if fl in FLAG_CODES:
                j_codes[fl].add(fr)
        if t == "event" and r.get("event") in ("line-error", "break"):
            j_codes["line-error"].add(fr)
        for n in r.get("notes", []):
            c = n.get("code")
            if c in NOTE_CODES or (c in INFO_NOTE_CODES and n.get("level") == "info"):
                j_codes[c].add(fr)

    t_frames = {}
    t_codes = collections.defaultdict(set)
    unclaimed = []
    for line in open(tsv, encoding="utf-8", errors="replace"):
        cols = line.rstrip("\n").split("\t")
        if not cols[0].isdigit():
            continue
        cols += [""] * (4 - len(cols))
        fr, typ, op, msgs = int(cols[0]), cols[1], cols[2], cols[3]
        if not typ:
            unclaimed.append(fr)
            continue
        t_frames[fr] = (typ, op if typ in ("command", "response") and op else None)
        for m in msgs.split("|") if msgs else []:
            mm = CODE_RE.match(m)
            if mm and mm.group(1) in ALL_CODES:
                t_codes[mm.group(1)].add(fr)

    check(len(t_frames) > 0 and not unclaimed, f"dissector claims all {len(t_frames)} packets",
          f"unclaimed frames {unclaimed[:10]}")
    check(set(j_frames) == set(t_frames), "same frames on both sides",
          f"only esptap: {sorted(set(j_frames) - set(t_frames))[:10]}, only tshark: "
          f"{sorted(set(t_frames) - set(j_frames))[:10]}")
    jc = collections.Counter(j_frames.values())
    tc = collections.Counter(t_frames.values())
    for key in sorted(set(jc) | set(tc), key=lambda k: (k[0], k[1] or "")):
        check(jc[key] == tc[key], f"count of {key[0]} {key[1] or ''}: esptap {jc[key]}, tshark {tc[key]}")
    diff = [f for f in sorted(j_frames) if j_frames[f] != t_frames.get(f)]
    check(not diff, "type and op agree frame by frame",
          "; ".join(f"frame {f}: esptap {j_frames[f]}, tshark {t_frames.get(f)}" for f in diff[:8]))
    for code in sorted(ALL_CODES):
        a, b = j_codes.get(code, set()), t_codes.get(code, set())
        check(a == b, f"expert {code} on frames {sorted(b)[:12]}{'...' if len(b) > 12 else ''} ({len(b)})",
              f"missing in tshark {sorted(a - b)[:10]}, extra in tshark {sorted(b - a)[:10]}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
