# split: every record in exactly one split, groups kept whole, seeded.
. "$ROOT/tests/cli/lib.sh"
IN="$F/curate/split_trees.jsonl"
# Twelve records, eleven with a tree id: the last is dropped under --group-by.
run ts split "$IN" --ratios train=0.5,test=0.5 --group-by meta.message_tree_id --out-dir "$T/a" \
    --seed 1 --stats "$T/s.json"; expect_rc 0
expect_err_has "read 12, written 11, dropped 1, rejected 0"
expect_err_has "split_no_group_key"
[ "$(json_get "$T/s.json" "d['splits']['train'] + d['splits']['test']")" = 11 ] || fail "split counts"
[ "$(json_get "$T/s.json" "d['dropped']['split_no_group_key']")" = 1 ] || fail "drop count"
[ "$(json_get "$T/s.json" "d['splits']['train']")" = "$(wc -l < "$T/a/train.jsonl" | tr -d ' ')" ] || fail "train count"
[ -s "$T/a/train.jsonl" ] && [ -s "$T/a/test.jsonl" ] || fail "seed 1 should fill both splits"
cat "$T/a/train.jsonl" "$T/a/test.jsonl" | sort > "$T/all"
grep -v alpaca "$IN" | sort | cmp -s - "$T/all" || fail "records lost or changed"
for s in train test; do
  sed -n 's/.*"message_tree_id":"\([^"]*\)".*/\1/p' "$T/a/$s.jsonl" | sort -u > "$T/$s.keys"
done
[ -z "$(comm -12 "$T/train.keys" "$T/test.keys")" ] || fail "a tree straddles splits"
ts validate -q "$T/a/train.jsonl" "$T/a/test.jsonl" || fail "split outputs do not validate"

# Same seed, same bytes; any number of splits with any names.
run ts split "$IN" --ratios train=0.5,test=0.5 --group-by meta.message_tree_id --out-dir "$T/b" --seed 1 -q
expect_rc 0
cmp -s "$T/a/train.jsonl" "$T/b/train.jsonl" && cmp -s "$T/a/test.jsonl" "$T/b/test.jsonl" || fail "not deterministic"
run ts split "$IN" "$IN" --ratios a=1,b=1,c=2 --out-dir "$T/c" -q; expect_rc 0
[ "$(cat "$T/c/a.jsonl" "$T/c/b.jsonl" "$T/c/c.jsonl" | wc -l)" = 24 ] || fail "three splits lose records"

# Stratified: each source is split 1:1 to within k-1 = 1 record.
run ts split "$IN" --ratios x=1,y=1 --stratify source --out-dir "$T/d" --stats "$T/d.json" -q; expect_rc 0
[ "$(json_get "$T/d.json" "d['strata']")" = 3 ] || fail "strata"
for src in oasst1 dolly; do
  nx=$(grep -c "\"source\":\"$src\"" "$T/d/x.jsonl"); ny=$(grep -c "\"source\":\"$src\"" "$T/d/y.jsonl")
  [ $((nx - ny)) -le 1 ] && [ $((ny - nx)) -le 1 ] || fail "$src split $nx/$ny"
done

# Usage errors.
run ts split "$IN" --out-dir "$T/e"; expect_rc 2
run ts split "$IN" --ratios train=0.9,train=0.1 --out-dir "$T/e"; expect_rc 2; expect_err_has "twice"
run ts split "$IN" --ratios ../x=1 --out-dir "$T/e"; expect_rc 2
run ts split "$IN" --ratios a=1 --out-dir "$T/e" -o "$T/x"; expect_rc 2
run ts split "$IN" --ratios a=1 --out-dir "$T/e" --group-by id --stratify source; expect_rc 2

# A bad record stops the run (default --on-error fail) and leaves no split files.
{ cat "$IN"; echo '{"broken":'; } > "$T/bad.jsonl"
run ts split "$T/bad.jsonl" --ratios a=1,b=1 --out-dir "$T/f"; expect_rc 1
[ ! -e "$T/f/a.jsonl" ] && [ ! -e "$T/f/b.jsonl" ] || fail "outputs left after a failed run"
run ts split "$T/bad.jsonl" --ratios a=1,b=1 --out-dir "$T/g" --on-error skip -q; expect_rc 0
[ "$(cat "$T/g/a.jsonl" "$T/g/b.jsonl" | wc -l)" = 12 ] || fail "skip mode"

# --- mix (same "Mix and split" stage; needs `mix` wired too) ---
# Counts: 3 of 7 oasst1 records, dolly's 4 up-sampled to 6; alpaca unlisted.
run ts mix "$IN" --counts oasst1=3,dolly=6 --seed 4 -o "$T/m.jsonl" --stats "$T/m.json"; expect_rc 0
expect_err_has "read 12, written 9, dropped 5, rejected 0"  # read + 2 copies added = written + dropped
[ "$(grep -c '"source":"oasst1"' "$T/m.jsonl")" = 3 ] || fail "mix oasst1"
[ "$(grep -c '"source":"dolly"' "$T/m.jsonl")" = 6 ] || fail "mix dolly"
[ "$(json_get "$T/m.json" "d['copies_added'], d['dropped']['mix_unlisted_source'], d['mix']['dolly']['available']")" = "2 1 4" ] \
  || fail "mix stats"
ts validate -q "$T/m.jsonl" || fail "mix output does not validate"
[ "$(grep -c "#2\"" "$T/m.jsonl")" = 2 ] || fail "copies renamed <id>#2"
run ts mix "$IN" --counts oasst1=3,dolly=6 --seed 4 -o "$T/m2.jsonl" -q; cmp -s "$T/m.jsonl" "$T/m2.jsonl" || fail "mix not deterministic"
# Weights without --total: the largest mix with no source up-sampled (dolly's 4 = half: 8 records).
run ts mix "$IN" --weights oasst1=1,dolly=1 -o "$T/w.jsonl" -q; expect_rc 0
[ "$(wc -l < "$T/w.jsonl")" = 8 ] || fail "weights without total"
run ts mix "$IN" --weights oasst1=1,dolly=1 --total 20 --replace -o "$T/r.jsonl" -q; expect_rc 0
[ "$(grep -c '"source":"dolly"' "$T/r.jsonl")" = 10 ] || fail "with replacement"
run ts mix "$IN" --weights nosuch=1 -o "$T/x.jsonl"; expect_rc 1; expect_err_has "nosuch"
run ts mix --weights a=1 -o "$T/x.jsonl"; expect_rc 2
run ts mix "$IN" --weights a=1 --counts a=1; expect_rc 2
