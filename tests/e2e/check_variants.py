#!/usr/bin/env python3
"""check_variants.py — independent checks of `gradbook variants` output.

  check_variants.py answers INI ASSIGNMENT answers.json answers.csv
      Recomputes every student's answers from the givens recorded in answers.json with Python's
      own formulas for the 2-2-1 network and the perceptron (written out per neuron, not through
      gradbook's rules), and compares each answer (relative 1e-12, absolute 1e-15); checks that
      every answer lies in its [low, high] interval, that the variant's seed and hash follow the
      documented FNV-1a derivation (model/variants.h), that the drawn values agree with the
      givens, that the variants are pairwise different, and that answers.csv holds the same
      values, one record per student and question. Exit 0 when all agree.
  check_variants.py outline PDF
      Prints the titles of the top-level outline entries of an uncompressed-objects PDF (one per
      line, decoded from UTF-16BE), read without any PDF library.
"""
import configparser, csv, json, math, re, sys


def fnv1a(data, h=14695981039346656037):
    for b in data:
        h ^= b
        h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def fold(h):
    return (h >> 32) ^ (h & 0xFFFFFFFF)


def act(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    if name == "tanh":
        return math.tanh(z)
    if name == "identity":
        return z
    raise SystemExit(f"activation {name} not covered by this check")


def dact(name, z):
    if name == "sigmoid":
        s = act(name, z)
        return s * (1 - s)
    if name == "tanh":
        return 1 - math.tanh(z) ** 2
    return 1.0


def expected(cfg, g):
    """Every quantity a worksheet may ask, from the givens g (name -> value)."""
    sizes = json.loads(cfg["network"]["sizes"])
    if sizes != [2, 2, 1]:
        raise SystemExit(f"this check covers the 2-2-1 network, not {sizes}")
    fn = cfg["network"]["activation"].strip()
    x = [g["x[0]"], g["x[1]"]]
    W1 = [[g[f"W[1][{j}][{k}]"] for k in range(2)] for j in range(2)]
    b1 = [g["b[1][0]"], g["b[1][1]"]]
    W2 = [g["W[2][0][0]"], g["W[2][0][1]"]]
    b2 = g["b[2][0]"]
    y = g["y"] if "y" in g else g["y[0]"]
    eta = g["eta"]
    e = {}
    z1 = [W1[j][0] * x[0] + W1[j][1] * x[1] + b1[j] for j in range(2)]
    a1 = [act(fn, z) for z in z1]
    z2 = W2[0] * a1[0] + W2[1] * a1[1] + b2
    yh = act(fn, z2)
    d2 = (yh - y) * dact(fn, z2)
    for j in range(2):
        e[f"z[1][{j}]"] = z1[j]
        e[f"a[1][{j}]"] = a1[j]
        e[f"dact[1][{j}]"] = dact(fn, z1[j])
    e.update({"z[2][0]": z2, "a[2][0]": yh, "yhat": yh, "C": 0.5 * (yh - y) ** 2,
              "dact[2][0]": dact(fn, z2), "delta[2][0]": d2, "grad.b[2][0]": d2,
              "new.b[2][0]": b2 - eta * d2})
    for j in range(2):
        d1 = d2 * W2[j] * dact(fn, z1[j])
        e[f"delta[1][{j}]"] = d1
        e[f"grad.W[2][0][{j}]"] = d2 * a1[j]
        e[f"new.W[2][0][{j}]"] = W2[j] - eta * d2 * a1[j]
        e[f"grad.b[1][{j}]"] = d1
        e[f"new.b[1][{j}]"] = b1[j] - eta * d1
        for k in range(2):
            e[f"grad.W[1][{j}][{k}]"] = d1 * x[k]
            e[f"new.W[1][{j}][{k}]"] = W1[j][k] - eta * d1 * x[k]
    pn = len(json.loads(cfg["perceptron"]["inputs"]))
    pz = sum(g[f"perceptron.w[{k}]"] * g[f"perceptron.x[{k}]"] for k in range(pn)) + g["perceptron.b"]
    pf = cfg["perceptron"]["activation"].strip()
    e["perceptron.z"] = pz
    e["perceptron.yhat"] = act(pf, pz)
    return e


def check_answers(ini, assignment, jpath, cpath):
    cfg = configparser.ConfigParser(inline_comment_prefixes=(";",))
    cfg.read(ini)
    doc = json.load(open(jpath, encoding="utf-8"))
    bad = []
    checked = 0
    if doc.get("assignment") != assignment:
        bad.append(f"assignment {doc.get('assignment')!r}")
    students = doc["students"]
    seen = {}
    for s in students:
        sid = s["id"]
        seed = fold(fnv1a(assignment.encode() + b"\0" + s["variant"].encode()))
        if s["seed"] != seed:
            bad.append(f"{sid}: seed {s['seed']}, FNV-1a gives {seed}")
        if not s["hashed"].startswith(s["drawn"] + "|"):
            bad.append(f"{sid}: the hashed text does not start with the drawn values")
        h = "%08x" % fold(fnv1a(s["hashed"].encode()))
        if s["hash"] != h:
            bad.append(f"{sid}: hash {s['hash']}, FNV-1a of the hashed text gives {h}")
        for item in s["drawn"].split(";"):
            name, val = item.split("=")
            key = name if name in s["givens"] else ("y" if name == "y[0]" else name)
            if float(val) != s["givens"].get(key):
                bad.append(f"{sid}: drawn {name}={val}, givens {s['givens'].get(key)}")
        if s["drawn"] in seen:
            bad.append(f"{sid} and {seen[s['drawn']]} have the same values")
        seen[s["drawn"]] = sid
        exp = expected(cfg, s["givens"])
        for q in s["questions"]:
            name, v = q["quantity"], q["value"]
            if name not in exp:
                bad.append(f"{sid}: no independent formula for {name}")
                continue
            w = exp[name]
            if abs(v - w) > 1e-15 + 1e-12 * abs(w):
                bad.append(f"{sid} {q['id']} {name}: gradbook {v!r}, Python {w!r}")
            if not (q["low"] <= v <= q["high"]):
                bad.append(f"{sid} {q['id']}: {v} outside [{q['low']}, {q['high']}]")
            checked += 1
    rows = list(csv.reader(open(cpath, newline="", encoding="utf-8")))
    nq = len(doc["questions"])
    if len(rows) != 1 + len(students) * nq:
        bad.append(f"answers.csv has {len(rows)} records, expected 1 + {len(students)} x {nq}")
    else:
        for r, row in enumerate(rows[1:]):
            s, q = students[r // nq], students[r // nq]["questions"][r % nq]
            if row[0] != s["id"] or row[1] != s["name"] or row[2] != q["id"] or \
               row[3] != q["quantity"] or float(row[4]) != q["value"] or row[5] != q["printed"]:
                bad.append(f"answers.csv record {r + 2} differs from answers.json: {row}")
    for b in bad[:20]:
        print(b)
    print(f"{checked - len(bad)} of {checked} answers of {len(students)} students agree")
    if not checked:
        print("no answer was checked")
    return 1 if bad or not checked else 0


def outline(path):
    data = open(path, "rb").read()
    objs = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj\s*<<(.*?)>>\s*endobj", data, re.S)}
    roots = [n for n, b in objs.items() if b"/Type /Outlines" in b and b"/Parent" not in b]
    if len(roots) != 1:
        print(f"{len(roots)} outline roots")
        return 1
    top = []
    for n, b in sorted(objs.items()):
        if re.search(rb"/Parent %d 0 R" % roots[0], b) and b"/Title" in b:
            m = re.search(rb"/Title <FEFF([0-9A-Fa-f]*)>", b)
            t = bytes.fromhex(m.group(1).decode()).decode("utf-16-be") if m else \
                re.search(rb"/Title \((.*?)\)", b).group(1).decode("latin-1")
            top.append(t)
    for t in top:
        print(t)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "answers":
        sys.exit(check_answers(*sys.argv[2:]))
    if len(sys.argv) == 3 and sys.argv[1] == "outline":
        sys.exit(outline(sys.argv[2]))
    print(__doc__)
    sys.exit(2)
