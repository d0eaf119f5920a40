#!/bin/sh
# bench.sh — `make bench`: speed figures of the gradbook binary ($GRADBOOK). Prints, asserts nothing.
set -e
: "${GRADBOOK:=./gradbook}"
echo "gradbook benchmarks on $(nproc) core(s), $(date -u +%Y-%m-%d)"
"$GRADBOOK" bench
t0=$(date +%s%N); "$GRADBOOK" check > /dev/null; t1=$(date +%s%N)
echo "gradbook check as a process: $(( (t1 - t0) / 1000000 )) ms"
