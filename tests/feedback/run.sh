#!/bin/sh
# `tuneset gen feedback` and `tuneset gen kwk` end to end against the
# in-tree test server (build/llm_test_server) with scripted replies: ratings
# in every reply shape, ties, unparseable judgements recovered by a re-ask
# and not, a completer that always fails, pairwise verdicts consistent,
# tied, position-biased and unparseable; kwk snippets answered all correct,
# mostly correct, all wrong, mixed, unjudged and with no question; the
# critique step, JSON mode, a completer on its own server, budgets. Outputs
# are compared byte for byte with expected files, validated, re-imported,
# and rerun from the cache (and after SIGKILL) to the same bytes.
# usage: tests/feedback/run.sh [BUILD]; the last line is "N passed, N failed".
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/llm_suite.sh
FB="$ROOT/tests/fixtures/feedback"
KW="$ROOT/tests/fixtures/kwk"

# same_pairs A B: the same pairs apart from id and source.
same_pairs() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
for x in a + b:
    x.pop("id"); x.pop("source")
sys.exit(0 if a == b and a else 1)
EOF
}

# The three completers of every feedback run: short principle prompts so
# the rules can tell the completers apart.
COMP="--completer m-a|helpfulness --completer m-b|honesty --completer m-c|truthfulness
  --principle-prompt helpfulness=[A] --principle-prompt honesty=[B] --principle-prompt truthfulness=[C]"
fb() { "$TS" gen feedback "$@" 2>"$T/err"; RC=$?; }
kwk() { "$TS" gen kwk "$@" 2>"$T/err"; RC=$?; }

# --- usage -------------------------------------------------------------------
"$TS" gen --help | grep -q "feedback" && "$TS" gen --help | grep -q "kwk" &&
  "$TS" gen feedback --help | grep -q -- "--pairwise" && "$TS" gen kwk --help | grep -q -- "--wrong-share" \
  && ok "gen --help lists feedback and kwk; their --help lists their options" || bad help "missing from --help"
env -u OPENAI_BASE_URL "$TS" gen feedback "$FB/prompts.jsonl" -o "$T/x.jsonl" 2>"$T/err"
[ $? -eq 2 ] && grep -q "no endpoint" "$T/err" && ok "feedback without an endpoint: exit 2" || bad noendpoint "$(cat "$T/err")"
"$TS" gen feedback --endpoint http://127.0.0.1:1 --completer 'm|sarcasm' "$FB/prompts.jsonl" 2>"$T/err"
[ $? -eq 2 ] && grep -q "unknown principle" "$T/err" && ok "unknown principle: exit 2" || bad principle "$(cat "$T/err")"
"$TS" gen kwk --endpoint http://127.0.0.1:1 --correct-share 0.4 "$KW/corpus.jsonl" 2>"$T/err"
[ $? -eq 2 ] && grep -q "thresholds" "$T/err" && ok "kwk threshold out of range: exit 2" || bad threshold "$(cat "$T/err")"

# --- feedback: ratings -------------------------------------------------------
llm_server_start fb "$FB/rules.jsonl"
FBP=$PORT
# shellcheck disable=SC2086
fb "$FB/prompts.jsonl" -o "$T/rows.jsonl" --pairs "$T/pairs.jsonl" --endpoint "http://127.0.0.1:$FBP" \
  --model judge $COMP --on-error skip --max-attempts 2 --cache "$T/fb.sqlite" --stats "$T/fb.stats" -q
if [ $RC -eq 0 ] && cmp -s "$T/rows.jsonl" "$FB/rows.expected.jsonl" && cmp -s "$T/pairs.jsonl" "$FB/pairs.expected.jsonl"; then
  ok "ratings: rows and pairs as expected"
else bad ratings "rc $RC $(cat "$T/err"); $(diff "$T/pairs.jsonl" "$FB/pairs.expected.jsonl" | head -5)"; fi
s=$(jget "$T/fb.stats" "d['read'], d['written'], d['rejected'], d['feedback']['reasks'], d['feedback']['unrated'], d['feedback']['completions_failed'], d['feedback']['pairs'], d['feedback']['pairs_dropped']")
[ "$s" = "7 6 1 12 12 1 4 {'no_lower_score': 1, 'fewer_than_two_scored': 1}" ] \
  && ok "ratings: counts add up; re-asks, unrated aspects, failed completion and pair drops counted" || bad fbcounts "$s"
