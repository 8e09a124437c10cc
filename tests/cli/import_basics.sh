# import --list names all nine formats; import auto recognizes each
# format from its fixture and says which it chose.
. "$ROOT/tests/cli/lib.sh"
run ts import --list; expect_rc 0
for f in oasst1 alpaca dolly sharegpt ultrachat s1k hh-rlhf shp ultrafeedback auto; do
  grep -q "^  $f " "$T/out" || fail "--list lacks '$f': $(cat "$T/out")"
done
[ "$(grep -c '^  ' "$T/out")" = 10 ] || fail "--list: expected 9 formats and auto: $(cat "$T/out")"
grep -q '^  alpaca .*\[sft\]$' "$T/out" || fail "--list does not give alpaca's kinds"
grep -q '^  oasst1 .*\[sft,pref\]$' "$T/out" || fail "--list does not give oasst1's kinds"

# auto: FORMAT FIXTURE, one line each; both editions where a format has two.
while read -r want file; do
  name=$(echo "$file" | tr '/.' '__')
  run ts import auto "$F/$file" -o "$T/$name.jsonl" --stats "$T/$name.stats" --on-error skip
  expect_rc 0
  expect_err_has "detected format '$want'"
  [ "$(json_get "$T/$name.stats" "d['format']")" = "$want" ] || fail "$file: stats format is not $want"
  [ "$(json_get "$T/$name.stats" "d['written']")" -gt 0 ] || fail "$file: nothing written"
  # the same run with the format named gives the same bytes
  run ts import "$want" "$F/$file" -o "$T/$name.named.jsonl" --on-error skip; expect_rc 0
  cmp -s "$T/$name.jsonl" "$T/$name.named.jsonl" || fail "$file: auto and '$want' differ"
done <<'EOF'
oasst1 oasst1/messages.jsonl
oasst1 oasst1/trees.jsonl
alpaca alpaca/sample.json
dolly dolly/sample.jsonl
sharegpt sharegpt/sample.json
ultrachat ultrachat/sample.jsonl
ultrachat ultrachat/ultrachat_200k.jsonl
s1k s1k/sample.jsonl
s1k s1k/s1k_1.1.jsonl
hh-rlhf hh-rlhf/helpful-base/test.jsonl.gz
shp shp/askscience/test.json
ultrafeedback ultrafeedback/ultrafeedback_raw.jsonl
ultrafeedback ultrafeedback/binarized/test_prefs.jsonl
EOF

# -q keeps the choice quiet; records go to stdout without -o
run ts import auto -q "$F/dolly/sample.jsonl"; expect_rc 0
[ ! -s "$T/err" ] || fail "-q still printed: $(cat "$T/err")"
[ "$(wc -l < "$T/out")" = 4 ] || fail "expected 4 dolly records on stdout"
expect_out_has '"id":"dolly/0","source":"dolly","meta":{"category":"closed_qa"}'

# the aggregating formats say what their counts are
run ts import oasst1 "$F/oasst1/trees.jsonl" -o "$T/t.jsonl"; expect_rc 0
expect_err_has "5 input rows; counts below are records"
run ts import shp "$F/shp/askscience/test.json" -o "$T/s.jsonl"; expect_rc 0
expect_err_has "9 input rows; counts below are pairs"
exit 0
