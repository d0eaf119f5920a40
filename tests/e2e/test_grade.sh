# test_grade.sh — `gradbook grade`: a class's sheets filled by an independent Python computation
# (right, wrong, carried forward, rounded, decimal commas, blank, a named mistake) graded in one
# command; failures (garbage, another assignment, an unknown student) counted while the others
# are graded; grades.csv against totals derived in Python; graded PDFs read back; resubmissions,
# a FIFO, bad usage; and a class of 30 all right, timed.
G=$GRADBOOK
E2E=$GB_ROOT/tests/e2e
R=$GB_ROOT/tests/data/rosters
gtmp=$(mktemp -d); trap 'rm -rf "$gtmp"' EXIT
export SOURCE_DATE_EPOCH=1750000000

expect_exit 0 "grade: the class's variants are generated first" "$G" variants --assignment A \
  --roster "$R/class30.csv" --outdir "$gtmp/v"
out=$(python3 "$E2E/grade_fill.py" "$gtmp/v" "$gtmp/s" 2>&1)
if [ $? = 0 ]; then ok "grade: sheets filled from an independent Python computation (keys agree with answers.json)"
else bad "grade: sheets filled from an independent Python computation (keys agree with answers.json)" "$out"; fi

# --- the class: 30 sheets + 3 that cannot be graded ---
expect_exit 1 "grade: exit status 1 when some submissions fail" "$G" grade --assignment A \
  --roster "$R/class30.csv" --outdir "$gtmp/g" "$gtmp/s"
expect_grep "3 submissions could not be graded" "grade: the three failures are counted"
expect_grep "garbage\.txt: not a gradbook answer sheet" "grade: a garbage file is named"
expect_grep "other-assignment\.txt: an answer sheet of assignment 'B', not 'A'" "grade: a sheet of another assignment is named"
expect_grep "unknown-student\.txt: student 's9999' is not on the roster" "grade: an unknown student is named"
expect_grep "30 of 30 students graded" "grade: every student on the roster is graded"
expect_grep "s1003 \(Varga, Nóra\): 24/25 points .* 14 carried forward, 1 wrong" "grade: the log line of the carried-forward student"
expect_grep "q11 +delta\[2\]\[0\] +sign of \(yhat - y\) flipped +1" "grade: the class summary names the flipped sign"
g=$gtmp/g
n_pdf=$(ls "$g" | grep -c -- '-graded\.pdf$'); n_all=$(ls -A "$g" | wc -l)
if [ "$n_pdf" = 30 ] && [ -s "$g/grades.csv" ] && [ -f "$g/misconceptions.csv" ] && [ "$n_all" = 32 ]; then
  ok "grade: 30 graded PDFs, grades.csv, misconceptions.csv and nothing else"
else bad "grade: 30 graded PDFs, grades.csv, misconceptions.csv and nothing else" "pdfs $n_pdf entries $n_all: $(ls -A "$g" | head)"; fi
[ -f "$g/2023_0417-graded.pdf" ] && ok "grade: the file is named by the roster's safe stem (2023/0417 -> 2023_0417)" \
  || bad "grade: the file is named by the roster's safe stem (2023/0417 -> 2023_0417)" "$(ls "$g" | head -3)"
out=$(python3 "$E2E/grade_check.py" "$g" "$gtmp/s" 2>&1)
if [ $? = 0 ]; then ok "grade: grades.csv totals equal those derived in Python from the sheets"
else bad "grade: grades.csv totals equal those derived in Python from the sheets" "$out"; fi

# The graded PDFs read back: the name, the marks, the total.
t=$(pdftotext "$g/s1003-graded.pdf" - 2>/dev/null)
case "$t" in *"Varga, Nóra"*) ok "grade: the carried-forward student's PDF shows the name";;
  *) bad "grade: the carried-forward student's PDF shows the name" "$(printf '%s' "$t" | head -5)";; esac
case "$t" in *"Total: 24 / 25"*) ok "grade: the carried-forward student's PDF shows the total";;
  *) bad "grade: the carried-forward student's PDF shows the total" "$(printf '%s' "$t" | head -8)";; esac
