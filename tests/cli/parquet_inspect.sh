# tuneset parquet schema / meta: the schema in Parquet's notation or as
# JSON, the footer's row groups and column chunks as text or JSON.
. "$ROOT/tests/cli/lib.sh"
P="$F/parquet"
run ts parquet schema "$P/legacy.parquet"; expect_rc 0
expect_out_has "message m {"
expect_out_has "  optional group arr (LIST) {"
run ts parquet schema --json "$P/legacy.parquet"; expect_rc 0
[ "$(json_get "$T/out" "d['fields'][4]['fields'][0]['fields'][1]['max_definition_level']")" = 3 ] || fail "schema json"
run ts parquet meta "$P/nested.parquet"; expect_rc 0
expect_out_has "row groups:  2"
expect_out_has "grid.list.element.list.element"
run ts parquet meta --json "$P/nested.parquet"; expect_rc 0
[ "$(json_get "$T/out" "d['row_groups'][0]['columns'][0]['codec']")" = GZIP ] || fail "meta json"
run ts parquet meta "$P/bad_magic.parquet"; expect_rc 1
expect_err_has "not a Parquet file (no PAR1 magic at the start)"
run ts parquet meta "$T/missing.parquet"; expect_rc 3
run ts parquet frobnicate "$P/nested.parquet"; expect_rc 2
