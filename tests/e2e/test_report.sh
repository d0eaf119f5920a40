# test_report.sh — `gradbook report`: the PDF read back with pdftotext and pdffonts, its numbers
# against `check --json` at full precision, reproducibility, --set, and bad input.
G=$GRADBOOK
E2E=$(dirname "$0")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1750000000

expect_exit 0 "report: writes a PDF" "$G" report -o "$tmp/r.pdf"
if [ -s "$tmp/r.pdf" ] && pdftotext -layout "$tmp/r.pdf" "$tmp/r.txt" 2>/dev/null; then ok "report: pdftotext reads it"; else bad "report: pdftotext reads it"; fi
out=$(pdffonts "$tmp/r.pdf" 2>/dev/null)
if printf '%s\n' "$out" | awk 'NR>2 && $(NF-4)!="yes"{bad=1} END{exit bad}'; then ok "report: every font embedded"; else bad "report: every font embedded" "$out"; fi
out=$(pdfinfo "$tmp/r.pdf" 2>&1)
expect_grep "^Title: +Exercise 3" "report: title metadata"
expect_grep "^Author: " "report: author metadata"
out=$(cat "$tmp/r.txt")
for s in "1 Introduction" "2 The Perceptron" "3 The Role of Non-Linearity" "4 Backpropagation" \
         "5 Symbolic Derivation" "6 Manual Calculation" "7 Discussion" "8 Conclusion" "Contents"; do
  expect_grep "$s" "report: has '$s'"
done
"$G" check --json > "$tmp/check.json"
# The worked example's loss and the nine gradients (gradient table, 8 decimals), the deltas.
out=$(python3 "$E2E/pdf_has_values.py" "$tmp/r.txt" "$tmp/check.json" C:.4f \
  delta[2][0]:.8f delta[1][0]:.8f delta[1][1]:.8f \
  grad.W[2][0][0]:.8f grad.W[2][0][1]:.8f grad.b[2][0]:.8f grad.W[1][0][0]:.8f \
  grad.W[1][0][1]:.8f grad.b[1][0]:.8f grad.W[1][1][0]:.8f grad.W[1][1][1]:.8f grad.b[1][1]:.8f 2>&1)
if [ $? = 0 ]; then ok "report: loss, deltas and nine gradients as computed at full precision"; else bad "report: loss, deltas and nine gradients as computed at full precision" "$out"; fi
# Case 08: the perceptron's model summary counts inputs + 1 parameters.
n=$(python3 -c "import configparser,json;c=configparser.ConfigParser(inline_comment_prefixes=(';',));c.read('$GB_ROOT/chapters/exercise3.ini');print(len(json.loads(c['perceptron']['inputs']))+1)")
out=$(grep -E "Total params|Total" "$tmp/r.txt")
expect_grep "Total.* $n\b" "report: model summary counts $n parameters (case 08)"

expect_exit 0 "report: second run" "$G" report -o "$tmp/r2.pdf"
if cmp -s "$tmp/r.pdf" "$tmp/r2.pdf"; then ok "report: byte-identical on the same inputs"; else bad "report: byte-identical on the same inputs"; fi
# ... also from another checkout: the prepared fonts (embedded in every PDF) come out the same
# whenever they are made (no build timestamp in them).
/usr/bin/python3 "$GB_ROOT/scripts/make-fonts.py" /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf \
  "$tmp/mono.ttf" --subset=mono
if cmp -s "$tmp/mono.ttf" "$GB_ROOT/out/fonts/DejaVuSansMono.ttf"; then ok "report: prepared fonts do not depend on when they were made"
else bad "report: prepared fonts do not depend on when they were made"; fi

# New sample values change every dependent number.
expect_exit 0 "report: --set" "$G" report -o "$tmp/s.pdf" --set 'W[2][0][0]=0.7' --set x=[1.0,-0.5]
pdftotext -layout "$tmp/s.pdf" "$tmp/s.txt"
"$G" check --json --set 'W[2][0][0]=0.7' --set x=[1.0,-0.5] > "$tmp/check2.json"
out=$(python3 "$E2E/pdf_has_values.py" "$tmp/s.txt" "$tmp/check2.json" C:.4f \
  grad.W[2][0][0]:.8f grad.W[1][0][0]:.8f grad.b[1][1]:.8f z[1][0]:.4f a[1][1]:.4f yhat:.4f 2>&1)
