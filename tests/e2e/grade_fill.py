#!/usr/bin/env python3
"""grade_fill.py VARIANTS_DIR SUBMISSIONS_DIR [all-right]: fills the blank answer sheets that
`gradbook variants` wrote (VARIANTS_DIR/<fname>-answers.txt) the way students would, computing
every answer INDEPENDENTLY from the givens in answers.json with its own forward and backward
formulas (the 2-2-1 sigmoid network and the sigmoid perceptron, written out per neuron like
independent_mlp.py), and writes them to SUBMISSIONS_DIR with SUBMISSIONS_DIR/expected.json: per
student the marks each answer should get and the total, derived here from the sheets written.

Students in roster order (answers.json) play these parts (with "all-right", everyone is right):
  0 right everywhere             1 wrong everywhere
  2 wrong only in yhat, every later answer computed from that wrong yhat (carried forward)
  3 rounds every answer to 4 significant digits and computes on from the rounded numbers
  4 right, written with decimal commas          5 hands in the blank sheet
  6 flips the sign of (yhat - y) in delta[2][0] and computes on from it (a named mistake)
  7.. right
and three files that are not gradable: garbage.txt (random bytes), other-assignment.txt (a
filled sheet of assignment "B" for student 7) and unknown-student.txt (student "s9999")."""
import json, math, os, random, re, sys

vdir, sdir = sys.argv[1], sys.argv[2]
all_right = len(sys.argv) > 3 and sys.argv[3] == "all-right"
doc = json.load(open(os.path.join(vdir, "answers.json")))
qs = doc["questions"]
names = [q["quantity"] for q in qs]
sig = lambda z: 1.0 / (1.0 + math.exp(-z))


def tol_halfwidth(tol, k):
    kind, v = tol.split(":")
    if kind == "rel":
        r = float(v[:-1]) / 100 if v.endswith("%") else float(v)
        return r * abs(k) if k != 0 else 5e-5
    if kind == "abs":
        return float(v)
    n = int(v)
    return 0.5 * 10 ** (-(n - 1)) * 10 ** math.floor(math.log10(abs(k))) if k else 5e-5


def compute(g, own):
    """Every asked quantity from the givens g; an asked upstream value is taken from own (the
    student's answers) when present, else from this same computation (the correct value)."""
    v = {}
    use = lambda n: own[n] if n in own else v[n]
    px = [g[f"perceptron.x[{k}]"] for k in range(3)]
    pw = [g[f"perceptron.w[{k}]"] for k in range(3)]
    v["perceptron.z"] = sum(w * x for w, x in zip(pw, px)) + g["perceptron.b"]
    v["perceptron.yhat"] = sig(use("perceptron.z"))
    x = [g["x[0]"], g["x[1]"]]
    for j in range(2):
        v[f"z[1][{j}]"] = g[f"W[1][{j}][0]"] * x[0] + g[f"W[1][{j}][1]"] * x[1] + g[f"b[1][{j}]"]
    for j in range(2):
        v[f"a[1][{j}]"] = sig(use(f"z[1][{j}]"))
    v["z[2][0]"] = (g["W[2][0][0]"] * use("a[1][0]") + g["W[2][0][1]"] * use("a[1][1]")
                    + g["b[2][0]"])
    v["yhat"] = sig(use("z[2][0]"))
    y = g["y"]
    v["C"] = 0.5 * (use("yhat") - y) ** 2
    s2 = sig(use("z[2][0]"))
    v["dact[2][0]"] = s2 * (1 - s2)
    v["delta[2][0]"] = (use("yhat") - y) * use("dact[2][0]")
    for k in range(2):
        v[f"grad.W[2][0][{k}]"] = use("delta[2][0]") * use(f"a[1][{k}]")
    v["grad.b[2][0]"] = use("delta[2][0]")
    for j in range(2):
        s1 = sig(use(f"z[1][{j}]"))
        v[f"dact[1][{j}]"] = s1 * (1 - s1)
    for j in range(2):
        v[f"delta[1][{j}]"] = g[f"W[2][0][{j}]"] * use("delta[2][0]") * use(f"dact[1][{j}]")
        for k in range(2):
            v[f"grad.W[1][{j}][{k}]"] = use(f"delta[1][{j}]") * x[k]
        v[f"grad.b[1][{j}]"] = use(f"delta[1][{j}]")
    v["new.W[2][0][0]"] = g["W[2][0][0]"] - g["eta"] * use("grad.W[2][0][0]")
    return v


# Which asked quantities each one is computed from (directly), for "an upstream answer is wrong".
UP = {"perceptron.yhat": ["perceptron.z"], "a[1][0]": ["z[1][0]"], "a[1][1]": ["z[1][1]"],
      "z[2][0]": ["a[1][0]", "a[1][1]"], "yhat": ["z[2][0]"], "C": ["yhat"],
      "dact[2][0]": ["z[2][0]"], "delta[2][0]": ["yhat", "dact[2][0]"],
      "grad.W[2][0][0]": ["delta[2][0]", "a[1][0]"], "grad.W[2][0][1]": ["delta[2][0]", "a[1][1]"],
      "grad.b[2][0]": ["delta[2][0]"], "dact[1][0]": ["z[1][0]"], "dact[1][1]": ["z[1][1]"],
      "delta[1][0]": ["delta[2][0]", "dact[1][0]"], "delta[1][1]": ["delta[2][0]", "dact[1][1]"],
      "new.W[2][0][0]": ["grad.W[2][0][0]"]}
for j in range(2):
    for k in range(2):
        UP[f"grad.W[1][{j}][{k}]"] = [f"delta[1][{j}]"]
    UP[f"grad.b[1][{j}]"] = [f"delta[1][{j}]"]


