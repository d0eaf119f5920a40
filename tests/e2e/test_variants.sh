# test_variants.sh — `gradbook variants`: a class of 30 from a spreadsheet roster (files, names
# and IDs on the pages, variant key and hash on every page, answers recomputed independently in
# Python, pairwise different variants, byte-identical regeneration), bad rosters (exit 2, the
# row named, nothing written), unsafe IDs, the booklet, and numbered variants.
G=$GRADBOOK
E2E=$GB_ROOT/tests/e2e
R=$GB_ROOT/tests/data/rosters
A="Exercise 3"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1750000000

# --- a class of 30 (BOM, CRLF, semicolons, a name with a comma, Greek and Chinese names) ---
expect_exit 0 "variants: class of 30 with a booklet" "$G" variants --assignment "$A" \
  --roster "$R/class30.csv" --outdir "$tmp/c" --booklet -j 2
c=$tmp/c
n_ws=$(ls "$c" | grep -c -- '-worksheet\.pdf$'); n_key=$(ls "$c" | grep -c -- '-key\.pdf$')
n_txt=$(ls "$c" | grep -c -- '-answers\.txt$'); n_all=$(ls -A "$c" | wc -l)
if [ "$n_ws" = 30 ] && [ "$n_key" = 30 ] && [ "$n_txt" = 30 ] && [ -s "$c/answers.csv" ] && \
   [ -s "$c/answers.json" ] && [ -s "$c/worksheets-booklet.pdf" ] && [ "$n_all" = 93 ]; then
  ok "variants: 30 worksheets, 30 keys, 30 answer sheets, answers.csv/json, booklet, nothing else"
else
  bad "variants: 30 worksheets, 30 keys, 30 answer sheets, answers.csv/json, booklet, nothing else" \
    "worksheets $n_ws keys $n_key sheets $n_txt entries $n_all: $(ls -A "$c" | head -5)"
fi
if find "$c" -mindepth 1 -type d | grep -q . || ls -A "$c" | grep -q '\.tmp-'; then
  bad "variants: no subfolder and no temporary file in the output folder" "$(ls -A "$c" | grep tmp)"
