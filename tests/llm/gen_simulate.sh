# gen simulate against the test server: openers from seeds (question,
# topic, prompt), the end marker, post-filters, the three sectors, a second
# endpoint for the assistant, faults, and a killed run resumed.
. "$ROOT/tests/cli/lib.sh"
LLM_SERVER_DIR=$T
. "$ROOT/tests/lib/llm_server.sh"
llm_server_trap 'rm -rf "$T"'
G="$F/gen"

llm_server_start s "$G/sim_rules.jsonl"
run ts gen simulate --seeds "$G/sim_seeds.jsonl" --rounds 3-3 -o "$T/s.jsonl" --endpoint "$URL" --stats "$T/s.stats"
expect_rc 0
[ "$(json_get "$T/s.stats" 'd["read"], d["written"], sorted(d["dropped"].items())')" = \
  "6 3 [('sim_duplicate_turn', 1), ('sim_empty_turn', 1), ('sim_no_opener', 1)]" ] || fail "counts: $(cat "$T/s.stats")"
ts validate "$T/s.jsonl" >/dev/null 2>&1 || fail "output does not validate"
python3 - "$T/s.jsonl" <<'PY' || fail "records: $(cat "$T/s.jsonl")"
import json, sys
a, b, c = [json.loads(l) for l in open(sys.argv[1])]
# The simulated user ended the tides chat; its "User:" label was removed.
assert [m["content"] for m in a["messages"]] == ["How do tides work?", "Tides are caused by the moon's gravity.",
                                                 "What about the sun?", "The sun matters too, but less than the moon."]
assert a["meta"] == {"rounds": 2, "target_rounds": 3, "ended_by": "user", "seed_id": "q/0"}, a["meta"]
# A topic became an opener by a model call; quotes around a user line go.
assert b["messages"][0]["content"] == "Why do volcanoes erupt?" and b["meta"]["topic"] == "volcanoes"
assert b["meta"]["ended_by"] == "rounds" and len(b["messages"]) == 6
assert b["messages"][2]["content"].startswith("How often do they erupt, case ")
assert c["messages"][0]["content"] == "Tell me a fun fact about owls." and c["id"] == "simulate/2"
PY
# Rounds are seeded per conversation, within the range.
run ts gen simulate --seeds "$G/sim_seeds.jsonl" --rounds 1-4 --seed 5 -o "$T/r.jsonl" --endpoint "$URL"
expect_rc 0
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    m = json.loads(l)["meta"]
    assert 1 <= m["target_rounds"] <= 4 and m["rounds"] <= m["target_rounds"], m
' "$T/r.jsonl" || fail "rounds: $(cat "$T/r.jsonl")"
run ts gen simulate --seeds "$G/sim_seeds.jsonl" --rounds 1-4 --seed 5 -o "$T/r2.jsonl" --endpoint "$URL"
cmp -s "$T/r.jsonl" "$T/r2.jsonl" || fail "same seed, different output"
# A replaced user-simulator prompt with its own end marker.
printf 'Reply as the user to:\n{{conversation}}\nOr write {{end_marker}}.\n' > "$T/user.txt"
echo '{"match": "Reply as the user to:", "reply": "Bye. <<DONE>>"}' > "$T/marker_rules.jsonl"
cat "$G/sim_rules.jsonl" >> "$T/marker_rules.jsonl"
llm_server_stop s
llm_server_start s "$T/marker_rules.jsonl"
run ts gen simulate --seeds "$G/sim_seeds.jsonl" --rounds 3-3 --user-prompt "$T/user.txt" --end-marker '<<DONE>>' \
  -o "$T/m.jsonl" --endpoint "$URL"
expect_rc 0
python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert recs and all(r["meta"]["ended_by"] == "user" and r["meta"]["rounds"] == 1 for r in recs), recs
' "$T/m.jsonl" || fail "end marker: $(cat "$T/m.jsonl")"
run ts gen simulate --seeds "$G/sim_seeds.jsonl" --rounds 9-3 -o "$T/x.jsonl" --endpoint "$URL"
expect_rc 2
llm_server_stop s

# The sectors, each from its built-in prompts.
llm_server_start s "$G/sim_rules_sectors.jsonl"
run ts gen simulate --sector world --subtopics 2 --questions 2 --num 4 --rounds 1 -o "$T/w.jsonl" --endpoint "$URL" --stats "$T/w.stats"
expect_rc 0
python3 - "$T/w.jsonl" <<'PY' || fail "world: $(cat "$T/w.jsonl")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
got = [(r["meta"]["topic"], r["meta"]["subtopic"], r["messages"][0]["content"]) for r in recs]
assert got == [("technology", "Batteries", "How do batteries store energy?"),
               ("technology", "Batteries", "Why do batteries wear out?"),
               ("technology", "Robots", "Can robots learn?"),
               ("technology", "Robots", "What do robots see?")], got