def upstream(n):
    out = set()
    for u in UP.get(n, []):
        out |= {u} | upstream(u)
    return out


def sig4(v):
    return float(f"{v:.4g}")


def expected_marks(g, key, written):
    """The mark of every answer by the grading rules (README): right within tolerance of the
    key, or of the value recomputed from the student's own answers when none upstream is wrong;
    carried forward when an upstream answer is wrong and the answer is right from the student's
    own numbers; wrong otherwise; blank without a number."""
    own = compute(g, written)
    marks = {}
    for q in qs:
        n = q["quantity"]
        if n not in written:
            marks[n] = "blank"; continue
        s = written[n]
        near = lambda ref: abs(s - ref) <= tol_halfwidth(q["tolerance"], ref)
        up_wrong = any(u in written and not near_key(u, written, key) for u in upstream(n))
        if near(key[n]) or (not up_wrong and near(own[n])):
            marks[n] = "right"
        elif up_wrong and near(own[n]):
            marks[n] = "carried"
        else:
            marks[n] = "wrong"
    return marks


def near_key(n, written, key):
    q = qs[names.index(n)]
    return n in written and abs(written[n] - key[n]) <= tol_halfwidth(q["tolerance"], key[n])


def fill(template, values, comma=False):
    out = []
    for line in template.splitlines():
        m = re.match(r"^q(\d+)\s+(\S+) = ?$", line)
        if m and m.group(2) in values:
            t = repr(values[m.group(2)]) if not comma else f"{values[m.group(2)]:.9g}".replace(".", ",")
            line = f"q{m.group(1)}  {m.group(2)} = {t}"
        out.append(line)
    return "\n".join(out) + "\n"


os.makedirs(sdir, exist_ok=True)
rng = random.Random(3)
expected = {}
bad = 0
for i, st in enumerate(doc["students"]):
    g = st["givens"]
    key = compute(g, {})
    for q in st["questions"]:     # the independent key agrees with gradbook's answers.json
        if abs(key[q["quantity"]] - q["value"]) > 1e-12 * max(1.0, abs(q["value"])):
            print(f"{st['id']} {q['quantity']}: Python {key[q['quantity']]!r}, gradbook {q['value']!r}")
            bad += 1
    fname = re.sub(r"-answers\.txt$", "", [f for f in os.listdir(vdir) if f.endswith("-answers.txt")
                   and f"student: {st['id']}\n" in open(os.path.join(vdir, f), encoding="utf-8").read()][0])
    template = open(os.path.join(vdir, fname + "-answers.txt"), encoding="utf-8").read()
    part = "right" if all_right or i >= 7 else ["right", "wrong", "carried", "rounding", "comma",
                                                "blank", "sign"][i]
    if part in ("right", "comma"):
        written = dict(key)
    elif part == "wrong":
        written = {n: -3.0 * key[n] + 7.25 * (k + 1) for k, n in enumerate(names)}
    elif part == "carried":
        yh = key["yhat"]
        # the student computes on from the own wrong yhat, one step at a time
        own = {"yhat": yh + 0.05 if yh < 0.9 else yh - 0.05}
        for n in names:
            if n != "yhat":
                own[n] = compute(g, own)[n]
        written = own
    elif part == "rounding":
        own = {}
        for n in names:
            own[n] = sig4(compute(g, own)[n])
        written = own
    elif part == "sign":
        own = {}
        for n in names:
            own[n] = compute(g, own)[n]
            if n == "delta[2][0]":
                own[n] = (g["y"] - own["yhat"]) * own["dact[2][0]"]
        written = own
    else:
        written = {}
    sheet = fill(template, written, comma=(part == "comma"))
    open(os.path.join(sdir, fname + "-answers.txt"), "w", encoding="utf-8").write(sheet)
    marks = expected_marks(g, key, written)
    pts = {q["quantity"]: q["points"] for q in qs}
    total = sum(pts[n] for n, m in marks.items() if m in ("right", "carried"))
    expected[st["id"]] = {"part": part, "fname": fname, "name": st["name"], "marks": marks,
                          "total": total, "max": sum(pts.values())}
    if part == "wrong" and any(m != "wrong" for m in marks.values()):
        print(f"the wrong student has a mark that is not wrong: {marks}"); bad += 1
    if part == "carried" and (marks["yhat"] != "wrong" or marks["C"] != "carried"):
        print(f"the carried student is not as planned: {marks}"); bad += 1

if not all_right:
    s6 = doc["students"][7]
    f6 = expected[s6["id"]]["fname"]
    other = open(os.path.join(sdir, f6 + "-answers.txt"), encoding="utf-8").read()
    open(os.path.join(sdir, "other-assignment.txt"), "w", encoding="utf-8").write(
        other.replace("assignment: A\n", "assignment: B\n"))
    first = expected[doc["students"][0]["id"]]["fname"]
    unknown = open(os.path.join(sdir, first + "-answers.txt"), encoding="utf-8").read()
    open(os.path.join(sdir, "unknown-student.txt"), "w", encoding="utf-8").write(
        re.sub(r"student: .*\n", "student: s9999\n", unknown, count=1))
    open(os.path.join(sdir, "garbage.txt"), "wb").write(bytes(rng.randrange(256) for _ in range(3000)))
json.dump(expected, open(os.path.join(sdir, "expected.json"), "w"), indent=1)
if not expected or not all(st["questions"] for st in doc["students"]):
    print("no student, or a student without questions, in answers.json"); bad += 1
sys.exit(1 if bad else 0)
