#!/usr/bin/env python3
"""independent_mlp.py INI JSON: recomputes the 2-2-1 sigmoid example of the parameters file with
Python's own float formulas (written out per neuron, not via gradbook's rules) and compares every
forward value, delta and gradient in gradbook's `check --json` output (relative 1e-12, absolute
1e-15). Exit 0 when all agree."""
import configparser, json, math, sys

cfg = configparser.ConfigParser(inline_comment_prefixes=(";",))
cfg.read(sys.argv[1])
s = cfg["sample"]
x = json.loads(s["x"]); W1 = json.loads(s["W1"]); b1 = json.loads(s["b1"])
W2 = json.loads(s["W2"]); b2 = json.loads(s["b2"]); y = json.loads(s["y"])[0]
sig = lambda z: 1.0 / (1.0 + math.exp(-z))
exp = {}
z1 = [W1[j][0] * x[0] + W1[j][1] * x[1] + b1[j] for j in range(2)]
a1 = [sig(z) for z in z1]
z2 = W2[0][0] * a1[0] + W2[0][1] * a1[1] + b2[0]
yh = sig(z2)
for j in range(2):
    exp[f"z[1][{j}]"] = z1[j]; exp[f"a[1][{j}]"] = a1[j]
exp["z[2][0]"] = z2; exp["a[2][0]"] = yh; exp["yhat"] = yh
exp["C"] = 0.5 * (yh - y) ** 2
d2 = (yh - y) * yh * (1 - yh)
exp["delta[2][0]"] = d2
d1 = [d2 * W2[0][j] * a1[j] * (1 - a1[j]) for j in range(2)]
for j in range(2):
    exp[f"delta[1][{j}]"] = d1[j]
    exp[f"grad.W[2][0][{j}]"] = d2 * a1[j]
    exp[f"grad.b[1][{j}]"] = d1[j]
    for k in range(2):
        exp[f"grad.W[1][{j}][{k}]"] = d1[j] * x[k]
exp["grad.b[2][0]"] = d2

got = {q["name"]: q for q in json.load(open(sys.argv[2]))}
bad = 0
for name, v in exp.items():
    if name not in got:
        print(f"missing {name}"); bad += 1; continue
    g = got[name]["value"]
    if abs(g - v) > 1e-15 + 1e-12 * abs(v):
        print(f"{name}: gradbook {g!r}, Python {v!r}"); bad += 1
    if name.startswith("grad.") and got[name]["check"]["verdict"] != "pass":
        print(f"{name}: verdict {got[name]['check']['verdict']}"); bad += 1
print(f"{len(exp) - bad} of {len(exp)} values agree")
sys.exit(1 if bad else 0)
