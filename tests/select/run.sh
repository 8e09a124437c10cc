#!/bin/sh
# tuneset gen select end to end against the in-tree test server: two weak
# models on their own servers (one solves, one fails, one gives no answer),
# math equivalence and --judge (yes, no, unparseable), MSC labels (codes in
# prose, unparseable -> unknown), trace-length ties, all-correct and
# all-wrong weak sets, a replaced label prompt, failures, seeds, and a
# rerun answered from the cache.
# usage: tests/select/run.sh [BUILD]; the last line is "N passed, N failed".
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/llm_suite.sh
F="$ROOT/tests/fixtures/select"
# sel NAME ARGS...: gen select over the pool; output $T/NAME.jsonl, stats $T/NAME.json, stderr $T/NAME.err
sel() {
  name=$1; shift
  "$TS" gen select "$F/pool.jsonl" -o "$T/$name.jsonl" --stats "$T/$name.json" --drop-pattern 'Lorem\s+ipsum' "$@" 2>"$T/$name.err"
  RC=$?
}
# picks FILE: "id:domain:round:weak-results" per selected record
picks() { python3 -c "
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l); s = r['meta']['select']
    print('%s:%s:%d:%s' % (r['id'], s['domain'], s['round'], ','.join({True: 'y', False: 'n', None: '?'}[w['correct']] for w in s['weak'])))" "$1" | tr '\n' ' '; }

llm_server_start main "$F/main.rules.jsonl"; MAIN="http://127.0.0.1:$PORT"; MAINP=$PORT
llm_server_start weak_a "$F/weak_a.rules.jsonl"; WA="http://127.0.0.1:$PORT"
llm_server_start weak_b "$F/weak_b.rules.jsonl"; WB="http://127.0.0.1:$PORT"
llm_server_start right "$F/weak_right.rules.jsonl"; WR="http://127.0.0.1:$PORT"
llm_server_start wrong /dev/null; WW="http://127.0.0.1:$PORT"
WEAK="--weak-model weak-a --weak-model weak-b --weak-endpoint $WA --weak-endpoint $WB"

# --- usage ----------------------------------------------------------------
"$TS" gen --help | grep -q "select" && "$TS" gen select --help | grep -q -- "--weak-model NAME" \
  && ok "gen --help lists select; select --help lists its options" || bad help "no select in help"
env -u OPENAI_BASE_URL "$TS" gen select "$F/pool.jsonl" -o "$T/x.jsonl" 2>"$T/err"
[ $? -eq 2 ] && grep -q "no endpoint" "$T/err" && ok "no endpoint: exit 2" || bad noendpoint "$(cat "$T/err")"
"$TS" gen select --drop-pattern '(' --no-label "$F/pool.jsonl" 2>"$T/err"
[ $? -eq 2 ] && grep -q "drop-pattern" "$T/err" && ok "bad regex: exit 2" || bad regex "$(cat "$T/err")"
"$TS" gen select --weak-model a --weak-model b --weak-model c --weak-endpoint "$WA" --weak-endpoint "$WB" \
  --endpoint "$MAIN" "$F/pool.jsonl" 2>"$T/err"
[ $? -eq 2 ] && grep -q "one per --weak-model" "$T/err" && ok "2 endpoints for 3 weak models: exit 2" || bad weakeps "$(cat "$T/err")"

# --- quality only: no model needed ------------------------------------------
sel q --no-label --target 100 -q
if [ $RC -eq 0 ] && [ "$(jget "$T/q.json" "d['read'], d['written'], sorted(d['dropped'].items())")" = \
  "12 7 [('api_error', 1), ('broken_markup', 1), ('drop_pattern', 1), ('image', 1), ('missing_field', 1)]" ] &&
  [ "$(jget "$T/q.json" "d['read'] == d['written'] + d['dropped_total'] + d['rejected']")" = True ] &&
  [ "$(picks "$T/q.jsonl" | tr ' ' '\n' | cut -d: -f3 | sort | tr '\n' ' ')" = "1 2 3 4 5 6 7 " ] &&
  "$TS" validate -q "$T/q.jsonl"; then
  ok "quality filters by rule; no labels: every survivor picked once (rounds 1..7)"
else bad quality "rc $RC $(cat "$T/q.err") $(cat "$T/q.json") $(picks "$T/q.jsonl")"; fi
sel q2 --no-label --target 100 -q --min-trace-chars 260
[ "$(jget "$T/q2.json" "d['written'], d['dropped']['trace_too_short']")" = "3 4" ] && ok "--min-trace-chars" || bad mintrace "$(cat "$T/q2.json")"

