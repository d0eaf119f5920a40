#!/bin/sh
# run.sh — end-to-end checks of the gradbook binary ($GRADBOOK): runs every tests/e2e/test_*.sh
# and ends with "N passed, N failed"; exits 1 if any check failed.
here=$(cd "$(dirname "$0")" && pwd)
: "${GB_ROOT:=$(cd "$here/../.." && pwd)}"
: "${GRADBOOK:=$GB_ROOT/gradbook}"
export GB_ROOT GRADBOOK
. "$here/lib.sh"
for t in "$here"/test_*.sh; do
  echo "# $(basename "$t")"
  . "$t"
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
