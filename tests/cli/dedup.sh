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

# JSON records are scanned, not parsed into trees: a bad line is rejected
# with its file, line and byte, the rest goes on, counts add up, and the
# kept records are written exactly as `cat` writes them (compact, the
# writer's escapes), whatever the input's layout and escapes.
{
  printf '{"messages": [{"role": "user", "content": "Caf\\u00e9 \\/ ok"}], "id": "b/0"}\n'
  printf '{"messages":[{"role":"user","content":"caf\303\251  / OK"}],"id":"b/1"}\n'
  printf '{"messages":[{"role":"user","content":"broken" "id":"b/2"}\n'
  printf '\n'
  printf '{"messages":[{"role":"user","content":"bad \377 byte"}],"id":"b/3"}\n'
  printf '  {"text" : "x\\ty",\r\n'
} > "$T/bad.jsonl"
printf '"tail"}\n' >> "$T/bad.jsonl"
run ts dedup --exact-only --on-error skip "$T/bad.jsonl" -o "$T/bo.jsonl" --rejects "$T/rej.jsonl" --stats "$T/bs.json"; expect_rc 0
expect_err_has "bad.jsonl:3: byte 189: unexpected '\"', ',' or '}' is expected"
expect_err_has "bad.jsonl:5: byte 245: invalid UTF-8 in string"
[ "$(json_get "$T/bs.json" "d['read'], d['written'], d['rejected'], d['dropped']['exact_duplicate']")" = "6 1 4 1" ] || fail "bad-input stats $(cat "$T/bs.json")"
[ "$(wc -l < "$T/rej.jsonl")" = 4 ] || fail "rejects: $(cat "$T/rej.jsonl")"
# the same words and places as the parser's (cat reads through trees)
grep 'bad.jsonl:' "$T/err" > "$T/e1"
ts cat --on-error skip "$T/bad.jsonl" 2>&1 >/dev/null | grep 'bad.jsonl:' > "$T/e2"
cmp -s "$T/e1" "$T/e2" || fail "errors differ from cat's: $(cat "$T/e1") vs $(cat "$T/e2")"
python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$T/rej.jsonl" || fail "rejects not JSON Lines"
head -n 1 "$T/bad.jsonl" | ts cat -q > "$T/cat1.jsonl"
cmp -s "$T/cat1.jsonl" "$T/bo.jsonl" || fail "kept record differs from cat's: $(cat "$T/bo.jsonl") vs $(cat "$T/cat1.jsonl")"
grep -qF '"content":"Café / ok"' "$T/bo.jsonl" || fail "escapes not written as the writer does: $(cat "$T/bo.jsonl")"

# The same records as a JSON array and as Parquet: same kept records.
python3 -c "
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
json.dump(rows, open(sys.argv[2],'w'), indent=2)" "$IN" "$T/arr.json"
run ts dedup -q --exact-only "$T/arr.json" -o "$T/arr.out.jsonl"; expect_rc 0
ts dedup -q --exact-only "$IN" -o "$T/lines.out.jsonl" || fail "lines run"
cmp -s "$T/arr.out.jsonl" "$T/lines.out.jsonl" || fail "array input kept other records"
ts cat -q "$IN" -o "$T/in.parquet" || fail "parquet write"
run ts dedup -q --exact-only "$T/in.parquet" -o "$T/pq.out.jsonl"; expect_rc 0
cmp -s "$T/pq.out.jsonl" "$T/lines.out.jsonl" || fail "Parquet input kept other records"
