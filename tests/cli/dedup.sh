# tuneset dedup: exact and near duplicates, keep policies, clusters file, counts.
. "$ROOT/tests/cli/lib.sh"
IN="$F/curate/dedup.jsonl"
ids() { python3 -c "import sys,json; print(' '.join(json.loads(l)['id'] for l in open(sys.argv[1])))" "$1"; }

# Defaults: fx/2 is fx/0 after normalization (case, whitespace); fx/3 (one
# phrase changed) and fx/5 (a sentence added) are near copies; fx/7 = fx/6.
run ts dedup "$IN" -o "$T/o.jsonl" --clusters "$T/c.jsonl" --stats "$T/s.json"; expect_rc 0
[ "$(ids "$T/o.jsonl")" = "fx/0 fx/1 fx/4 fx/6" ] || fail "kept $(ids "$T/o.jsonl")"
expect_err_has "exact_duplicate"
[ "$(json_get "$T/s.json" "d['dropped']['exact_duplicate'], d['dropped']['near_duplicate'], d['read'], d['written']")" = "2 2 8 4" ] || fail "stats $(cat "$T/s.json")"
[ "$(json_get "$T/s.json" "d['dedup']['bands'], d['dedup']['rows']")" = "16 8" ] || fail "bands $(cat "$T/s.json")"
python3 - "$T/c.jsonl" <<'PY' || fail "clusters: $(cat "$T/c.jsonl")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
got = [(r["kept_id"], r["removed_id"], r["reason"]) for r in rows]
assert got == [("fx/0", "fx/2", "exact"), ("fx/0", "fx/3", "near"), ("fx/0", "fx/5", "near"), ("fx/6", "fx/7", "exact")], got
assert rows[0]["similarity"] == 1 and all(0.8 <= r["similarity"] < 1 for r in rows[1:3]), rows
PY
ts validate -q "$T/o.jsonl" || fail "output does not validate"

# --exact-only keeps the near copies.
run ts dedup -q --exact-only "$IN"; expect_rc 0
[ "$(wc -l < "$T/out")" = 6 ] || fail "exact-only wrote $(wc -l < "$T/out")"

# --keep longest keeps fx/5 (the longer copy), --keep score the best meta.score.
run ts dedup -q --keep longest "$IN" -o "$T/l.jsonl"; expect_rc 0
[ "$(ids "$T/l.jsonl")" = "fx/1 fx/4 fx/5 fx/6" ] || fail "longest kept $(ids "$T/l.jsonl")"
run ts dedup -q --keep score "$IN" -o "$T/k.jsonl"; expect_rc 0
[ "$(ids "$T/k.jsonl")" = "fx/1 fx/3 fx/4 fx/7" ] || fail "score kept $(ids "$T/k.jsonl")"

# --fields first-user: the two haiku records share the question.
run ts dedup -q --fields first-user --exact-only "$IN"; expect_rc 0
[ "$(wc -l < "$T/out")" = 3 ] || fail "first-user wrote $(wc -l < "$T/out")"

# A high threshold keeps the near copies; same seed, same bytes.
run ts dedup -q --threshold 0.99 "$IN"; expect_rc 0
[ "$(wc -l < "$T/out")" = 6 ] || fail "threshold 0.99 wrote $(wc -l < "$T/out")"
ts dedup -q --seed 7 "$IN" > "$T/a" && ts dedup -q --seed 7 "$IN" > "$T/b" && cmp -s "$T/a" "$T/b" || fail "not deterministic"

# Bad options.
run ts dedup --bands 10 --rows 10 "$IN"; expect_rc 2; expect_err_has "--bands x --rows"
run ts dedup --keep newest "$IN"; expect_rc 2; expect_err_has "--keep must be"