if [ $? = 0 ]; then ok "report --set: new values in prose and tables"; else bad "report --set: new values in prose and tables" "$out"; fi
# Each old gradient differs from the new one as printed, and is reported missing (exit 1, named):
# any other failure of the checker (an unknown name, a crash) fails the test.
for q in grad.W[2][0][0] grad.W[1][0][0]; do
  old_new=$(python3 -c "import json,sys
v=[{x['name']:x['value'] for x in json.load(open(f))}['$q'] for f in sys.argv[1:]]
print(format(v[0],'.8f'), format(v[1],'.8f'))" "$tmp/check.json" "$tmp/check2.json")
  out=$(python3 "$E2E/pdf_has_values.py" "$tmp/s.txt" "$tmp/check.json" "$q:.8f" 2>&1); rc=$?
  set -- $old_new
  if [ "$1" != "$2" ] && [ $rc = 1 ] && printf '%s' "$out" | grep -qF "$q: $1 not in the PDF text"; then
    ok "report --set: old $q gone"; else bad "report --set: old $q gone" "rc $rc, old/new $old_new: $out"; fi
done

# Bad input: exit 2, file:line:column, no PDF written, an existing PDF untouched.
cp "$tmp/r.pdf" "$tmp/keep.pdf"
mkdir -p "$tmp/t"
sed -e "s|^files = .*|files = $tmp/t/ch.md|" -e '/^        \.\.\/chapters/d' -e "s|\.\./out/fonts/|$GB_ROOT/out/fonts/|" "$GB_ROOT/templates/report.ini" > "$tmp/t/report.ini"
bad_chapter() { # NAME CONTENT PATTERN
  printf '%b' "$2" > "$tmp/t/ch.md"
  expect_exit 2 "report: $1 exits 2" "$G" report --template "$tmp/t/report.ini" -o "$tmp/keep.pdf"
  expect_grep "$3" "report: $1 named"
  if cmp -s "$tmp/r.pdf" "$tmp/keep.pdf"; then ok "report: $1 leaves the PDF untouched"; else bad "report: $1 leaves the PDF untouched"; fi
}
bad_chapter "unknown value" '# One\n\nThe loss is {{nosuch:.4f}} here.\n' "ch.md:3:13: unknown quantity 'nosuch'"
bad_chapter "math error" '# One\n\nSee $\\frac{a}$ here.\n' "ch.md:3:[0-9]+: .*frac"
bad_chapter "unclosed brace" '# One\n\nSee $x^{2$ here.\n' "ch.md:3:[0-9]+: "
bad_chapter "unknown command" '# One\n\nSee $\\frobnicate x$ here.\n' "ch.md:3:[0-9]+: .*frobnicate"
bad_chapter "unknown computation" '# One\n\n```gradbook plot-everything\nCaption.\n```\n' "ch.md:3:[0-9]+: .*plot-everything"
bad_chapter "unknown option" '# One\n\n```gradbook activation fn=sigmoid colour=red\nCaption.\n```\n' "ch.md:3:[0-9]+: .*colour"
printf '# One\n\nText.\n' > "$tmp/t/ch.md"
sed 's/^size = 10.5/sise = 10.5/' "$tmp/t/report.ini" > "$tmp/t/badkey.ini"
expect_exit 2 "report: bad template key exits 2" "$G" report --template "$tmp/t/badkey.ini" -o "$tmp/keep.pdf"
expect_grep "badkey.ini:[0-9]+:1: unknown template key 'type.sise'" "report: bad template key named"
sed 's|^serif = .*|serif = /nonexistent/Font.ttf|' "$tmp/t/report.ini" > "$tmp/t/badfont.ini"
expect_exit 2 "report: missing font exits 2" "$G" report --template "$tmp/t/badfont.ini" -o "$tmp/keep.pdf"
expect_grep "badfont.ini:[0-9]+:[0-9]+: fonts.serif: cannot read font file /nonexistent/Font.ttf" "report: missing font named"
if cmp -s "$tmp/r.pdf" "$tmp/keep.pdf"; then ok "report: failures leave the PDF untouched"; else bad "report: failures leave the PDF untouched"; fi
ls "$tmp" | grep -q '\.tmp-' && bad "report: no temporary files left" || ok "report: no temporary files left"

# Case 19: text that does not fit a line is broken, never dropped (a long word, CJK without spaces).
long=Donaudampfschifffahrtsgesellschaftskapitaenswitwenrentenversicherungsanstaltsverwaltungsgebaeude
printf '# One\n\n%s%s ends. 王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明 end.\n' "$long" "$long" > "$tmp/t/ch.md"
expect_exit 0 "report: long word and CJK" "$G" report --template "$tmp/t/report.ini" -o "$tmp/long.pdf"
got=$(pdftotext "$tmp/long.pdf" - 2>/dev/null | tr -d ' \n\f')
case "$got" in *"$long$long"ends.*end.*) ok "report: long word kept whole (case 19)";; *) bad "report: long word kept whole (case 19)" "$got";; esac
case "$got" in *王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明王小明end.*) ok "report: CJK text kept whole (case 19)";; *) bad "report: CJK text kept whole (case 19)" "$got";; esac
unset SOURCE_DATE_EPOCH