# --- difficulty by math equivalence, labels, sampling -------------------------
sel eq --endpoint "$MAIN" --model labeller $WEAK --target 3 --seed 1 --cache "$T/eq.sqlite"
if [ $RC -eq 0 ] && [ "$(jget "$T/eq.json" "d['written'], d['dropped']['weak_solved'], d['dropped']['not_selected']")" = "3 2 2" ] &&
  [ "$(jget "$T/eq.json" "d['select']['pool'], d['select']['weak_answers'], d['select']['weak_no_answer'], d['select']['labelled'], d['select']['label_unknown'], sorted(d['select']['domains'].items())")" = \
    "7 14 1 5 1 [('05', 2), ('11', 1), ('60', 1), ('unknown', 1)]" ] &&
  "$TS" validate -q "$T/eq.jsonl"; then
  ok "equivalence: 0.75 = \\frac{3}{4} and 'Final answer: 10' solve; labels parsed; counts add up"
else bad equivalence "rc $RC $(cat "$T/eq.err") $(cat "$T/eq.json")"; fi
# Every survivor, with its weak results, when the target exceeds the pool.
sel all --endpoint "$MAIN" --model labeller $WEAK --target 50 --seed 1 -q
python3 - "$T/all.jsonl" <<'PY' && ok "target above the pool: all 5 survivors, rounds 1..5, weak results and domains kept" || bad all "$(cat "$T/all.err") $(head -c 600 "$T/all.jsonl")"
import json, sys
rs = {json.loads(l)["id"]: json.loads(l)["meta"]["select"] for l in open(sys.argv[1])}
assert sorted(rs) == ["s1k/10", "s1k/11", "s1k/7", "s1k/8", "s1k/9"], sorted(rs)
assert sorted(s["round"] for s in rs.values()) == [1, 2, 3, 4, 5]
w = lambda i: [x["correct"] for x in rs[i]["weak"]]
assert w("s1k/7") == [False, False] and w("s1k/8") == [False, None] and w("s1k/10") == [False, False], rs
assert (rs["s1k/7"]["domain"], rs["s1k/7"]["domain_name"]) == ("11", "Number theory")
assert rs["s1k/10"]["domain"] == "60" and rs["s1k/11"]["domain"] == "unknown" and "domain_name" not in rs["s1k/11"]
assert rs["s1k/8"]["trace_length"] == 300 and rs["s1k/7"]["trace_length"] == 400
PY
# Seeded: the same seed writes the same bytes (from the cache: nothing re-sent); another seed may differ.
before=$(llm_server_requests "$MAINP")
sel eq2 --endpoint "$MAIN" --model labeller $WEAK --target 3 --seed 1 --cache "$T/eq.sqlite" -q
after=$(llm_server_requests "$MAINP")
[ $RC -eq 0 ] && cmp -s "$T/eq.jsonl" "$T/eq2.jsonl" && [ "$before" = "$after" ] &&
  [ "$(jget "$T/eq2.json" "d['llm']['cache_hits']")" = 5 ] \
  && ok "rerun with the cache: same bytes, no request re-sent" || bad rerun "rc $RC before $before after $after $(cat "$T/eq2.err")"
seen=""
for s in 2 3 4 5 6 7 8 9; do
  sel s$s --endpoint "$MAIN" --model labeller $WEAK --target 3 --seed $s -q
  seen="$seen|$(picks "$T/s$s.jsonl")"
done
[ "$(echo "$seen" | tr '|' '\n' | sort -u | grep -c .)" -gt 1 ] && ok "seeds change the picks" || bad seeds "$seen"

# --- --judge: yes, no, unparseable -------------------------------------------
sel j --endpoint "$MAIN" --model labeller $WEAK --judge judge-m --target 50 --seed 1
if [ $RC -eq 0 ] && [ "$(jget "$T/j.json" "d['written'], d['dropped']['weak_solved'], d['select']['judged'], d['select']['judge_unparseable']")" = "5 2 14 1" ] &&
   [ "$(picks "$T/j.jsonl" | tr ' ' '\n' | grep '^s1k/7:' | cut -d: -f4)" = "n,?" ]; then
  ok "judge: Yes / **Yes** solve, 'incorrect' and 'no' do not, 'hard to say' is unknown"
else bad judge "rc $RC $(cat "$T/j.err") $(cat "$T/j.json") $(picks "$T/j.jsonl")"; fi

sel jp --endpoint "$MAIN" --model labeller $WEAK --judge judge-m --judge-prompt "$F/judge_prompt.txt" --target 50 -q
[ $RC -eq 0 ] && [ "$(jget "$T/jp.json" "d['written'], d['dropped']['weak_solved'], d['select']['judged']")" = "0 7 14" ] \
  && ok "--judge-prompt replaces the judge's prompt" || bad judgeprompt "rc $RC $(cat "$T/jp.err") $(cat "$T/jp.json")"

