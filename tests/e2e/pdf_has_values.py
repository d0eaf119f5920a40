#!/usr/bin/env python3
"""pdf_has_values.py TEXT JSON NAME:FMT...: checks that the text of a PDF (pdftotext output,
typographic minus normalised) contains each named quantity of gradbook's `check --json` output
formatted with FMT (Python format spec, e.g. .4f), i.e. the full-precision value rounded as
printed. Exit 0 when all are found; prints the missing ones."""
import json, sys

text = open(sys.argv[1], encoding="utf-8").read().replace("\u2212", "-")
values = {q["name"]: q["value"] for q in json.load(open(sys.argv[2]))}
missing = 0
for spec in sys.argv[3:]:
    name, fmt = spec.rsplit(":", 1)
    s = format(values[name] + 0.0, fmt)
    if s.startswith("-") and float(s) == 0:
        s = s[1:]
    if s not in text:
        print(f"{name}: {s} not in the PDF text")
        missing += 1
print(f"{len(sys.argv) - 3 - missing} of {len(sys.argv) - 3} values found")
sys.exit(1 if missing else 0)
