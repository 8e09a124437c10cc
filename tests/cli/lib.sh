# Helpers for CLI cases. Each case is a shell script that exits non-zero on
# the first failed expectation. $TUNESET is the program, $ROOT the repo.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
F="$ROOT/tests/fixtures"
fail() { echo "FAIL: $*"; exit 1; }
# run CMD...: runs it, keeping stdout, stderr and the exit code.
run() { "$@" >"$T/out" 2>"$T/err"; echo $? >"$T/rc"; }
ts() { "$TUNESET" "$@"; }
expect_rc() { [ "$(cat "$T/rc")" = "$1" ] || fail "exit code $(cat "$T/rc"), expected $1; stderr: $(head -c 400 "$T/err")"; }
expect_out_file() { cmp -s "$1" "$T/out" || fail "stdout differs from $1: $(head -c 400 "$T/out")"; }
expect_out() { printf '%s' "$1" | cmp -s - "$T/out" || fail "stdout '$(head -c 400 "$T/out")', expected '$1'"; }
expect_err_has() { grep -qF -- "$1" "$T/err" || fail "stderr lacks '$1': $(head -c 400 "$T/err")"; }
expect_out_has() { grep -qF -- "$1" "$T/out" || fail "stdout lacks '$1': $(head -c 400 "$T/out")"; }
# json_get FILE EXPR: evaluates a Python expression over the parsed file `d`.
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