assert all(r["meta"]["sector"] == "world" for r in recs)
PY
# Only the first topic was asked about: --num needs no more.
[ "$(json_get "$T/w.stats" 'd["llm"]["requests"]')" = 7 ] || fail "world requests: $(cat "$T/w.stats")"
run ts gen simulate --sector writing --questions 2 --num 2 --rounds 1 -o "$T/wr.jsonl" --endpoint "$URL"
expect_rc 0
grep -q '"content":"Write an email asking my landlord to fix the heating."' "$T/wr.jsonl" || fail "writing: $(cat "$T/wr.jsonl")"
grep -q '"task":"email"' "$T/wr.jsonl" || fail "writing meta"
run ts gen simulate --sector assistance --materials "$G/materials.txt" --rounds 1 -o "$T/as.jsonl" --endpoint "$URL"
expect_rc 0
python3 - "$T/as.jsonl" <<'PY' || fail "assistance: $(cat "$T/as.jsonl")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert [r["meta"]["task"] for r in recs] == ["rewrite", "continue", "summarize", "infer"] * 2, recs
assert recs[0]["messages"][0]["content"] == ("Rewrite this paragraph for a children's magazine.\n\n"
    "The old lighthouse keeper climbed the stairs every evening, counting each step aloud.\nHe had done it for forty years.")
assert recs[4]["messages"][0]["content"].endswith("\n\nWhen the storm came, the light went out for the first time.")
PY
run ts gen simulate --sector assistance -o "$T/x.jsonl" --endpoint "$URL"
expect_rc 2
# The assistant on another server.
# Two servers at once, each stopped by name (and by the exit trap when a
# check fails in between).
URL_A=$URL
echo '{"reply": "From B: {{last}}"}' > "$T/b_rules.jsonl"
llm_server_start b "$T/b_rules.jsonl"
URL_B=$URL
run ts gen simulate --sector writing --questions 2 --num 2 --rounds 1 -o "$T/ab.jsonl" --endpoint "$URL_A" \
  --assistant-endpoint "$URL_B" --stats "$T/ab.stats"
expect_rc 0
grep -q '"role":"assistant","content":"From B: Write an email inviting my team to a picnic."' "$T/ab.jsonl" || fail "second endpoint: $(cat "$T/ab.jsonl")"
[ "$(json_get "$T/ab.stats" 'd["assistant_llm"]["requests"], d["llm"]["requests"]')" = "2 1" ] || fail "ab stats: $(cat "$T/ab.stats")"
llm_server_stop b
llm_server_stop s

# Faults on every distinct request (500, then a dropped connection): retried,
# the same output.
{ echo '{"fault": "500", "times": 1}'; echo '{"fault": "drop", "times": 1}'; cat "$G/sim_rules.jsonl"; } > "$T/faults.jsonl"
llm_server_start s "$T/faults.jsonl"
run ts gen simulate --seeds "$G/sim_seeds.jsonl" --rounds 3-3 -o "$T/f.jsonl" --endpoint "$URL" --stats "$T/f.stats"
expect_rc 0
cmp -s "$T/s.jsonl" "$T/f.jsonl" || fail "faults changed the output"
llm_server_stop s
echo '{"fault": "429", "times": 1000000, "retry_after": 0}' > "$T/down.jsonl"
llm_server_start s "$T/down.jsonl"
run ts gen simulate --seeds "$G/sim_seeds.jsonl" --rounds 3-3 -o "$T/down.out" --endpoint "$URL" --max-attempts 2 --stats "$T/down.stats"
expect_rc 0
expect_err_has "conversation 1 failed"
[ "$(json_get "$T/down.stats" 'd["written"], d["dropped"]["llm_failed"]')" = "0 5" ] || fail "down: $(cat "$T/down.stats")"
llm_server_stop s

# SIGKILL halfway, resume from the cache: identical output, nothing that
# completed sent again.
python3 -c '
for i in range(24):
    print("{\"question\": \"Question number %d about item %d?\"}" % (i, i * 13))
' > "$T/many.jsonl"
echo '{"match": "You play the user", "reply": "Go on ({{seed}})."}' > "$T/many_rules.jsonl"
llm_server_start s "$T/many_rules.jsonl" --latency-ms 100
run ts gen simulate --seeds "$T/many.jsonl" --rounds 3-3 -o "$T/full.jsonl" --endpoint "$URL" --concurrency 6
expect_rc 0
llm_server_stop s
llm_server_start s "$T/many_rules.jsonl" --latency-ms 100
"$TUNESET" gen simulate --seeds "$T/many.jsonl" --rounds 3-3 -o "$T/k.jsonl" --endpoint "$URL" --concurrency 6 --cache "$T/k.sqlite" 2>/dev/null &
llm_server_kill_after "$URL" 30 $!
[ ! -e "$T/k.jsonl" ] || fail "a killed run left its output"
llm_cache_requests "$T/k.sqlite" > "$T/done1"
run ts gen simulate --seeds "$T/many.jsonl" --rounds 3-3 -o "$T/k.jsonl" --endpoint "$URL" --concurrency 6 --cache "$T/k.sqlite" --stats "$T/k.stats"
expect_rc 0
[ "$(llm_server_resent "$URL" "$T/done1")" = 0 ] || fail "requests completed before the kill were sent again ($(llm_server_resent "$URL" "$T/done1"))"
cmp -s "$T/full.jsonl" "$T/k.jsonl" || fail "the resumed run differs"
[ "$(wc -l < "$T/k.jsonl")" -eq 24 ] || fail "resumed: $(wc -l < "$T/k.jsonl") records"
llm_server_stats "$URL" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["by_body_hash"]) == 24 * 5 and sum(n > 1 for n in d["by_body_hash"].values()) <= 6, d
' || fail "completed requests were sent again"
[ "$(json_get "$T/k.stats" 'd["llm"]["cache_hits"] >= 6')" = True ] || fail "resume: $(cat "$T/k.stats")"
exit 0
