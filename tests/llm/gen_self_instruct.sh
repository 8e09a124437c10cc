# gen self-instruct against the test server: every filter, determinism,
# the cache, Korean, a reply cut by length, faults, and a killed run resumed.
. "$ROOT/tests/cli/lib.sh"
LLM_SERVER_DIR=$T
. "$ROOT/tests/lib/llm_server.sh"
llm_server_trap 'rm -rf "$T"'
G="$F/gen"
SI="gen self-instruct --seeds $G/seed_tasks.jsonl"

llm_server_start s "$G/si_rules.jsonl"
run ts $SI -n 4 -o "$T/a.jsonl" --endpoint "$URL" --stats "$T/a.stats"
expect_rc 0
[ "$(json_get "$T/a.stats" 'd["read"], d["written"], sorted(d["dropped"].items())')" = \
  "13 4 [('si_blacklist', 1), ('si_empty_output', 1), ('si_malformed', 1), ('si_non_ascii_start', 1), ('si_punctuation_start', 1), ('si_too_short', 1), ('si_too_similar', 2), ('si_write_a_program', 1)]" ] ||
  fail "counts: $(cat "$T/a.stats")"
ts validate "$T/a.jsonl" >/dev/null 2>&1 || fail "output does not validate"
[ "$(json_get "$T/a.stats" 'd["read"] == d["written"] + d["dropped_total"] + d["rejected"]')" = True ] || fail "counts do not add up"
python3 - "$T/a.jsonl" <<'PY' || fail "records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert [r["id"] for r in recs] == ["self-instruct/%d" % i for i in range(4)], recs
assert recs[0]["messages"][0]["content"] == "Name three rivers that flow through Europe."
assert recs[1]["messages"][0]["content"].startswith("Summarize the paragraph in one short sentence.\n\nThe city council")
assert recs[1]["meta"]["input"].startswith("The city council")
for r in recs:
    m = r["meta"]
    assert 0 <= m["max_rouge"] <= 0.7 and m["most_similar"] and m["most_similar"][0]["rouge_l"] == m["max_rouge"], m
PY

# Same seed, same replies: same bytes; the cache answers a rerun entirely.
run ts $SI -n 4 -o "$T/b.jsonl" --endpoint "$URL" --cache "$T/c.sqlite" --stats "$T/b.stats"
expect_rc 0
cmp -s "$T/a.jsonl" "$T/b.jsonl" || fail "a second run differs"
before=$(llm_server_requests "$URL")
run ts $SI -n 4 -o "$T/c.jsonl" --endpoint "$URL" --cache "$T/c.sqlite" --stats "$T/c.stats"
expect_rc 0
cmp -s "$T/a.jsonl" "$T/c.jsonl" || fail "the cached run differs"
after=$(llm_server_requests "$URL")
[ "$before" = "$after" ] || fail "the cached rerun sent $((after - before)) requests"
[ "$(json_get "$T/c.stats" 'd["llm"]["requests"]')" = 0 ] || fail "cached rerun: $(cat "$T/c.stats")"
# A stricter ROUGE gate drops more; a wider word range keeps "Define entropy."
run ts $SI -n 3 -o "$T/d.jsonl" --endpoint "$URL" --min-words 2 --max-rouge 0.1 --stats "$T/d.stats"
[ "$(json_get "$T/d.stats" 'd["dropped"].get("si_too_short", 0)')" = 0 ] || fail "--min-words: $(cat "$T/d.stats")"
grep -q '"Define entropy."' "$T/d.jsonl" || fail "--min-words 2 did not keep 'Define entropy.'"
# Usage errors: exit 2, nothing sent.
run ts gen self-instruct -n 4 -o "$T/u.jsonl" --endpoint "$URL"
expect_rc 2
run ts gen self-instruct --seeds "$G/seed_tasks.jsonl" --labels 'A,,C' -o "$T/u.jsonl" --endpoint "$URL"
expect_rc 2
run ts gen self-instruct --seeds "$G/seed_tasks.jsonl" -o "$T/u.jsonl" --endpoint "ftp://x"
expect_rc 2
# A budget stops the run cleanly with what it kept.
run ts $SI -n 10 -o "$T/bud.jsonl" --endpoint "$URL" --max-requests 1 --concurrency 1 --stats "$T/bud.stats"
expect_rc 0
expect_err_has "budget reached: kept 2 of 10"
[ "$(json_get "$T/bud.stats" 'd["written"], d["llm"]["requests"]')" = "2 1" ] || fail "budget: $(cat "$T/bud.stats")"
# A malformed seed task stops the run with its record number.
printf '%s\n' '{"instruction": "Fine task here.", "instances": [{"input": "", "output": "x"}]}' '{"instruction": "No instances."}' > "$T/badseeds.jsonl"
run ts gen self-instruct --seeds "$T/badseeds.jsonl" -n 1 -o "$T/bs.jsonl" --endpoint "$URL"
expect_rc 1
expect_err_has "record 2: seed task: instances must be a non-empty array"
[ ! -e "$T/bs.jsonl" ] || fail "a failed run left its output"
llm_server_stop s

# Korean: a translated prompt and labels; Hangul instructions pass.
llm_server_start s "$G/si_rules_ko.jsonl"
run ts gen self-instruct --seeds "$G/seed_tasks_ko.jsonl" -n 2 -o "$T/ko.jsonl" --endpoint "$URL" \
  --prompt "$ROOT/share/prompts/self_instruct_ko.txt" --labels '지시,입력,출력,<입력 없음>' --allow-non-ascii \
  --stats "$T/ko.stats"