"$TS" validate "$T/pairs.jsonl" -q && ok "ratings: pairs are valid records" || bad fbvalid "$(cat "$T/pairs.jsonl" | head -c 300)"
"$TS" import ultrafeedback "$T/rows.jsonl" --score fine-grained -o "$T/imported.jsonl" -q &&
  same_pairs "$T/pairs.jsonl" "$T/imported.jsonl" \
  && ok "ratings: the rows import as UltraFeedback raw rows, to the same pairs" || bad reimport "$(head -c 300 "$T/imported.jsonl")"
python3 - "$T/rows.jsonl" <<'EOF' && ok "ratings: recovered re-ask rated; never-parsed aspects N/A with fine-grained_score null" || bad rows "see rows"
import json, sys
rows = {r["id"]: r for r in map(json.loads, open(sys.argv[1]))}
p4 = [c["annotations"]["honesty"]["Rating"] for c in rows["p4"]["completions"]]
p5 = rows["p5"]["completions"]
assert p4 == ["4", "2", "1"], p4
assert all(c["annotations"][a]["Rating"] == "N/A" for c in p5 for a in c["annotations"]) and len(p5) == 3
assert all(c["fine-grained_score"] is None for c in p5)
assert rows["p7"]["models"] == ["m-a", "m-b"]  # m-c failed every attempt
assert rows["p1"]["completions"][0]["custom_system_prompt"] == "[A]"
assert rows["p1"]["completions"][0]["principle"] == "helpfulness"
EOF

# Rerun over the cache: nothing sent, same bytes. One prompt in flight at a
# time gives the same bytes too (output order does not follow reply order).
before=$(llm_server_requests "$FBP")
# shellcheck disable=SC2086
fb "$FB/prompts.jsonl" -o "$T/rows2.jsonl" --pairs "$T/pairs2.jsonl" --endpoint "http://127.0.0.1:$FBP" \
  --model judge $COMP --on-error skip --max-attempts 2 --cache "$T/fb.sqlite" --stats "$T/fb2.stats" -q --window 1
after=$(llm_server_requests "$FBP")
[ $RC -eq 0 ] && cmp -s "$T/rows2.jsonl" "$FB/rows.expected.jsonl" && cmp -s "$T/pairs2.jsonl" "$FB/pairs.expected.jsonl" &&
  [ "$((after - before))" -le 2 ] \
  && ok "rerun from the cache with --window 1: same bytes, only the failing completer re-sent" \
  || bad fbrerun "rc $RC, sent $((after - before)); $(cat "$T/err")"

# A different seed picks the rejected side again (seeded), rows unchanged
# apart from the completions' own samples.
# shellcheck disable=SC2086
fb "$FB/prompts.jsonl" -o "$T/rows3.jsonl" --pairs "$T/pairs3.jsonl" --endpoint "http://127.0.0.1:$FBP" \
  --model judge $COMP --on-error skip --max-attempts 2 --pair-rejected worst -q
[ $RC -eq 0 ] && [ "$(python3 -c "import json,sys; print([json.loads(l)['meta']['rejected_model'] for l in open(sys.argv[1])])" "$T/pairs3.jsonl")" = "['m-c', 'm-a', 'm-c', 'm-a']" ] \
  && ok "--pair-rejected worst: the lowest score is rejected" || bad worst "$(cat "$T/err")"

# JSON mode changes the requests, not what is parsed from these replies.
# shellcheck disable=SC2086
fb "$FB/prompts.jsonl" -o "$T/j.jsonl" --endpoint "http://127.0.0.1:$FBP" --model judge $COMP --on-error skip \
  --max-attempts 2 --judge-json -q
[ $RC -eq 0 ] && cmp -s "$T/j.jsonl" "$FB/rows.expected.jsonl" && ok "--judge-json: the same rows" || bad judgejson "rc $RC"

# The critique step: feedback and an overall score per completion (text,
# JSON, and a reply recovered by a re-ask), binarized by --pair-score overall.
# shellcheck disable=SC2086
fb "$FB/prompts.jsonl" -o "$T/c.jsonl" --pairs "$T/cp.jsonl" --endpoint "http://127.0.0.1:$FBP" --model judge \
  $COMP --on-error skip --max-attempts 2 --critique --pair-score overall --pair-rejected worst --stats "$T/c.stats" -q