n_cf=$(printf '%s\n' "$t" | grep -c "carried forward from Q8")
if [ "$n_cf" -ge 14 ]; then ok "grade: every answer after the wrong yhat is marked carried forward from Q8"
else bad "grade: every answer after the wrong yhat is marked carried forward from Q8" "$n_cf notes"; fi
printf '%s\n' "$t" | tr '\n' ' ' | grep -q "wrong · 0/1" && ok "grade: the wrong yhat is marked wrong with 0 points" \
  || bad "grade: the wrong yhat is marked wrong with 0 points" "$(printf '%s' "$t" | grep -n "Q8" | head)"
t=$(pdftotext "$g/s1001-graded.pdf" - 2>/dev/null)
case "$t" in *"Marta Beispiel"*"Total: 25 / 25"*) ok "grade: the right student's PDF shows the name and the full total";;
  *) bad "grade: the right student's PDF shows the name and the full total" "$(printf '%s' "$t" | head -8)";; esac
n_right=$(printf '%s\n' "$t" | tr '\n' ' ' | grep -o "right · 1/1" | wc -l)
[ "$n_right" = 25 ] && ok "grade: the right student's 25 answers are each marked right" \
  || bad "grade: the right student's 25 answers are each marked right" "$n_right marks"
t=$(pdftotext "$g/s1006-graded.pdf" - 2>/dev/null)
case "$t" in *"Total: 0 / 25"*) ok "grade: the blank sheet totals 0";;
  *) bad "grade: the blank sheet totals 0" "$(printf '%s' "$t" | head -8)";; esac

# --- a student who hands in twice: the later file (name order) wins, with a warning ---
mkdir -p "$gtmp/twice"
cp "$gtmp/v/s1001-answers.txt" "$gtmp/twice/a-first.txt"          # s1001's blank sheet
cp "$gtmp/s/s1004-answers.txt" "$gtmp/twice/b-other.txt"
cp "$gtmp/s/s1001-answers.txt" "$gtmp/twice/c-second.txt"         # s1001 filled in, all right
expect_exit 0 "grade: a resubmission is not a failure" "$G" grade --assignment A \
  --roster "$R/class30.csv" --outdir "$gtmp/g2" "$gtmp/twice"
expect_grep "warning: student 's1001': .*c-second\.txt replaces .*a-first\.txt" "grade: the replaced sheet is named in a warning"
expect_grep "2 of 30 students graded" "grade: only the students who handed in are graded"
if grep -q '^s1001,Marta Beispiel,25,25,' "$gtmp/g2/grades.csv" && [ "$(grep -c '^s' "$gtmp/g2/grades.csv")" = 2 ]; then
  ok "grade: grades.csv holds only the graded students, with the later sheet's grade"
else bad "grade: grades.csv holds only the graded students, with the later sheet's grade" "$(cat "$gtmp/g2/grades.csv")"; fi

# --- a later sheet of another variant does not cost the student the earlier, right one ---
mkdir -p "$gtmp/twice2"
cp "$gtmp/s/s1001-answers.txt" "$gtmp/twice2/a-right.txt"
sed 's/^variant: .*/variant: 00000000/' "$gtmp/s/s1001-answers.txt" > "$gtmp/twice2/b-wrong.txt"
out=$("$G" grade --assignment A --roster "$R/class30.csv" --outdir "$gtmp/g5" "$gtmp/twice2" 2>&1); got=$?
[ "$got" = 1 ] && ok "grade: the sheet of another variant is counted as a failure (exit 1)" \
  || bad "grade: the sheet of another variant is counted as a failure (exit 1)" "exit $got: $out"
expect_grep "b-wrong\.txt: the sheet is of variant '00000000'" "grade: the later sheet of another variant is refused"
expect_grep "student 's1001': .*a-right\.txt is graded instead" "grade: the earlier sheet is graded instead, with a warning"
if grep -q '^s1001,Marta Beispiel,25,25,' "$gtmp/g5/grades.csv"; then
  ok "grade: the earlier sheet's grade is in grades.csv"
