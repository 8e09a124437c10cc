# cat: JSONL (blank lines, \u escapes, number text), arrays, gzip/zstd in
# and out, stdin/stdout.
. "$ROOT/tests/cli/lib.sh"
run ts cat -q "$F/core/sft.jsonl"; expect_rc 0; expect_out_file "$F/core/sft.expected.jsonl"
run ts cat -q - < "$F/core/sft.jsonl"; expect_rc 0; expect_out_file "$F/core/sft.expected.jsonl"
gzip -c "$F/core/sft.jsonl" > "$T/in.jsonl.gz"
zstd -q -c "$F/core/sft.jsonl" > "$T/in.zst"
run ts cat -q "$T/in.jsonl.gz"; expect_rc 0; expect_out_file "$F/core/sft.expected.jsonl"
run ts cat -q "$T/in.zst"; expect_rc 0; expect_out_file "$F/core/sft.expected.jsonl"
run ts cat -q "$F/core/sft.jsonl" -o "$T/o.jsonl.gz"; expect_rc 0
gzip -dc "$T/o.jsonl.gz" | cmp -s - "$F/core/sft.expected.jsonl" || fail ".gz output differs"
run ts cat -q "$F/core/sft.jsonl" -o "$T/o.jsonl.zst"; expect_rc 0
zstd -q -dc "$T/o.jsonl.zst" | cmp -s - "$F/core/sft.expected.jsonl" || fail ".zst output differs"
# a JSON array comes out one element a line
run ts cat "$F/core/pairs.json"; expect_rc 0
[ "$(wc -l < "$T/out")" = 2 ] || fail "expected 2 lines"
expect_out_has '"content":"```python\nprint(\"hi\")\n```"'
expect_err_has "read 2, written 2, dropped 0, rejected 0"