s=$(jget "$T/c.stats" "d['feedback']['critiques'], d['feedback']['no_critique'], d['feedback']['pairs']")
if [ $RC -eq 0 ] && [ "$s" = "17 0 6" ] && "$TS" validate "$T/cp.jsonl" -q && python3 - "$T/c.jsonl" "$T/cp.jsonl" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
c = rows[0]["completions"]
assert [x["overall_score"] for x in c] == [9, 6.5, 3], [x["overall_score"] for x in c]
assert [x["critique"] for x in c] == ["Direct and correct.", "Hedges too much.", "Off topic."]
assert c[0]["annotations"]["honesty"]["Rating"] == "5"
pairs = [json.loads(l) for l in open(sys.argv[2])]
# Every row holding A (9) and C (3) pairs A over C, even where the judge's
# ratings were never parsed (p5) or all equal (p3); p7 has no C.
assert [p["score_chosen"] for p in pairs] == [9] * 6, [p["score_chosen"] for p in pairs]
assert [p["meta"]["rejected_model"] for p in pairs] == ["m-c"] * 5 + ["m-b"]
EOF
then ok "--critique: critique and overall_score per completion (text, JSON, re-asked); --pair-score overall"
else bad critique "rc $RC $s; $(cat "$T/err")"; fi

# Without --completer: --model four times, once with each principle.
fb "$FB/prompts.jsonl" -o "$T/d.jsonl" --endpoint "http://127.0.0.1:$FBP" --model solo --on-error skip -q \
  --max-attempts 2 --principle-prompt helpfulness=[A] --principle-prompt honesty=[B] \
  --principle-prompt truthfulness=[C] --principle-prompt "verbalized_calibration=[D] Say how sure you are."
s=$(python3 -c "import json,sys; r=json.loads(open(sys.argv[1]).readline()); print(r['models'], [c['principle'] for c in r['completions']], r['completions'][3]['response'])" "$T/d.jsonl")
[ $RC -eq 0 ] && [ "$s" = "['solo', 'solo', 'solo', 'solo'] ['helpfulness', 'honesty', 'truthfulness', 'verbalized_calibration'] echo: What is the capital of France?" ] \
  && ok "no --completer: --model with each of the four principles" || bad defaultpool "rc $RC $s"

# A completer on its own server (URL|MODEL|PRINCIPLE): one more client,
# stepped with the others.
printf '%s\n' '{"match": "", "reply": "the other server answers"}' > "$T/alt.rules"
llm_server_start alt "$T/alt.rules"
ALT=$PORT
# shellcheck disable=SC2086
fb "$FB/prompts.jsonl" -o "$T/u.jsonl" --endpoint "http://127.0.0.1:$FBP" --model judge $COMP \
  --completer "http://127.0.0.1:$ALT|m-x|honesty" --on-error skip --max-attempts 2 -q
s=$(python3 -c "import json,sys; r=json.loads(open(sys.argv[1]).readline()); print(r['models'], r['completions'][3]['response'])" "$T/u.jsonl")
[ $RC -eq 0 ] && [ "$s" = "['m-a', 'm-b', 'm-c', 'm-x'] the other server answers" ] && [ "$(llm_server_requests "$ALT")" = 6 ] \
  && ok "a completer on its own server: its requests go there (6), the rest to --endpoint" || bad url "rc $RC $s $(llm_server_requests "$ALT")"

# Rows as Parquet (nested completions and annotations) read back the same.
# shellcheck disable=SC2086
fb "$FB/prompts.jsonl" -o "$T/rows.parquet" --endpoint "http://127.0.0.1:$FBP" --model judge $COMP --on-error skip \
  --max-attempts 2 -q
[ $RC -eq 0 ] && "$TS" cat "$T/rows.parquet" -q | python3 -c "
import json, sys
a = [json.loads(l) for l in sys.stdin]
b = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if a == b else 1)" "$FB/rows.expected.jsonl" && ok "rows written as Parquet read back equal" || bad parquetrows "rc $RC"