else ok "variants: no subfolder and no temporary file in the output folder"; fi
opened=0; unopened=""
for f in "$c"/*.pdf; do
  if pdfinfo "$f" > /dev/null 2>&1; then opened=$((opened + 1)); else unopened="$unopened $f"; fi
done
if [ -z "$unopened" ] && [ "$opened" = $((n_ws + n_key + 1)) ]; then ok "variants: every PDF opens"
else bad "variants: every PDF opens" "$opened opened; not:$unopened"; fi

# Each student's ID, name and hash from answers.json (Python reads it: no shell parsing of JSON).
info() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); s=[s for s in d['students'] if s['id']==sys.argv[2]][0]; print(s[sys.argv[3]])" "$c/answers.json" "$1" "$2"; }
for sid in s1004 s1005 s1003; do
  name=$(info $sid name); hash=$(info $sid hash)
  for kind in worksheet key; do
    pdf=$c/$sid-$kind.pdf
    p1=$(pdftotext -f 1 -l 1 "$pdf" - 2>/dev/null)
    case "$p1" in *"$name"*) ok "variants: $sid $kind page 1 shows the name '$name'";;
      *) bad "variants: $sid $kind page 1 shows the name '$name'" "$(printf '%s' "$p1" | head -12)";; esac
    case "$p1" in *"$sid"*) ok "variants: $sid $kind page 1 shows the ID";;
      *) bad "variants: $sid $kind page 1 shows the ID";; esac
    pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/{print $2}')
    missing=""
    p=1; while [ "$p" -le "${pages:-0}" ]; do
      t=$(pdftotext -f $p -l $p "$pdf" - 2>/dev/null)
      case "$t" in *"$sid"*"$hash"*|*"$hash"*"$sid"*) ;; *) missing="$missing $p";; esac
      p=$((p + 1))
    done
    if [ "${pages:-0}" -ge 2 ] && [ -z "$missing" ]; then ok "variants: $sid $kind: variant key and hash $hash on all $pages pages"
    else bad "variants: $sid $kind: variant key and hash $hash on every page" "pages $pages, missing on:$missing"; fi
  done
done
head -4 "$c/s1004-answers.txt" > "$tmp/head.txt"
printf '# gradbook answer sheet\nassignment: %s\nstudent: s1004\nvariant: %s\n' "$A" "$(info s1004 hash)" > "$tmp/want.txt"
if cmp -s "$tmp/head.txt" "$tmp/want.txt" && grep -Eq '^q1  [^ ]+ = $' "$c/s1004-answers.txt"; then
  ok "variants: answer sheet header and question lines"
else bad "variants: answer sheet header and question lines" "$(head -8 "$c/s1004-answers.txt")"; fi
nq=$(grep -c '^q[0-9]' "$c/s1004-answers.txt")
out=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['questions']))" "$c/answers.json")
[ "$nq" = "$out" ] && ok "variants: one answer-sheet line per question ($nq)" || bad "variants: one answer-sheet line per question" "$nq vs $out"

# Every key's numbers recomputed from the recorded givens by Python's own formulas; seeds and
# hashes by the documented FNV-1a derivation; variants pairwise different; CSV = JSON.
out=$(python3 "$E2E/check_variants.py" answers "$GB_ROOT/chapters/exercise3.ini" "$A" "$c/answers.json" "$c/answers.csv" 2>&1)
if [ $? = 0 ]; then ok "variants: answers equal an independent Python computation, variants pairwise different"
else bad "variants: answers equal an independent Python computation, variants pairwise different" "$out"; fi

# The booklet: one outline entry per student in roster order, each student on an odd page.
out=$(python3 "$E2E/check_variants.py" outline "$c/worksheets-booklet.pdf" 2>&1)
n=$(printf '%s\n' "$out" | grep -c .)
first=$(printf '%s\n' "$out" | head -1); third=$(printf '%s\n' "$out" | sed -n 3p)
if [ "$n" = 30 ] && [ "$first" = "Marta Beispiel (s1001)" ] && [ "$third" = "Varga, Nóra (s1003)" ]; then
  ok "variants: booklet outline has one entry per student, in roster order"
else bad "variants: booklet outline has one entry per student, in roster order" "$n entries: $(printf '%s' "$out" | head -3)"; fi
want=0; i=0
for stem in $(python3 -c "import json,sys; print(' '.join(s['file'] for s in json.load(open(sys.argv[1]))['students']))" "$c/answers.json"); do
  f=$c/$stem-worksheet.pdf
  p=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/{print $2}')
  i=$((i + 1))
  [ $((want % 2)) = 1 ] && want=$((want + 1))   # the next student starts on an odd page
  want=$((want + p))
done
got=$(pdfinfo "$c/worksheets-booklet.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')
[ "$got" = "$want" ] && ok "variants: booklet pages = worksheets padded to odd starts ($got)" || bad "variants: booklet pages = worksheets padded to odd starts" "got $got, expected $want"

# One student alone regenerates byte-identical files (the variant depends only on the
# assignment and the ID; the date comes from SOURCE_DATE_EPOCH).
printf 'student_id;name\r\ns1004;Αλέξανδρος Παπαδόπουλος\r\n' > "$tmp/one.csv"
expect_exit 0 "variants: one student again" "$G" variants --assignment "$A" --roster "$tmp/one.csv" --outdir "$tmp/one"
if cmp -s "$c/s1004-worksheet.pdf" "$tmp/one/s1004-worksheet.pdf" && cmp -s "$c/s1004-key.pdf" "$tmp/one/s1004-key.pdf" \
   && cmp -s "$c/s1004-answers.txt" "$tmp/one/s1004-answers.txt"; then
  ok "variants: regenerating one student gives byte-identical files"
else bad "variants: regenerating one student gives byte-identical files"; fi
expect_exit 0 "variants: another assignment" "$G" variants --assignment "Exercise 3b" --roster "$tmp/one.csv" --outdir "$tmp/other"
cmp -s "$c/s1004-key.pdf" "$tmp/other/s1004-key.pdf" && bad "variants: another assignment name gives another variant" || ok "variants: another assignment name gives another variant"

# --- bad rosters: exit 2, the row named, nothing written ---
bad_roster() { # NAME FILE PATTERN
  rm -rf "$tmp/bad"
  expect_exit 2 "variants: $1 exits 2" "$G" variants --assignment "$A" --roster "$2" --outdir "$tmp/bad"
  expect_grep "$3" "variants: $1 is named"
  if [ -e "$tmp/bad" ]; then bad "variants: $1 writes nothing" "$(ls -A "$tmp/bad")"; else ok "variants: $1 writes nothing"; fi
}
bad_roster "duplicate ID" "$R/roster_dupes.csv" "roster_dupes.csv:4: .*s4001 already used on line 2"
printf 'student_id,name\nq1,A\na/b,B\nq2,C\na_b,D\n' > "$tmp/same.csv"
bad_roster "two IDs with one file name" "$tmp/same.csv" "same.csv:5: .*'a/b' \(line 3\) and 'a_b' \(line 5\)"
bad_roster "empty file" "$R/empty.csv" "empty.csv:1: empty file"
bad_roster "no ID column" "$R/no_id.csv" "no_id.csv:1: no student ID column"
bad_roster "ragged row" "$R/roster_quoted.csv" "roster_quoted.csv:6: expected 3 fields, found 4"
expect_grep "roster_quoted.csv:7: unterminated quoted field" "variants: unclosed quote is named"
bad_roster "missing roster" "$tmp/nonexistent.csv" "nonexistent.csv"
rm -rf "$tmp/bad"
expect_exit 2 "variants: --assignment is required" "$G" variants --roster "$R/class30.csv" --outdir "$tmp/bad"
expect_exit 2 "variants: --roster and --count together" "$G" variants --assignment "$A" --roster "$R/class30.csv" --count 2 --outdir "$tmp/bad"
expect_exit 2 "variants: bad -j" "$G" variants --assignment "$A" --count 2 -j 0 --outdir "$tmp/bad"
[ -e "$tmp/bad" ] && bad "variants: usage errors write nothing" || ok "variants: usage errors write nothing"

# --- IDs that are not file names: files inside the output folder only, IDs printed unchanged ---
mkdir -p "$tmp/w/sub"
printf 'student_id,name\n../x,Dot Dot\na/b,Slash Id\n' > "$tmp/w/ids.csv"
expect_exit 0 "variants: IDs ../x and a/b" sh -c 'cd "$1/w/sub" && "$2" variants --assignment "$3" --roster ../ids.csv --outdir out' sh "$tmp" "$G" "$A"
l=$(cd "$tmp/w" && find . | sort | tr '\n' ' ')
want=". ./ids.csv ./sub ./sub/out ./sub/out/_x-answers.txt ./sub/out/_x-key.pdf ./sub/out/_x-worksheet.pdf ./sub/out/a_b-answers.txt ./sub/out/a_b-key.pdf ./sub/out/a_b-worksheet.pdf ./sub/out/answers.csv ./sub/out/answers.json "
[ "$l" = "$want" ] && ok "variants: every file inside the output folder, no subfolder by ID" || bad "variants: every file inside the output folder, no subfolder by ID" "$l"
t=$(pdftotext -f 1 -l 1 "$tmp/w/sub/out/_x-worksheet.pdf" - 2>/dev/null)
case "$t" in *"../x"*) ok "variants: ID ../x printed unchanged";; *) bad "variants: ID ../x printed unchanged" "$t";; esac
t=$(pdftotext -f 2 -l 2 "$tmp/w/sub/out/a_b-key.pdf" - 2>/dev/null)
case "$t" in *"a/b"*) ok "variants: ID a/b printed unchanged";; *) bad "variants: ID a/b printed unchanged" "$t";; esac
grep -q '^student: a/b$' "$tmp/w/sub/out/a_b-answers.txt" && ok "variants: answer sheet keeps the ID a/b" || bad "variants: answer sheet keeps the ID a/b"

# --- numbered variants ---
expect_exit 0 "variants: --count 3" "$G" variants --assignment "$A" --count 3 --outdir "$tmp/n"
l=$(ls "$tmp/n" | tr '\n' ' ')
[ "$l" = "1-answers.txt 1-key.pdf 1-worksheet.pdf 2-answers.txt 2-key.pdf 2-worksheet.pdf 3-answers.txt 3-key.pdf 3-worksheet.pdf answers.csv answers.json " ] \
  && ok "variants: --count 3 writes 3 numbered variants" || bad "variants: --count 3 writes 3 numbered variants" "$l"
out=$(python3 "$E2E/check_variants.py" answers "$GB_ROOT/chapters/exercise3.ini" "$A" "$tmp/n/answers.json" "$tmp/n/answers.csv" 2>&1)
[ $? = 0 ] && ok "variants: --count answers check independently" || bad "variants: --count answers check independently" "$out"

# --- a student whose files cannot be written: the others complete, exit 1 names them ---
mkdir -p "$tmp/f/s1002-key.pdf"
printf 'student_id,name\ns1001,A\ns1002,B\ns1003,C\n' > "$tmp/three.csv"
expect_exit 1 "variants: one student failing exits 1" "$G" variants --assignment "$A" --roster "$tmp/three.csv" --outdir "$tmp/f"
expect_grep "1 of 3 students failed \('s1002'\)" "variants: the failed student is named and counted"
if pdfinfo "$tmp/f/s1001-key.pdf" >/dev/null 2>&1 && pdfinfo "$tmp/f/s1003-key.pdf" >/dev/null 2>&1; then
  ok "variants: the other students' files are complete"; else bad "variants: the other students' files are complete"; fi
unset SOURCE_DATE_EPOCH

# Names in scripts the lean text faces leave out come from the wide face (Cyrillic, Vietnamese),
# CJK from the fallback face; a character no font has is a visible substitute with a warning
# naming the roster line.
wtmp=$(mktemp -d)
printf 'student_id,name\nc1,Дмитрий Иванов\nc2,Nguyễn Văn An\nc3,王小明\nc4,Emoji \360\237\230\200 Face\n' > "$wtmp/r.csv"
expect_exit 0 "variants: names in many scripts" "$GRADBOOK" variants --roster "$wtmp/r.csv" --assignment W --outdir "$wtmp/o" -j 1
expect_grep "roster line 5 \(student 'c4'\).*no font" "variants: a character no font has is reported with its roster line"
for n in "c1:Дмитрий Иванов" "c2:Nguyễn Văn An" "c3:王小明"; do
  id=${n%%:*}; name=${n#*:}
  if pdftotext -f 1 -l 1 "$wtmp/o/$id-worksheet.pdf" - 2>/dev/null | grep -q "$name"; then ok "variants: '$name' printed intact"
  else bad "variants: '$name' printed intact"; fi
done
rm -rf "$wtmp"

# An interrupted run (SIGTERM; a shell's background job ignores SIGINT) leaves no temporary
# files behind: the documents being written when the signal comes are removed. Each attempt
# must really be interrupted mid-run (exit 143), else it proves nothing.
itmp=$(mktemp -d)
left=0; cut=0
for delay in 0.9 1.3 1.7; do
  rm -rf "$itmp/o"
  "$GRADBOOK" variants --count 1000 --assignment I --outdir "$itmp/o" -j 2 >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"; st=$?
  [ "$st" = 143 ] && cut=$((cut + 1))
  left=$((left + $(ls -a "$itmp/o" 2>/dev/null | grep -c '\.tmp-')))
done
if [ "$cut" = 3 ] && [ "$left" = 0 ]; then ok "variants: an interrupted run leaves no temporary files"
else bad "variants: an interrupted run leaves no temporary files" "$cut of 3 runs interrupted, $left temporary files left"; fi
rm -rf "$itmp"
