#!/bin/sh
# bench.sh — `make bench`: speed figures of the gradbook binary ($GRADBOOK). Prints, asserts nothing.
set -e
: "${GRADBOOK:=./gradbook}"
echo "gradbook benchmarks on $(nproc) core(s), $(date -u +%Y-%m-%d)"
"$GRADBOOK" bench
t0=$(date +%s%N); "$GRADBOOK" check > /dev/null; t1=$(date +%s%N)
echo "gradbook check as a process: $(( (t1 - t0) / 1000000 )) ms"

# ---- gradbook grade: graded students per second (a class of 30, every sheet filled right) ----
root=${GB_ROOT:-.}
gtmp=$(mktemp -d)
"$GRADBOOK" variants --roster "$root/tests/data/rosters/class30.csv" --assignment bench \
  --outdir "$gtmp/v" > /dev/null 2>&1
python3 "$root/tests/e2e/grade_fill.py" "$gtmp/v" "$gtmp/s" all-right
t0=$(date +%s%N)
"$GRADBOOK" grade --roster "$root/tests/data/rosters/class30.csv" --assignment bench \
  --outdir "$gtmp/g" "$gtmp/s" > /dev/null
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "gradbook grade: 30 students in $ms ms ($(( 30000 / (ms > 0 ? ms : 1) )) graded students per second, PDFs included)"
rm -rf "$gtmp"

# ---- gradbook variants: worksheet+key pairs per second over 1,000 variants and peak memory
# ---- (booklet students per second: `gradbook bench` above) ----
vtmp=$(mktemp -d)
measure() { # measure LABEL CMD...: prints "seconds peak-KB" of the command
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %M" -o "$vtmp/time" "$@" > /dev/null 2>&1; cat "$vtmp/time"
  else
    t0=$(date +%s%N); "$@" > /dev/null 2>&1; t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000000 ))e-3 ?"
  fi
}
set -- $(measure "$GRADBOOK" variants --count 1000 --assignment bench --outdir "$vtmp/v1000")
echo "gradbook variants: 1000 worksheet+key pairs in $1 s ($(python3 -c "print(f'{1000/$1:.1f}')") pairs per second), peak memory $(( $2 / 1024 )) MB"
set -- $(measure "$GRADBOOK" variants --count 1000 --assignment bench --booklet --outdir "$vtmp/b1000")
echo "gradbook variants --booklet: 1000 students (worksheets, keys, answer sheets and the class set) in $1 s ($(python3 -c "print(f'{1000/$1:.1f}')") students per second), peak memory $(( $2 / 1024 )) MB"
rm -rf "$vtmp/b1000"
# The class set alone (parts built on every core, appended in order): students per second and
# how its peak memory grows with the class (libharu holds a document's objects while saving).
for n in 500 1000 3000; do
  set -- $(measure env GB_BENCH_ONLY=booklet GB_BENCH_BOOKLET=$n "$GRADBOOK" bench)
  echo "class set alone: $n students in $1 s, peak memory $(( $2 / 1024 )) MB"
done
rm -rf "$vtmp"