# A request budget stops cleanly with a prefix of the full output; a rerun
# with the same cache and no budget finishes it to the same bytes.
# shellcheck disable=SC2086
fb "$FB/prompts.jsonl" -o "$T/b1.jsonl" --pairs "$T/b1p.jsonl" --endpoint "http://127.0.0.1:$FBP" \
  --model judge $COMP --on-error skip --max-attempts 2 --cache "$T/budget.sqlite" --max-requests 20 --window 1 --stats "$T/b1.stats"
b1=$(jget "$T/b1.stats" "d['feedback']['budget_cut'] > 0, d['read'] == d['written'] + d['dropped_total'] + d['rejected'], d['llm']['requests']")
n=$(wc -l < "$T/b1.jsonl")
head -n "$n" "$FB/rows.expected.jsonl" | cmp -s - "$T/b1.jsonl"
prefix=$?
# shellcheck disable=SC2086
fb "$FB/prompts.jsonl" -o "$T/b2.jsonl" --pairs "$T/b2p.jsonl" --endpoint "http://127.0.0.1:$FBP" \
  --model judge $COMP --on-error skip --max-attempts 2 --cache "$T/budget.sqlite" -q
[ $RC -eq 0 ] && [ "$b1" = "True True 20" ] && [ "$n" -ge 1 ] && [ $prefix -eq 0 ] && cmp -s "$T/b2.jsonl" "$FB/rows.expected.jsonl" &&
  cmp -s "$T/b2p.jsonl" "$FB/pairs.expected.jsonl" \
  && ok "--max-requests 20 --window 1: a prefix ($n rows), counts add up; the rerun finishes to the same bytes" \
  || bad fbbudget "$b1 prefix $prefix rc $RC; $(cat "$T/err")"

# SIGKILL mid-run, then resume: the same bytes as an uninterrupted run.
llm_server_start slow "$FB/rules.jsonl" --latency-ms 150
SLOW=$PORT
# shellcheck disable=SC2086
"$TS" gen feedback "$FB/prompts.jsonl" -o "$T/k.jsonl" --pairs "$T/kp.jsonl" --endpoint "http://127.0.0.1:$SLOW" \
  --model judge $COMP --on-error skip --max-attempts 2 --cache "$T/kill.sqlite" --concurrency 4 -q 2>/dev/null &
GP=$!
sleep 0.8
kill -9 $GP 2>/dev/null
wait $GP 2>/dev/null
first=$(llm_server_requests "$SLOW")
[ -e "$T/k.jsonl" ] && bad killed "an output exists after SIGKILL"
# shellcheck disable=SC2086
fb "$FB/prompts.jsonl" -o "$T/k.jsonl" --pairs "$T/kp.jsonl" --endpoint "http://127.0.0.1:$SLOW" \
  --model judge $COMP --on-error skip --max-attempts 2 --cache "$T/kill.sqlite" --stats "$T/kill.stats" -q
hits=$(jget "$T/kill.stats" "d['llm']['cache_hits']")
[ $RC -eq 0 ] && [ "$first" -gt 0 ] && [ "$hits" -gt 0 ] && cmp -s "$T/k.jsonl" "$FB/rows.expected.jsonl" &&
  cmp -s "$T/kp.jsonl" "$FB/pairs.expected.jsonl" \
  && ok "killed after $first requests and resumed ($hits from the cache): same bytes" \
  || bad resume "rc $RC first $first hits $hits; $(cat "$T/err")"

# --- feedback: pairwise ----------------------------------------------------------
llm_server_start pw "$FB/pairwise_rules.jsonl"
# shellcheck disable=SC2086
fb "$FB/pairwise_prompts.jsonl" -o "$T/prows.jsonl" --pairs "$T/ppairs.jsonl" --endpoint "http://127.0.0.1:$PORT" \
  $COMP --pairwise --stats "$T/pw.stats" -q
s=$(jget "$T/pw.stats" "d['feedback']['pairwise'], d['feedback']['pairs'], d['feedback']['reasks']")
if [ $RC -eq 0 ] && cmp -s "$T/ppairs.jsonl" "$FB/pairwise_pairs.expected.jsonl" &&
   [ "$s" = "{'consistent': 3, 'ties': 6, 'inconsistent': 3, 'unparsed': 3} 3 18" ] && "$TS" validate "$T/ppairs.jsonl" -q; then
  ok "pairwise: consistent wins kept; ties, position bias and unparseable verdicts counted; re-asks recover"
