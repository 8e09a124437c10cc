# --help, --version, every command's help, and usage errors (exit 2).
. "$ROOT/tests/cli/lib.sh"
run ts --help; expect_rc 0; expect_out_has "commands:"; expect_out_has "validate"
run ts --version; expect_rc 0; expect_out_has "tuneset 0."
for c in cat head validate import; do
  run ts $c --help; expect_rc 0; expect_out_has "usage: tuneset $c"; expect_out_has "example:"
done
run ts; expect_rc 2
run ts frobnicate; expect_rc 2; expect_err_has "unknown command 'frobnicate'"
run ts cat --bogus; expect_rc 2; expect_err_has "unknown option '--bogus'"
run ts cat --on-error maybe x; expect_rc 2; expect_err_has "--on-error must be"
run ts head -n; expect_rc 2; expect_err_has "needs a value"
run ts cat "$T/missing.jsonl"; expect_rc 3; expect_err_has "missing.jsonl: cannot open"
