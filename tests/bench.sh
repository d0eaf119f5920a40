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
