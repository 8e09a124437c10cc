# gen augment against the test server: paraphrase with every drop rule,
# --respond, deepen's seeded variants, translate, faults, kill and resume.
. "$ROOT/tests/cli/lib.sh"
LLM_SERVER_DIR=$T
. "$ROOT/tests/lib/llm_server.sh"
llm_server_trap 'rm -rf "$T"'
G="$F/gen"

llm_server_start s "$G/aug_rules.jsonl"
run ts gen augment "$G/aug_input.jsonl" -o "$T/p.jsonl" --endpoint "$URL" --stats "$T/p.stats"
expect_rc 0
[ "$(json_get "$T/p.stats" 'd["read"], d["written"], sorted(d["dropped"].items())')" = \
  "6 2 [('aug_cut_by_length', 1), ('aug_empty', 1), ('aug_no_instruction', 1), ('aug_unchanged', 1)]" ] ||
  fail "paraphrase counts: $(cat "$T/p.stats")"
python3 - "$T/p.jsonl" <<'PY' || fail "paraphrase records: $(cat "$T/p.jsonl")"
import json, sys
a, b = [json.loads(l) for l in open(sys.argv[1])]
assert a == {"prompt": [{"role": "user", "content": "List the three primary colors."}], "id": "t/1/paraphrase",
             "source": "t", "meta": {"category": "open_qa", "augmented_from": "t/1", "augment": "paraphrase",
                                     "rouge_l": 0.6667}}, a
assert b["prompt"][0]["content"] == "Explain photosynthesis in simple terms." and b["meta"]["rouge_l"] == 0.5, b
PY
ts validate "$T/p.jsonl" >/dev/null 2>&1 || fail "paraphrase output does not validate"
# --max-rouge drops the rewrite too close to its original.
run ts gen augment "$G/aug_input.jsonl" -o "$T/p2.jsonl" --endpoint "$URL" --max-rouge 0.6 --stats "$T/p2.stats"
[ "$(json_get "$T/p2.stats" 'd["written"], d["dropped"]["aug_too_similar"]')" = "1 1" ] || fail "--max-rouge: $(cat "$T/p2.stats")"
# --respond answers the rewrites: SFT records.
run ts gen augment --respond "$G/aug_input.jsonl" -o "$T/r.jsonl" --endpoint "$URL"
expect_rc 0
ts validate "$T/r.jsonl" >/dev/null 2>&1 || fail "--respond output does not validate"
grep -q '"content":"Red, yellow and blue are the primary colors of paint."' "$T/r.jsonl" || fail "--respond: $(cat "$T/r.jsonl")"
# deepen picks one of four Evol-Instruct prompts per record from --seed;
# the test server echoes, so the echo names the prompt that was used.
run ts gen augment -m deepen "$G/aug_input.jsonl" -o "$T/d.jsonl" --endpoint "$URL" --seed 3 --stats "$T/d.stats"
expect_rc 0
python3 - "$T/d.jsonl" <<'PY' || fail "deepen: $(cat "$T/d.jsonl")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
for r in recs:
    v = r["meta"]["augment"]
    assert v in ("constraints", "deepen", "concretize", "reasoning"), v
    assert r["id"].endswith("/" + v)
PY
run ts gen augment -m deepen:reasoning "$G/aug_input.jsonl" -o "$T/d2.jsonl" --endpoint "$URL"
grep -q 'explicitly requires reasoning in several steps' "$T/d2.jsonl" || grep -q '"augment":"reasoning"' "$T/d2.jsonl" || fail "deepen:reasoning"
# A replaced prompt with an unknown placeholder fails before sending anything.
printf 'Rewrite {{instrution}}\n' > "$T/bad.txt"
run ts gen augment --prompt "$T/bad.txt" "$G/aug_input.jsonl" -o "$T/bad.jsonl" --endpoint "$URL"
expect_rc 2
expect_err_has "unknown placeholder {{instrution}}"
run ts gen augment -m rewrite "$G/aug_input.jsonl" -o "$T/x.jsonl" --endpoint "$URL"
expect_rc 2
llm_server_stop s

# translate: every turn, the shape kept; echoes (untranslated) are too similar.
llm_server_start s "$G/aug_rules_translate.jsonl"
run ts gen augment -m translate:ko --max-rouge 0.3 "$G/aug_input.jsonl" -o "$T/t.jsonl" --endpoint "$URL" --stats "$T/t.stats"
expect_rc 0
[ "$(json_get "$T/t.stats" 'd["written"], sorted(d["dropped"].items())')" = \
  "3 [('aug_no_instruction', 1), ('aug_too_similar', 2)]" ] || fail "translate: $(cat "$T/t.stats")"