else bad "grade: the earlier sheet's grade is in grades.csv" "$(cat "$gtmp/g5/grades.csv" 2>/dev/null)"; fi

# --- nothing a submission is can hang the grader or write outside the output folder ---
mkdir -p "$gtmp/odd"
mkfifo "$gtmp/odd/pipe.txt" 2>/dev/null
printf '# gradbook answer sheet\nassignment: A\nstudent: ../../../escape\nq1 = 1\n' > "$gtmp/odd/evil.txt"
printf '# gradbook answer sheet\nassignment: A\nstudent: s1004\nvariant: 00000000\nq1 = 1\n' > "$gtmp/odd/wrong-variant.txt"
printf '# gradbook answer sheet\nassignment: A\nstudent: s1005\nq1 = \000\001\033[2J\nq2 = 1,234.5\nq3  z[1][0] = nan\nq99 = 5\n' > "$gtmp/odd/weird.txt"
out=$(timeout 60 "$G" grade --assignment A --roster "$R/class30.csv" --outdir "$gtmp/g3" \
  "$gtmp/odd" "$gtmp/odd/pipe.txt" "$gtmp/nonexistent" 2>&1); got=$?
[ "$got" = 1 ] && ok "grade: a FIFO, an escaping ID, a wrong variant, control bytes: exit 1, no hang" \
  || bad "grade: a FIFO, an escaping ID, a wrong variant, control bytes: exit 1, no hang (exit $got)" "$out"
expect_grep "4 submissions could not be graded" "grade: FIFO, escaping ID, wrong variant and a missing path are counted"
expect_grep "pipe\.txt: not a regular file" "grade: the FIFO named on the command line is refused"
expect_grep "nonexistent: no such file or folder" "grade: a missing path is named"
expect_grep "wrong-variant\.txt: the sheet is of variant '00000000'" "grade: a sheet of another variant is refused"
expect_grep "s1005 .*: 0/25 points" "grade: a sheet with control bytes and malformed numbers is graded (blank)"
if [ "$(ls -A "$gtmp/g3")" = "$(printf 'grades.csv\nmisconceptions.csv\ns1005-graded.pdf')" ] && \
   [ ! -e "$gtmp/escape" ] && [ ! -e "$gtmp/escape-graded.pdf" ]; then
  ok "grade: only the output folder is written"
else bad "grade: only the output folder is written" "$(ls -A "$gtmp/g3" "$gtmp")"; fi

# --- bad usage: exit 2, nothing graded ---
expect_exit 2 "grade: --roster is required" "$G" grade --assignment A "$gtmp/s"
expect_exit 2 "grade: --assignment is required" "$G" grade --roster "$R/class30.csv" "$gtmp/s"
expect_exit 2 "grade: no submissions" "$G" grade --assignment A --roster "$R/class30.csv"
expect_exit 2 "grade: a roster that cannot be read" "$G" grade --assignment A --roster "$gtmp/none.csv" "$gtmp/s"
expect_grep "nothing graded" "grade: says nothing was graded"
expect_exit 2 "grade: --booklet is not an option of grade" "$G" grade --assignment A --roster "$R/class30.csv" --booklet "$gtmp/s"

# --- a class of 30, all right, in one command (timing printed, not asserted) ---
out=$(python3 "$E2E/grade_fill.py" "$gtmp/v" "$gtmp/s30" all-right 2>&1) || bad "grade: 30 sheets filled right" "$out"
t0=$(date +%s%N)
expect_exit 0 "grade: a class of 30, all right, in one command" "$G" grade --assignment A \
  --roster "$R/class30.csv" --outdir "$gtmp/g30" "$gtmp/s30"
t1=$(date +%s%N)
echo "# grade: 30 students graded in $(( (t1 - t0) / 1000000 )) ms"
n=$(grep -c ',25,25,100.0' "$gtmp/g30/grades.csv")
[ "$n" = 30 ] && ok "grade: all 30 students have 25 of 25 points" || bad "grade: all 30 students have 25 of 25 points" "$(head -5 "$gtmp/g30/grades.csv")"
rm -rf "$gtmp"
