# Importers read the Parquet edition of their dataset through the same
# path as JSON, decoding only the columns they use.
. "$ROOT/tests/cli/lib.sh"
for spec in "dolly dolly/sample.jsonl" "alpaca alpaca/sample.json" "hh-rlhf hh-rlhf/helpful-base/test.jsonl" \
            "sharegpt sharegpt/sample.json" "ultrachat ultrachat/ultrachat_200k.jsonl" "oasst1 oasst1/messages.jsonl"; do
  set -- $spec
  fmt=$1 src="$F/$2"
  mkdir -p "$T/$fmt/helpful-base"
  # the Parquet edition of the same rows (an extra unused column too)
  run ts cat -q "$src" -o "$T/$fmt/rows.jsonl" --on-error skip; expect_rc 0
  run ts cat -q "$src" -o "$T/$fmt/helpful-base/test.parquet"; expect_rc 0
  cp "$src" "$T/$fmt/helpful-base/test.json"
  run ts import "$fmt" -q "$T/$fmt/helpful-base/test.json" -o "$T/$fmt/from_json.jsonl" --on-error skip; expect_rc 0
  run ts import "$fmt" -q "$T/$fmt/helpful-base/test.parquet" -o "$T/$fmt/from_parquet.jsonl" --on-error skip; expect_rc 0
  python3 -c "
import json,sys
a=[json.loads(l) for l in open(sys.argv[1])]; b=[json.loads(l) for l in open(sys.argv[2])]
sys.exit(0 if a==b and len(a)>0 else 1)" "$T/$fmt/from_json.jsonl" "$T/$fmt/from_parquet.jsonl" \
    || fail "$fmt: Parquet import differs from JSON import"
done
# auto recognizes a Parquet file by its first row
run ts import auto "$T/dolly/helpful-base/test.parquet" -o "$T/auto.jsonl"; expect_rc 0
expect_err_has "detected format 'dolly'"
