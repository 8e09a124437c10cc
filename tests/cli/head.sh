# head -n N stops after N records.
. "$ROOT/tests/cli/lib.sh"
run ts head -n 1 -q "$F/core/sft.jsonl"; expect_rc 0
head -n 1 "$F/core/sft.expected.jsonl" > "$T/want"; expect_out_file "$T/want"
run ts head -n 5 "$F/core/pairs.json"; expect_rc 0
[ "$(wc -l < "$T/out")" = 2 ] || fail "expected 2 lines"
run ts head -n 0 -q "$F/core/pairs.json"; expect_rc 0; expect_out ""
