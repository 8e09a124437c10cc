# validate: every problem reported with file and line; exit 0 only if all pass.
. "$ROOT/tests/cli/lib.sh"
run ts validate -q "$F/core/sft.jsonl" "$F/core/pairs.json"; expect_rc 0
run ts validate "$F/core/invalid.jsonl"; expect_rc 1
expect_err_has "invalid.jsonl:2: byte 104: messages[1]: two user turns in a row"
expect_err_has "invalid.jsonl:3: byte 203: messages[0].role: unknown role \"robot\""
expect_err_has "invalid.jsonl:4:"
expect_err_has "duplicate id \"a\""
expect_err_has "invalid.jsonl:5:"
expect_err_has "messages[0].content: empty"
expect_err_has "invalid.jsonl:6:"
expect_err_has "read 6, written 1, dropped 0, rejected 5"
# -o keeps the valid records, --rejects the others
run ts validate -q "$F/core/invalid.jsonl" -o "$T/good.jsonl" --rejects "$T/bad.jsonl"; expect_rc 1
[ "$(wc -l < "$T/good.jsonl")" = 1 ] || fail "expected 1 valid record"
[ "$(wc -l < "$T/bad.jsonl")" = 5 ] || fail "expected 5 rejects"
run ts validate --kind preference "$F/core/sft.jsonl"; expect_rc 1; expect_err_has "where --kind preference was asked for"
# ids must be unique across files too
run ts validate "$F/core/sft.jsonl" "$F/core/sft.jsonl"; expect_rc 1; expect_err_has 'duplicate id "demo/0"'