else bad pairwise "rc $RC $s; $(cat "$T/err")"; fi

# --- kwk ---------------------------------------------------------------------------
llm_server_start kwk "$KW/rules.jsonl"
KP=$PORT
kwk "$KW/corpus.jsonl" -o "$T/sft.jsonl" --pairs "$T/kpairs.jsonl" --endpoint "http://127.0.0.1:$KP" --model tuned \
  --judge-model judge --min-chunk-chars 20 --on-error skip --cache "$T/kwk.sqlite" --stats "$T/kwk.stats" -q
if [ $RC -eq 0 ] && cmp -s "$T/sft.jsonl" "$KW/sft.expected.jsonl" && cmp -s "$T/kpairs.jsonl" "$KW/pairs.expected.jsonl"; then
  ok "kwk: SFT records and pairs as expected"
else bad kwk "rc $RC $(cat "$T/err"); $(diff "$T/sft.jsonl" "$KW/sft.expected.jsonl" | head -5)"; fi
s=$(jget "$T/kwk.stats" "d['read'], d['written'], d['rejected'], d['dropped'], d['kwk']['classes'], d['kwk']['reasks'], d['kwk']['sft'], d['kwk']['pairs']")
[ "$s" = "8 3 1 {'empty_text': 1, 'kwk_mixed': 1, 'kwk_unjudged': 1, 'no_question': 1} {'correct': 2, 'wrong': 1, 'mixed': 1, 'unjudged': 1} 17 3 7" ] \
  && ok "kwk: counts add up; classes, re-asks and drops counted" || bad kwkcounts "$s"
"$TS" validate "$T/sft.jsonl" -q && "$TS" validate "$T/kpairs.jsonl" -q && ok "kwk: records are valid" || bad kwkvalid "invalid"
python3 - "$T/sft.jsonl" "$T/kpairs.jsonl" <<'EOF' && ok "kwk: all-correct, mostly-correct, all-wrong and mixed sets give the documented records" || bad kwkshape "see output"
import json, sys
sft = {r["id"]: r for r in map(json.loads, open(sys.argv[1]))}
pairs = [json.loads(l) for l in open(sys.argv[2])]
z = sft["kwk/doc-zorblat#0"]["meta"]["kwk"]
assert z["class"] == "correct" and z["share_correct"] == 0.8 and z["chosen"] == 0
p = sft["kwk/doc-pellam#0"]["meta"]["kwk"]   # correctness recovered by a re-ask: all correct
assert p["class"] == "correct" and p["share_correct"] == 1
q = sft["kwk/doc-quellmoor#0"]
assert q["meta"]["kwk"]["class"] == "wrong" and q["meta"]["kwk"]["chosen"] == "refusal"
assert q["messages"][1]["content"].startswith("I'm not sure")
wrong = [x for x in pairs if x["meta"]["kwk"]["class"] == "wrong"]
assert len(wrong) == 5 and all(x["chosen"] == q["messages"][1:] for x in wrong)
mixed = [x for x in pairs if x["meta"]["kwk"]["class"] == "mixed"]
assert [x["rejected"][0]["content"] for x in mixed] == ["Blue.", "Blue."]
assert all(x["chosen"][0]["content"] == "Green." for x in mixed)
EOF

# Without re-asks the recovered judgements stay unparsed: Pellam is unjudged.
kwk "$KW/corpus.jsonl" -o "$T/sft0.jsonl" --endpoint "http://127.0.0.1:$KP" --model tuned --judge-model judge \
  --min-chunk-chars 20 --on-error skip --reasks 0 --stats "$T/kwk0.stats" -q
[ $RC -eq 0 ] && [ "$(jget "$T/kwk0.stats" "d['kwk']['classes']['unjudged'], d['written']")" = "2 2" ] \
  && ok "kwk --reasks 0: unparseable judgements are not recovered (counted unjudged)" || bad reasks0 "$(cat "$T/kwk0.stats")"

# A stricter threshold: 4 of 5 correct is no longer consistent: mixed.
kwk "$KW/corpus.jsonl" -o "$T/sft1.jsonl" --pairs "$T/kp1.jsonl" --endpoint "http://127.0.0.1:$KP" --model tuned \
  --judge-model judge --min-chunk-chars 20 --on-error skip --correct-share 1 --cache "$T/kwk.sqlite" --stats "$T/kwk1.stats" -q