# --- all-correct and all-wrong weak sets ---------------------------------------
sel right --endpoint "$MAIN" --model labeller --weak-model oracle --weak-endpoint "$WR" --target 50 -q
[ $RC -eq 0 ] && [ "$(jget "$T/right.json" "d['written'], d['dropped']['weak_solved'], d['select']['labelled']")" = "0 7 0" ] \
  && ok "all-correct weak model: every question dropped, none labelled" || bad right "rc $RC $(cat "$T/right.err") $(cat "$T/right.json")"
sel wrong --endpoint "$MAIN" --model labeller --weak-model echo --weak-endpoint "$WW" --target 50 -q
[ $RC -eq 0 ] && [ "$(jget "$T/wrong.json" "d['written'], d['dropped'].get('weak_solved', 0), d['select']['labelled'], d['select']['label_unknown'], sorted(d['select']['domains'].items())")" = "7 0 7 2 [('05', 2), ('11', 2), ('60', 1), ('unknown', 2)]" ] \
  && ok "all-wrong weak model: every question kept and labelled (unparseable labels unknown)" || bad wrong "rc $RC $(cat "$T/wrong.err") $(cat "$T/wrong.json")"

# --- a replaced label prompt -------------------------------------------------
sel lp --endpoint "$MAIN" --label-prompt "$F/label_prompt.txt" --target 50 -q
[ $RC -eq 0 ] && [ "$(jget "$T/lp.json" "d['select']['domains']")" = "{'97': 7}" ] &&
  grep -q '"domain_name":"Mathematics education"' "$T/lp.jsonl" \
  && ok "--label-prompt replaces the prompt" || bad labelprompt "rc $RC $(cat "$T/lp.err") $(cat "$T/lp.json")"

# --- weak model failures: unknown, counted, questions kept ---------------------
echo '{"match": "", "fault": "500", "times": 1000}' > "$T/fail.rules"
llm_server_start failing "$T/fail.rules"
sel f --endpoint "$MAIN" --weak-model broken --weak-endpoint "http://127.0.0.1:$PORT" --max-attempts 2 --target 50 -q
[ $RC -eq 0 ] && [ "$(jget "$T/f.json" "d['written'], d['select']['weak_failed']")" = "7 7" ] &&
  grep -q '"correct":null' "$T/f.jsonl" \
  && ok "failed weak requests: results unknown, counted, questions kept" || bad failing "rc $RC $(cat "$T/f.err") $(cat "$T/f.json")"

# --- a request budget: what is not sent is unknown, counted, and said ------------
sel b --endpoint "$MAIN" --max-requests 2 --target 50
[ $RC -eq 0 ] && [ "$(jget "$T/b.json" "d['written'], d['select']['labelled'], d['select']['budget_refused'], d['select']['domains'].get('unknown')")" = "7 2 5 6" ] &&
  grep -q "budget reached, 5 requests not sent" "$T/b.err" \
  && ok "--max-requests: refused labels unknown, counted and reported" || bad budget "rc $RC $(cat "$T/b.err") $(cat "$T/b.json")"

# --- killed and resumed: the same bytes, completed requests not re-sent ----------
llm_server_start slow "$F/main.rules.jsonl" --latency-ms 300
SLOWP=$PORT
"$TS" gen select "$F/pool.jsonl" -o "$T/k.jsonl" --endpoint "http://127.0.0.1:$SLOWP" --concurrency 2 \
  --cache "$T/k.sqlite" --target 50 -q --drop-pattern 'Lorem\s+ipsum' 2>/dev/null &
KP=$!
cached() { python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from llm_cache').fetchone()[0])" "$T/k.sqlite" 2>/dev/null || echo 0; }
i=0 # kill it once two replies are in the cache (of 7, 300 ms each, 2 at a time)
while [ "$(cached)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 $KP 2>/dev/null; wait $KP 2>/dev/null
done1=$(cached)
sel k2 --endpoint "http://127.0.0.1:$SLOWP" --concurrency 2 --cache "$T/k.sqlite" --target 50 -q
sel k3 --endpoint "$MAIN" --target 50 -q
# 7 label requests in all: those the killed run completed (cached) come
# from the cache, only the others are sent again.
[ $RC -eq 0 ] && [ ! -e "$T/k.jsonl" ] && [ "$done1" -ge 1 ] && [ "$done1" -lt 7 ] && cmp -s "$T/k2.jsonl" "$T/k3.jsonl" &&
  [ "$(jget "$T/k2.json" "d['llm']['cache_hits'], d['llm']['requests']")" = "$done1 $((7 - done1))" ] \
  && ok "SIGKILL mid-run ($done1 of 7 done), rerun: same bytes as an uninterrupted run, nothing completed re-sent" \
  || bad resume "done $done1; $(cat "$T/k2.err") $(cat "$T/k2.json")"

suite_end