ts validate "$T/t.jsonl" >/dev/null 2>&1 || fail "translate output does not validate"
python3 - "$T/t.jsonl" <<'PY' || fail "translate records: $(cat "$T/t.jsonl")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert [m["content"] for m in recs[1]["messages"]] == ["짧게 답하세요.", "프랑스의 수도는 어디인가요?", "파리입니다."]
assert recs[2]["prompt"][0]["content"] == "광합성을 쉽게 설명해 주세요."  # "Translation:" label removed
assert all(r["meta"]["translated_to"] == "Korean" and r["id"].endswith("/translate") for r in recs)
PY
llm_server_stop s

# Faults on every request, retried: the same output as without them.
{ echo '{"fault": "500", "times": 1}'; echo '{"fault": "truncated", "times": 1}'; cat "$G/aug_rules.jsonl"; } > "$T/faults.jsonl"
llm_server_start s "$T/faults.jsonl"
run ts gen augment "$G/aug_input.jsonl" -o "$T/f.jsonl" --endpoint "$URL" --stats "$T/f.stats"
expect_rc 0
cmp -s "$T/p.jsonl" "$T/f.jsonl" || fail "faults changed the output"
llm_server_stop s
# Requests that keep failing: each record is reported and counted as dropped.
echo '{"fault": "500", "times": 1000000}' > "$T/down.jsonl"
llm_server_start s "$T/down.jsonl"
run ts gen augment "$G/aug_input.jsonl" -o "$T/down.out" --endpoint "$URL" --max-attempts 2 --stats "$T/down.stats"
expect_rc 0
expect_err_has "record 1 failed"
[ "$(json_get "$T/down.stats" 'd["written"], d["dropped"]["llm_failed"], d["requests_failed"]')" = "0 5 5" ] || fail "down: $(cat "$T/down.stats")"
llm_server_stop s

# Killed with SIGKILL halfway, resumed from the cache: identical output, no
# completed request sent again.
python3 -c '
for i in range(40):
    print("{\"messages\":[{\"role\":\"user\",\"content\":\"Task number %d: describe item %d.\"},{\"role\":\"assistant\",\"content\":\"ok\"}],\"id\":\"k/%d\"}" % (i, i * 7, i))
' > "$T/many.jsonl"
echo '{"reply": "Rewritten: {{seed}} and more words here"}' > "$T/many_rules.jsonl"
llm_server_start s "$T/many_rules.jsonl" --latency-ms 200
run ts gen augment "$T/many.jsonl" -o "$T/full.jsonl" --endpoint "$URL" --concurrency 4
expect_rc 0
llm_server_stop s
llm_server_start s "$T/many_rules.jsonl" --latency-ms 200
"$TUNESET" gen augment "$T/many.jsonl" -o "$T/k.jsonl" --endpoint "$URL" --concurrency 4 --cache "$T/k.sqlite" 2>/dev/null &
llm_server_kill_after "$URL" 16 $!
[ ! -e "$T/k.jsonl" ] || fail "a killed run left its output"
llm_cache_requests "$T/k.sqlite" > "$T/done1"
run ts gen augment "$T/many.jsonl" -o "$T/k.jsonl" --endpoint "$URL" --concurrency 4 --cache "$T/k.sqlite" --stats "$T/k.stats"
expect_rc 0
[ "$(llm_server_resent "$URL" "$T/done1")" = 0 ] || fail "requests completed before the kill were sent again ($(llm_server_resent "$URL" "$T/done1"))"
cmp -s "$T/full.jsonl" "$T/k.jsonl" || fail "the resumed run differs"
[ "$(wc -l < "$T/k.jsonl")" -eq 40 ] || fail "resumed output has $(wc -l < "$T/k.jsonl") records"
llm_server_stats "$URL" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["by_body_hash"]) == 40 and sum(n > 1 for n in d["by_body_hash"].values()) <= 4, d
' || fail "completed requests were sent again: $(llm_server_stats "$URL")"
[ "$(json_get "$T/k.stats" 'd["llm"]["cache_hits"] >= 4')" = True ] || fail "resume: $(cat "$T/k.stats")"
exit 0
