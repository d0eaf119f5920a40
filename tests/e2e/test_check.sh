# test_check.sh — `gradbook check`: the table, JSON verified by an independent Python
# computation, other networks, and bad values.
G=$GRADBOOK

expect_exit 0 "check: worked example passes" "$G" check
expect_grep "9 parameters checked: 9 pass, 0 fail" "check: all nine gradients pass"
expect_grep "^  grad\.W\[1\]\[1\]\[1\] " "check: table lists grad.W[1][1][1]"
expect_grep "^  delta\[1\]\[0\] " "check: table lists delta[1][0]"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if "$G" check --json > "$tmp/check.json" && python3 -m json.tool "$tmp/check.json" > /dev/null; then
  ok "check --json is valid JSON"
else
  bad "check --json is valid JSON" "$(head -c 400 "$tmp/check.json")"
fi
# An independent computation of the 2-2-1 sigmoid example in Python (its own formulas, from the
# parameters file), compared with every value of the JSON to 1e-12 relative.
out=$(python3 "$(dirname "$0")/independent_mlp.py" "$GB_ROOT/chapters/exercise3.ini" "$tmp/check.json" 2>&1)
if [ $? = 0 ]; then ok "check --json equals an independent Python computation"; else bad "check --json equals an independent Python computation" "$out"; fi

expect_exit 0 "check: 2-2-1 tanh network with other values" "$G" check --set network.activation=tanh \
  --set x=[1.2,-0.7] --set 'W1=[[0.5,-0.3],[0.8,0.1]]' --set y=[0]
expect_grep "9 pass, 0 fail" "check: tanh network passes"
expect_exit 0 "check: leaky-ReLU network with other values" "$G" check --set network.activation=leaky_relu \
  --set x=[2,1] --set 'W[1][0][1]=0.7' --set b2=[-0.3]
expect_grep "0 fail" "check: leaky-ReLU network passes"
expect_exit 0 "check: 3-4-2 network drawn by Glorot" "$G" check --params "$(dirname "$0")/shape342.ini" --seed 5
expect_grep "parameters checked: 26 pass, 0 fail" "check: 3-4-2 network has 26 parameters, all pass"

expect_exit 2 "check: not a number" "$G" check --set x=[abc,1]
expect_grep "sample.x: expected a list of 2 finite numbers, got '\[abc,1\]'" "check: names the bad value and what was expected"
expect_exit 2 "check: wrong count" "$G" check --set x=[1,2,3]
expect_grep "expected a list of 2 finite numbers" "check: wrong count is named"
expect_exit 2 "check: NaN" "$G" check --set 'W[1][0][0]=nan'
expect_grep "W\[1\]\[0\]\[0\]: expected a finite number, got 'nan'" "check: NaN is named"
expect_exit 2 "check: Inf" "$G" check --set eta=inf
expect_grep "sample.eta: expected a finite number" "check: Inf is named"
expect_exit 2 "check: unknown name" "$G" check --set nosuch=1
expect_grep "unknown name 'nosuch'" "check: unknown name is named"
expect_exit 2 "check: unknown activation" "$G" check --set network.activation=relu6
expect_grep "unknown activation 'relu6'" "check: unknown activation is named"
expect_exit 2 "check: bad seed" "$G" check --seed -3
expect_exit 2 "check: unknown option" "$G" check --frobnicate
expect_exit 2 "check: missing params file" "$G" check --params /nonexistent.ini
expect_grep "/nonexistent.ini: cannot open" "check: missing file is named"
printf '[network]\nsizes = [2, 2, 1]\nactivation = sigmoid\n[sample]\nx = [0.5, oops]\n' > "$tmp/bad.ini"
expect_exit 2 "check: bad value in a params file" "$G" check --params "$tmp/bad.ini"
expect_grep "bad.ini:5:11: sample.x: expected" "check: file:line:column of the bad value"
expect_exit 0 "check: --seed changes nothing when the weights are given" "$G" check --seed 99

# gradbook stress: the spread of answers over many variants (numbers are not asserted: they are
# the instructor's to judge), and bad input.
expect_exit 0 "stress: 50 variants" "$GRADBOOK" stress --assignment e2e --count 50
expect_grep "rejected draws by rule" "stress: prints the rejection counts"
expect_grep "grad\.W\[1\]\[0\]\[0\]" "stress: prints the spread of a gradient question"
expect_exit 0 "stress: --json" sh -c "'$GRADBOOK' stress --assignment e2e --count 20 --json | python3 -m json.tool > /dev/null"
expect_exit 2 "stress: missing --count" "$GRADBOOK" stress --assignment e2e
