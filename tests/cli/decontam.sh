# tuneset decontam: n-gram overlap with benchmark files, --check, --ngram,
# --bench-fields, the report, Parquet benchmarks, counts and bad options.
. "$ROOT/tests/cli/lib.sh"
IN="$F/curate/decontam.jsonl"
B="$F/curate/decontam_bench.jsonl"
ids() { python3 -c "import sys,json; print(' '.join(json.loads(l)['id'] for l in open(sys.argv[1])))" "$1"; }

# Defaults (13-grams, all turns, every benchmark string): dc/1 copies item 1,
# dc/4 too with other case and punctuation, dc/2's answer shares exactly 13
# words with item 2, dc/5's chosen holds the short item 3 (4 words), dc/6
# runs from item 4's question into its choices. dc/3 shares only 12 words.
run ts decontam "$IN" --against "$B" -o "$T/o.jsonl" --report "$T/r.jsonl" --stats "$T/s.json"; expect_rc 0
[ "$(ids "$T/o.jsonl")" = "dc/0 dc/3" ] || fail "kept $(ids "$T/o.jsonl")"
expect_err_has "contaminated"
[ "$(json_get "$T/s.json" "d['read'], d['written'], d['dropped']['contaminated'], d['decontam']['items'], d['decontam']['ngrams']")" = "7 2 5 4 37" ] || fail "stats $(cat "$T/s.json")"
python3 - "$T/r.jsonl" "$B" <<'PY' || fail "report: $(cat "$T/r.jsonl")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
got = [(r["id"], r["benchmark_line"], r.get("benchmark_id"), r["field"]) for r in rows]
assert got == [("dc/1", 1, "q1", "prompt"), ("dc/2", 2, 7, "response"), ("dc/4", 1, "q1", "prompt"),
               ("dc/5", 3, None, "response"), ("dc/6", 4, "mc-1", "prompt")], got
assert all(r["benchmark_file"] == sys.argv[2] for r in rows), rows
assert rows[1]["ngram"] == "name the largest planet in our solar system and explain briefly why it", rows[1]
assert rows[3]["ngram"] == "capital of freedonia fredville", rows[3]
assert all(len(r["ngram"].split()) == 13 for r in rows if r["id"] != "dc/5"), rows
PY
ts validate -q "$T/o.jsonl" || fail "output does not validate"

# --check prompt / response split the drops.
run ts decontam -q "$IN" --against "$B" --check prompt -o "$T/p.jsonl"; expect_rc 0
[ "$(ids "$T/p.jsonl")" = "dc/0 dc/2 dc/3 dc/5" ] || fail "prompt kept $(ids "$T/p.jsonl")"
run ts decontam -q "$IN" --against "$B" --check response -o "$T/a.jsonl"; expect_rc 0
[ "$(ids "$T/a.jsonl")" = "dc/0 dc/1 dc/3 dc/4 dc/6" ] || fail "response kept $(ids "$T/a.jsonl")"

# --ngram 8 catches dc/3's 12 shared words.
run ts decontam -q "$IN" --against "$B" --ngram 8 -o "$T/8.jsonl"; expect_rc 0
[ "$(ids "$T/8.jsonl")" = "dc/0" ] || fail "ngram 8 kept $(ids "$T/8.jsonl")"

# --bench-fields question: item 4's choices no longer count (dc/6 shares
# 10 words of the question); item 3 shrinks to "capital of freedonia".
run ts decontam -q "$IN" --against "$B" --bench-fields question -o "$T/q.jsonl"; expect_rc 0
[ "$(ids "$T/q.jsonl")" = "dc/0 dc/3 dc/6" ] || fail "bench-fields kept $(ids "$T/q.jsonl")"

# A Parquet benchmark gives the same answer; rows are numbered from 1.
ts cat -q "$B" -o "$T/b.parquet" || fail "writing parquet"
run ts decontam -q "$IN" --against "$T/b.parquet" -o "$T/pq.jsonl" --report "$T/pr.jsonl"; expect_rc 0
[ "$(ids "$T/pq.jsonl")" = "dc/0 dc/3" ] || fail "parquet kept $(ids "$T/pq.jsonl")"
[ "$(python3 -c "import json,sys; print(' '.join(str(json.loads(l)['benchmark_line']) for l in open(sys.argv[1])))" "$T/pr.jsonl")" = "1 2 1 3 4" ] || fail "parquet report $(cat "$T/pr.jsonl")"

# Bad options and a missing benchmark.
run ts decontam "$IN"; expect_rc 2; expect_err_has "--against"
run ts decontam "$IN" --against "$B" --check answers; expect_rc 2; expect_err_has "--check must be"
run ts decontam "$IN" --against "$B" --ngram 0; expect_rc 2; expect_err_has "--ngram"
run ts decontam "$IN" --against "$T/none.jsonl" -o "$T/n.jsonl"; expect_rc 3
[ ! -e "$T/n.jsonl" ] || fail "output left behind after a failed benchmark"
printf '{"question":"a b c"}\n{bad\n' > "$T/bad.jsonl"
run ts decontam "$IN" --against "$T/bad.jsonl" -o "$T/n.jsonl"; expect_rc 1; expect_err_has "bad.jsonl:2"
[ ! -e "$T/n.jsonl" ] || fail "output left behind after a bad benchmark row"
exit 0