[ $RC -eq 0 ] && [ "$(jget "$T/kwk1.stats" "d['kwk']['classes']['mixed'], d['kwk']['pairs'], d['llm']['requests']")" = "2 8 0" ] \
  && ok "kwk --correct-share 1: the 4-of-5 set becomes mixed (one more pair), all from the cache" || bad share "$(cat "$T/kwk1.stats")"

# Budget: a prefix, then the rest from a rerun over the same cache.
kwk "$KW/corpus.jsonl" -o "$T/kb1.jsonl" --pairs "$T/kb1p.jsonl" --endpoint "http://127.0.0.1:$KP" --model tuned \
  --judge-model judge --min-chunk-chars 20 --on-error skip --cache "$T/kb.sqlite" --max-requests 30 --window 2 \
  --stats "$T/kb1.stats" -q
kb1=$(jget "$T/kb1.stats" "d['kwk']['budget_cut'] > 0, d['read'] == d['written'] + d['dropped_total'] + d['rejected'], d['dropped'].get('llm_budget', 0) >= 1")
n=$(wc -l < "$T/kb1.jsonl")
head -n "$n" "$KW/sft.expected.jsonl" | cmp -s - "$T/kb1.jsonl"
prefix=$?
kwk "$KW/corpus.jsonl" -o "$T/kb2.jsonl" --pairs "$T/kb2p.jsonl" --endpoint "http://127.0.0.1:$KP" --model tuned \
  --judge-model judge --min-chunk-chars 20 --on-error skip --cache "$T/kb.sqlite" -q
[ $RC -eq 0 ] && [ "$kb1" = "True True True" ] && [ "$n" -ge 1 ] && [ $prefix -eq 0 ] && cmp -s "$T/kb2.jsonl" "$KW/sft.expected.jsonl" &&
  cmp -s "$T/kb2p.jsonl" "$KW/pairs.expected.jsonl" \
  && ok "kwk --max-requests 30: a prefix ($n records), counts add up; the rerun finishes to the same bytes" \
  || bad kwkbudget "$kb1 prefix $prefix rc $RC; $(cat "$T/err")"

# A Parquet corpus gives the same records as its JSON Lines original.
"$TS" cat "$KW/corpus.jsonl" -o "$T/corpus.parquet" -q &&
  kwk "$T/corpus.parquet" -o "$T/pq.jsonl" --endpoint "http://127.0.0.1:$KP" --model tuned --judge-model judge \
    --min-chunk-chars 20 --on-error skip --cache "$T/kwk.sqlite" -q
[ $RC -eq 0 ] && python3 - "$T/pq.jsonl" "$KW/sft.expected.jsonl" <<'EOF' && ok "kwk reads a Parquet corpus" || bad parquet "rc $RC $(cat "$T/err")"
import json, sys
a = [json.loads(l)["messages"] for l in open(sys.argv[1])]
b = [json.loads(l)["messages"] for l in open(sys.argv[2])]
sys.exit(0 if a == b and a else 1)
EOF

# Seeded sampling: 2 of the 6 chunks; the same seed gives the same bytes.
kwk "$KW/corpus.jsonl" -o "$T/s1.jsonl" --endpoint "http://127.0.0.1:$KP" --model tuned --judge-model judge \
  --min-chunk-chars 20 --on-error skip --num-snippets 2 --seed 7 --stats "$T/s1.stats" -q
kwk "$KW/corpus.jsonl" -o "$T/s2.jsonl" --endpoint "http://127.0.0.1:$KP" --model tuned --judge-model judge \
  --min-chunk-chars 20 --on-error skip --num-snippets 2 --seed 7 -q
s=$(jget "$T/s1.stats" "d['dropped'].get('not_sampled'), d['read'] == d['written'] + d['dropped_total'] + d['rejected']")
[ $RC -eq 0 ] && [ "$s" = "4 True" ] && cmp -s "$T/s1.jsonl" "$T/s2.jsonl" \
  && ok "kwk --num-snippets 2: 4 chunks not sampled, counts add up, same seed same bytes" || bad sample "$s $(cat "$T/err")"

suite_end
