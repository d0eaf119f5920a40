# lib.sh — helpers for the end-to-end checks: each check prints "ok - NAME" or "FAIL - NAME".
# Sourced by tests/e2e/run.sh; $GRADBOOK is the binary under test.
pass=0; fail=0
ok()   { pass=$((pass + 1)); echo "ok - $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /' | head -20; }
# expect_exit CODE NAME CMD...: runs CMD, checks its exit status; output in $out (stdout+stderr).
expect_exit() {
  want=$1; name=$2; shift 2
  out=$("$@" 2>&1); got=$?
  if [ "$got" = "$want" ]; then ok "$name"; else bad "$name (exit $got, expected $want)" "$out"; fi
}
# expect_grep PATTERN NAME: $out contains PATTERN (extended regexp).
expect_grep() {
  if printf '%s\n' "$out" | grep -Eq -- "$1"; then ok "$2"; else bad "$2 (no /$1/)" "$out"; fi
}