expect_rc 0
[ "$(json_get "$T/ko.stats" 'd["written"], sorted(d["dropped"].items())')" = \
  "2 [('si_punctuation_start', 1), ('si_too_similar', 1)]" ] || fail "korean: $(cat "$T/ko.stats")"
grep -q '"content":"다음 문장을 영어로 번역하세요.\\n\\n오늘 날씨가 정말 좋네요."' "$T/ko.jsonl" || fail "korean record: $(cat "$T/ko.jsonl")"
# The request carried the Korean prompt and layout.
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["requests"] >= 1' <<EOF2 || fail "server stats"
$(llm_server_stats "$URL")
EOF2
# Without --allow-non-ascii every Hangul instruction is dropped; --patience ends the run.
run ts gen self-instruct --seeds "$G/seed_tasks_ko.jsonl" -n 2 -o "$T/ko2.jsonl" --endpoint "$URL" \
  --prompt "$ROOT/share/prompts/self_instruct_ko.txt" --labels '지시,입력,출력,<입력 없음>' --patience 2 \
  --concurrency 1 --stats "$T/ko2.stats"
expect_rc 1
expect_err_has "2 requests in a row kept nothing"
[ "$(json_get "$T/ko2.stats" 'd["written"], d["dropped"]["si_non_ascii_start"]')" = "0 8" ] || fail "ko2: $(cat "$T/ko2.stats")"
llm_server_stop s

# A reply cut by length loses its last block.
llm_server_start s "$G/si_rules_length.jsonl"
run ts $SI -n 3 -o "$T/len.jsonl" --endpoint "$URL" --patience 2 --stats "$T/len.stats"
expect_rc 1
[ "$(json_get "$T/len.stats" 'd["read"], d["written"], sorted(d["dropped"].items())')" = \
  "9 2 [('si_cut_by_length', 3), ('si_too_similar', 4)]" ] || fail "length: $(cat "$T/len.stats")"
[ -s "$T/len.jsonl" ] || fail "a run that gave up did not keep what it had"
llm_server_stop s

# Faults: 500s, a 429 with Retry-After and malformed replies are retried;
# the output is the same as without them.
cat > "$T/faults.jsonl" <<EOF2
{"match": "Instruction:", "fault": "500", "times": 1}
{"match": "Instruction:", "fault": "429", "times": 1, "retry_after": 0}
{"match": "Instruction:", "fault": "malformed", "times": 1}
$(cat "$G/si_rules.jsonl")
EOF2
llm_server_start s "$T/faults.jsonl"
run ts $SI -n 4 -o "$T/f.jsonl" --endpoint "$URL" --stats "$T/f.stats"
expect_rc 0
cmp -s "$T/a.jsonl" "$T/f.jsonl" || fail "faults changed the output"
[ "$(json_get "$T/f.stats" 'd["llm"]["retries"] >= 6, d["requests_failed"]')" = "True 0" ] || fail "faults: $(cat "$T/f.stats")"
llm_server_stop s
# A server that always fails: every request is reported, the run gives up.
echo '{"fault": "500", "times": 1000000}' > "$T/down.jsonl"
llm_server_start s "$T/down.jsonl"
run ts $SI -n 4 -o "$T/down.out" --endpoint "$URL" --max-attempts 2 --patience 3 --concurrency 1 --stats "$T/down.stats"
expect_rc 1
expect_err_has "request 0 failed"
[ "$(json_get "$T/down.stats" 'd["requests_failed"], d["written"]')" = "3 0" ] || fail "down: $(cat "$T/down.stats")"
llm_server_stop s

# Killed halfway with SIGKILL, then resumed from the cache: the same output
# as an uninterrupted run, and no completed request sent again.
llm_server_start s "$G/si_rules_many.jsonl" --latency-ms 300
run ts $SI -n 16 -o "$T/full.jsonl" --endpoint "$URL" --concurrency 2 --cache "$T/full.sqlite"
expect_rc 0
llm_server_stop s
llm_server_start s "$G/si_rules_many.jsonl" --latency-ms 300
"$TUNESET" $SI -n 16 -o "$T/k.jsonl" --endpoint "$URL" --concurrency 2 --cache "$T/k.sqlite" 2>/dev/null &
llm_server_kill_after "$URL" 4 $!
[ ! -e "$T/k.jsonl" ] || fail "a killed run left its output"
llm_cache_requests "$T/k.sqlite" > "$T/done1"
killed=$(llm_server_requests "$URL")
[ "$killed" -ge 2 ] || fail "the run was killed before any reply ($killed requests)"
run ts $SI -n 16 -o "$T/k.jsonl" --endpoint "$URL" --concurrency 2 --cache "$T/k.sqlite" --stats "$T/k.stats"
expect_rc 0
[ "$(llm_server_resent "$URL" "$T/done1")" = 0 ] || fail "requests completed before the kill were sent again ($(llm_server_resent "$URL" "$T/done1"))"
cmp -s "$T/full.jsonl" "$T/k.jsonl" || fail "the resumed run differs from an uninterrupted one"
llm_server_stats "$URL" | python3 -c '
import json, sys
d = json.load(sys.stdin)
twice = [h for h, n in d["by_body_hash"].items() if n > 1]
# Only what was in flight at the kill (at most --concurrency) may be sent again.
assert len(twice) <= 2 and all(n <= 2 for n in d["by_body_hash"].values()), d
' || fail "the resumed run re-sent completed requests: $(llm_server_stats "$URL")"
[ "$(json_get "$T/k.stats" 'd["llm"]["cache_hits"] >= 1')" = True ] || fail "resume: $(cat "$T/k.stats")"
exit 0
