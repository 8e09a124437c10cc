# Parquet through the record streams: cat reads rows as JSON Lines (any
# name: found by the magic), bad rows and broken row groups are reported
# with row numbers.
. "$ROOT/tests/cli/lib.sh"
P="$F/parquet"
run ts cat -q "$P/nested.parquet"; expect_rc 0; expect_out_file "$P/nested.expected.jsonl"
cp "$P/legacy.parquet" "$T/misnamed.jsonl"
run ts cat -q "$T/misnamed.jsonl"; expect_rc 0; expect_out_file "$P/legacy.expected.jsonl"
run ts head -n 1 -q "$P/duckdb_v2_zstd.parquet"; expect_rc 0
head -n 1 "$P/duckdb.expected.jsonl" > "$T/want"; expect_out_file "$T/want"
# a row with invalid UTF-8 is one rejected record, named by its row
run ts cat --on-error=skip --rejects "$T/rej.jsonl" "$P/bad_utf8.parquet"; expect_rc 0
expect_err_has "read 3, written 2, dropped 0, rejected 1"
[ "$(json_get "$T/rej.jsonl" "d['line']")" = 2 ] || fail "reject not at row 2"
run ts cat "$P/bad_bomb_gzip.parquet"; expect_rc 1
expect_err_has "bad_bomb_gzip.parquet:1: row group 0, column s: more data than the page header's uncompressed size"
run ts cat "$P/bad_magic.parquet"; expect_rc 1
# a file whose footer cannot be read does not open: exit 3, as for any input
run ts cat "$P/bad_footer_len.parquet"; expect_rc 3
expect_err_has "bad_footer_len.parquet: corrupt footer: footer length 2147483392 does not fit"
# Parquet needs random access: from a pipe it is a clear error, not JSON noise
run ts cat - < "$P/nested.parquet"; expect_rc 1
expect_err_has "Parquet is read from a regular file, not a pipe or stdin"
