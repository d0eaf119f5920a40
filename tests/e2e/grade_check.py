#!/usr/bin/env python3
"""grade_check.py GRADED_DIR SUBMISSIONS_DIR: compares grades.csv (read with Python's csv module,
RFC 4180) with the totals grade_fill.py derived from the sheets it wrote (expected.json), checks
the header a learning platform maps (ID number, Full name, Grade, Maximum, Percent), the percent,
and that misconceptions.csv counts the planted mistake. Exit 0 when all agree."""
import csv, json, os, sys

gdir, sdir = sys.argv[1], sys.argv[2]
exp = json.load(open(os.path.join(sdir, "expected.json")))
raw = open(os.path.join(gdir, "grades.csv"), "rb").read()
bad = []
if raw.startswith(b"\xef\xbb\xbf"):
    bad.append("grades.csv starts with a BOM")
if not raw.endswith(b"\r\n"):
    bad.append("grades.csv records do not end with CRLF")
rows = list(csv.reader(raw.decode("utf-8").splitlines(), strict=True))
if rows[0] != ["ID number", "Full name", "Grade", "Maximum", "Percent"]:
    bad.append(f"header {rows[0]}")
got = {r[0]: r for r in rows[1:]}
for sid, e in exp.items():
    if sid not in got:
        bad.append(f"{sid} ({e['part']}) missing from grades.csv"); continue
    r = got[sid]
    if r[1] != e["name"]:
        bad.append(f"{sid}: name {r[1]!r}, expected {e['name']!r}")
    if abs(float(r[2]) - e["total"]) > 1e-9 or abs(float(r[3]) - e["max"]) > 1e-9:
        bad.append(f"{sid} ({e['part']}): grade {r[2]}/{r[3]}, expected {e['total']}/{e['max']}")
    if abs(float(r[4]) - round(100 * e["total"] / e["max"], 1)) > 0.051:
        bad.append(f"{sid}: percent {r[4]}")
if len(got) != len(exp):
    bad.append(f"{len(got)} rows, expected {len(exp)}: {sorted(set(got) - set(exp))}")
signs = [p for p in exp.values() if p["part"] == "sign"]
if signs:
    mis = list(csv.reader(open(os.path.join(gdir, "misconceptions.csv"), encoding="utf-8", newline="")))
    if mis[0] != ["question", "quantity", "mistake", "count"]:
        bad.append(f"misconceptions header {mis[0]}")
    hit = [m for m in mis[1:] if m[1] == "delta[2][0]" and "sign" in m[2]]
    if not hit or int(hit[0][3]) != len(signs):
        bad.append(f"misconceptions.csv does not count the flipped sign once: {mis}")
for b in bad:
    print(b)
print(f"{len(exp)} students checked, {len(bad)} problems")
sys.exit(1 if bad else 0)
