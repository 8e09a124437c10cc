#!/bin/sh
# The LLM client and `tuneset gen respond` against the in-tree test server
# (build/llm_test_server): the happy path, every fault type, a fault that
# never clears, budgets, two endpoints, a run killed with SIGKILL and
# resumed from the cache, and the cache shared across endpoints.
# usage: tests/llm/run.sh [BUILD]; the last line is "N passed, N failed".
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/llm_suite.sh
F="$ROOT/tests/fixtures/llm"

now() { python3 -c "import time; print(time.time())"; }
# gen ARGS...: runs gen respond, keeping stderr in $T/err and the exit code in $RC.
gen() { "$TS" gen respond "$@" 2>"$T/err"; RC=$?; }

# --- usage ----------------------------------------------------------------
"$TS" gen --help | grep -q "respond" && "$TS" gen respond --help | grep -q -- "--endpoint URL" \
  && ok "gen --help lists respond; respond --help lists the LLM options" || bad help "no respond in help"
env -u OPENAI_BASE_URL "$TS" gen respond "$F/prompts.jsonl" -o "$T/x.jsonl" 2>"$T/err"
[ $? -eq 2 ] && grep -q "no endpoint" "$T/err" && ok "no endpoint: exit 2" || bad noendpoint "$(cat "$T/err")"

"$TS" gen respond "$F/prompts.jsonl" -o "$T/x.jsonl" --endpoint localhost:8080 2>"$T/err"
[ $? -eq 2 ] && grep -q "not an http" "$T/err" && ok "an endpoint that is not a URL: exit 2" || bad badurl "$(cat "$T/err")"

# --- happy path -------------------------------------------------------------
llm_server_start main "$F/rules.jsonl"
MAIN=$PORT
gen "$F/prompts.jsonl" -o "$T/happy.jsonl" --endpoint "http://127.0.0.1:$MAIN" --cache "$T/happy.sqlite" \
  --stats "$T/happy.stats" -q --api-key sk-test
if [ $RC -eq 0 ] && cmp -s "$T/happy.jsonl" "$F/respond.expected.jsonl" &&
   "$TS" validate "$T/happy.jsonl" -q && [ "$(jget "$T/happy.stats" "d['llm']['requests'], d['read'], d['written'], d['dropped']['already_answered'], d['dropped']['empty_reply'], d['llm']['models']['test-model']['replies']")" = "6 7 5 1 1 6" ]; then
  ok "happy path: expected output, valid records, counts add up"
else bad happy "rc $RC; $(cat "$T/err"); $(diff "$T/happy.jsonl" "$F/respond.expected.jsonl" | head -5)"; fi

# OPENAI_BASE_URL as the endpoint; the rerun is answered from the cache.
OPENAI_BASE_URL="http://127.0.0.1:$MAIN/v1" gen "$F/prompts.jsonl" -o "$T/happy2.jsonl" --cache "$T/happy.sqlite" \
  --stats "$T/happy2.stats" -q
[ $RC -eq 0 ] && cmp -s "$T/happy2.jsonl" "$F/respond.expected.jsonl" &&
  [ "$(llm_server_stats $MAIN | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['with_auth'], d['last_key'])")" = "6 sk-test" ] &&
  [ "$(jget "$T/happy2.stats" "d['llm']['requests'], d['llm']['cache_hits']")" = "0 6" ] \
  && ok "rerun over the cache sends nothing (OPENAI_BASE_URL); --api-key sent as a bearer token" || bad rerun "rc $RC $(cat "$T/happy2.stats")"

# --n and --reasoning
gen "$F/prompts.jsonl" -o "$T/n3.jsonl" --endpoint "http://127.0.0.1:$MAIN" --n 3 --reasoning -q
if [ $RC -eq 0 ] && [ "$(wc -l < "$T/n3.jsonl")" -eq 15 ] &&
   [ "$(grep '"p/2#' "$T/n3.jsonl" | python3 -c "import json,sys; print(','.join(json.loads(l)['messages'][-1]['content'] for l in sys.stdin))")" = "2,3,5" ] &&
   grep '"p/6#0"' "$T/n3.jsonl" | grep -qF '{"role":"assistant","content":"4","reasoning_content":"2 plus 2 is 4."}'; then
  ok "--n 3: three samples by seed, ids <id>#k; --reasoning splits <think>"
else bad n3 "rc $RC $(head -c 600 "$T/n3.jsonl")"; fi

# Identical requests in flight at once are sent once (no cache needed).
python3 -c "
import json
for i in range(20): print(json.dumps({'id': 'd/%d' % i, 'prompt': 'the same question'}))" > "$T/dup.jsonl"
llm_server_start dup "$F/rules.jsonl" --latency-ms 200
gen "$T/dup.jsonl" -o "$T/dup.out" --endpoint "http://127.0.0.1:$PORT" --stats "$T/dup.stats" -q
[ $RC -eq 0 ] && [ "$(llm_server_requests $PORT)" -eq 1 ] && [ "$(wc -l < "$T/dup.out")" -eq 20 ] &&
  [ "$(jget "$T/dup.stats" "d['llm']['cache_hits']")" = 19 ] \
  && ok "20 identical prompts in flight together: one request" || bad dup "rc $RC requests $(llm_server_requests $PORT)"

# --rpm 600 = 10 requests a second (a bucket of one second's worth): 30 take about 2 s.
python3 -c "
import json
for i in range(30): print(json.dumps({'id': 'r/%d' % i, 'prompt': 'rate limited %d' % i}))" > "$T/rpm.jsonl"
t0=$(now)
gen "$T/rpm.jsonl" -o "$T/rpm.out" --endpoint "http://127.0.0.1:$MAIN" --rpm 600 -q
t1=$(now)
el=$(python3 -c "print('%.2f' % ($t1 - $t0))")
[ $RC -eq 0 ] && python3 -c "import sys; sys.exit(0 if 1.8 <= $el <= 6 else 1)" \
  && ok "--rpm 600: 30 requests in $el s" || bad rpm "rc $RC, $el s"

# --tpm 2400 = 40 tokens a second, a bucket of one second's worth. The test
# server counts a token per 4 bytes: each of these requests uses 10 (4
# prompt, 6 completion), so 12 of them (120 tokens) need the first 40 and
# (120 - 10 - 40) / 40 = 1.75 s of refill before the last one may start,
# however fast the machine. The bound comes from the run's own --stats
# (tokens as the server counted them); the upper limit only says the
# limiter does not stall (a loaded machine only makes the run slower).
python3 -c "
import json
for i in range(12): print(json.dumps({'id': 't/%d' % i, 'prompt': 'tpm limited %02d' % i}))" > "$T/tpm.jsonl"
gen "$T/tpm.jsonl" -o "$T/tpm0.out" --endpoint "http://127.0.0.1:$MAIN" --max-new-tokens 8 --stats "$T/tpm0.stats" -q
t0=$(now)
gen "$T/tpm.jsonl" -o "$T/tpm.out" --endpoint "http://127.0.0.1:$MAIN" --max-new-tokens 8 --tpm 2400 \
  --stats "$T/tpm.stats" -q
t1=$(now)
tpm=$(python3 - "$T/tpm.stats" "$t0" "$t1" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
el = float(sys.argv[3]) - float(sys.argv[2])
n, used = d["written"], d["llm"]["prompt_tokens"] + d["llm"]["completion_tokens"]
rate = 2400 / 60  # tokens a second, and the bucket's size
least = (used - used / n - rate) / rate
print("%d %d %.2f %.2f %s" % (n, used, least, el, least >= 1.5 and least <= el <= least + 5))
EOF2
)
[ $RC -eq 0 ] && [ "${tpm##* }" = True ] && [ "$(jget "$T/tpm0.stats" "d['llm']['prompt_tokens'] + d['llm']['completion_tokens']")" = 120 ] \
  && ok "--tpm 2400: 12 requests of 10 tokens take at least 1.75 s (written, tokens, bound, seconds: ${tpm% *})" \
  || bad tpm "rc $RC written, tokens, bound, seconds, ok: $tpm"

# --- faults: each clears after `times`, everything completes ---------------
for fault in 429 500 malformed truncated drop slow; do
  extra=
  [ $fault = slow ] && extra="--timeout 0.5"
  printf '{"match": "", "fault": "%s", "times": 2, "retry_after": 1, "delay_ms": 3000}\n' $fault > "$T/f_$fault.rules"
  cat "$F/rules.jsonl" >> "$T/f_$fault.rules"
  llm_server_start "f_$fault" "$T/f_$fault.rules"
  t0=$(now)
  gen "$F/prompts.jsonl" -o "$T/f_$fault.jsonl" --endpoint "http://127.0.0.1:$PORT" --stats "$T/f_$fault.stats" \
    -q $extra
  t1=$(now)
  r=$(jget "$T/f_$fault.stats" "d['llm']['requests'], d['llm']['retries'], d['llm']['failed']")
  slow_ok=1
  # Retry-After: 1 is honoured: two retries wait at least a second each.
  [ $fault = 429 ] && python3 -c "import sys; sys.exit(0 if $t1 - $t0 >= 2 else 1)" || [ $fault != 429 ] || slow_ok=0
  if [ $RC -eq 0 ] && cmp -s "$T/f_$fault.jsonl" "$F/respond.expected.jsonl" && [ "$r" = "18 12 0" ] && [ $slow_ok = 1 ]; then
    ok "fault $fault x2 per request: retried, all completed ($r)"
  else bad "fault_$fault" "rc $RC, requests/retries/failed $r, $(head -c 300 "$T/err")"; fi
done

# A fault that never clears: that prompt is dropped as llm_failed with its
# error on stderr (as every generator does), the run goes on, exit 0, and
# the counts add up: read = written + dropped + rejected.
{ echo '{"match": "prime", "fault": "500"}'; cat "$F/rules.jsonl"; } > "$T/never.rules"
llm_server_start never "$T/never.rules"
gen "$F/prompts.jsonl" -o "$T/never.jsonl" --endpoint "http://127.0.0.1:$PORT" --max-attempts 3 \
  --rejects "$T/never.rej" --stats "$T/never.stats"
c=$(jget "$T/never.stats" "d['read'], d['written'], d['dropped_total'], d['dropped']['llm_failed'], d['rejected'], d['read'] == d['written'] + d['dropped_total'] + d['rejected'], d['gen']['prompts_failed'], d['llm']['requests']")
if [ $RC -eq 0 ] && [ "$c" = "7 4 3 1 0 True 1 8" ] && [ ! -s "$T/never.rej" ] &&
   grep -q 'record 2 failed: .*HTTP 500.*after 3 attempts' "$T/err" &&
   [ "$(grep -v '"p/2"' "$F/respond.expected.jsonl" | cmp - "$T/never.jsonl" && echo same)" = same ]; then
  ok "fault that never clears: prompt dropped (llm_failed; record 2, HTTP 500 after 3 attempts on stderr), others written, exit 0"
else bad never "rc $RC counts $c; $(head -c 300 "$T/err"); rejects $(head -c 300 "$T/never.rej" 2>/dev/null)"; fi
# --on-error fail is about bad input records: a failed request is not one.
gen "$F/prompts.jsonl" -o "$T/never2.jsonl" --endpoint "http://127.0.0.1:$PORT" --max-attempts 2 --on-error fail \
  --stats "$T/never2.stats" -q
c=$(jget "$T/never2.stats" "d['written'], d['dropped']['llm_failed'], d['rejected']")
[ $RC -eq 0 ] && [ "$c" = "4 1 0" ] && cmp -s "$T/never.jsonl" "$T/never2.jsonl" \
  && ok "fault that never clears with --on-error fail: the same drop, the run goes on, exit 0" || bad never_fail "rc $RC counts $c"
llm_server_stop never

# --- budget: stops cleanly, a rerun with more budget finishes identically ---
python3 -c "
import json
for i in range(40): print(json.dumps({'id': 'b/%d' % i, 'prompt': 'budget prompt %d' % i}))" > "$T/b.jsonl"
gen "$T/b.jsonl" -o "$T/b_ref.jsonl" --endpoint "http://127.0.0.1:$MAIN" -q
gen "$T/b.jsonl" -o "$T/b1.jsonl" --endpoint "http://127.0.0.1:$MAIN" --cache "$T/b.sqlite" --max-requests 10 \
  --concurrency 4 --stats "$T/b1.stats"
c=$(jget "$T/b1.stats" "d['written'], d['llm']['requests'], d['dropped'].get('llm_budget', 0), d['read']")
gen "$T/b.jsonl" -o "$T/b2.jsonl" --endpoint "http://127.0.0.1:$MAIN" --cache "$T/b.sqlite" --stats "$T/b2.stats" -q
c2=$(jget "$T/b2.stats" "d['llm']['requests'], d['llm']['cache_hits']")
if grep -q "budget reached" "$T/err" || true; then :; fi
if [ "$c" = "10 10 1 11" ] && [ "$c2" = "30 10" ] && cmp -s "$T/b2.jsonl" "$T/b_ref.jsonl" &&
   head -n 10 "$T/b_ref.jsonl" | cmp -s - "$T/b1.jsonl"; then
  ok "--max-requests 10: stops after 10 written; rerun sends the other 30 and matches"
else bad budget "first $c, rerun $c2"; fi
gen "$T/b.jsonl" -o "$T/bt.jsonl" --endpoint "http://127.0.0.1:$MAIN" --max-tokens 20 --concurrency 1 \
  --stats "$T/bt.stats" -q
c=$(jget "$T/bt.stats" "d['written'] < 40 and d['written'] >= 1 and d['llm']['budget_refused'] >= 1")
[ $RC -eq 0 ] && [ "$c" = True ] && ok "--max-tokens stops cleanly" || bad max_tokens "rc $RC $(cat "$T/bt.stats")"

# --- two endpoints, balanced by load; the cache is shared across them -------
python3 -c "
import json
for i in range(400): print(json.dumps({'id': 'e/%d' % i, 'prompt': 'balance %d' % i}))" > "$T/e.jsonl"
llm_server_start a "$F/rules.jsonl" --latency-ms 20
PA=$PORT
llm_server_start b "$F/rules.jsonl" --latency-ms 20
PB=$PORT
gen "$T/e.jsonl" -o "$T/e.jsonl.out" --endpoint "http://127.0.0.1:$PA" --endpoint "http://127.0.0.1:$PB/v1" \
  --concurrency 16 --cache "$T/e.sqlite" -q
na=$(llm_server_requests $PA)
nb=$(llm_server_requests $PB)
if [ $RC -eq 0 ] && [ $((na + nb)) -eq 400 ] && [ $na -ge 140 ] && [ $nb -ge 140 ]; then
  ok "two endpoints share the load ($na / $nb)"
else bad balance "rc $RC a=$na b=$nb"; fi
llm_server_start c "$F/rules.jsonl"
PC=$PORT
gen "$T/e.jsonl" -o "$T/e2.jsonl" --endpoint "http://127.0.0.1:$PC" --cache "$T/e.sqlite" -q
[ $RC -eq 0 ] && [ "$(llm_server_requests $PC)" -eq 0 ] && cmp -s "$T/e.jsonl.out" "$T/e2.jsonl" \
  && ok "cache hit across endpoints: a third server gets no request" || bad cache_across "rc $RC $(llm_server_requests $PC)"

# --- 256 in flight: nothing stalls ------------------------------------------
# Regression: the server on libmicrohttpd's epoll mode left groups of
# keep-alive connections unread (about one run in two of 5,000 requests),
# each waiting for the client's timeout. Three runs without latency and one
# through suspend/resume (5 ms); one attempt each, so any stall fails.
python3 -c "
import json
for i in range(5000): print(json.dumps({'id': 'c/%d' % i, 'prompt': 'concurrency %d' % i}))" > "$T/c.jsonl"
llm_server_start conc "$F/rules.jsonl"
PCC=$PORT
llm_server_start concl "$F/rules.jsonl" --latency-ms 5
PCL=$PORT
conc_bad=
for round in 1 2 3 4; do
  p=$PCC
  [ $round = 4 ] && p=$PCL
  gen "$T/c.jsonl" -o "$T/c.out" --endpoint "http://127.0.0.1:$p" --concurrency 256 --timeout 5 --max-attempts 1 \
    --stats "$T/c.stats" -q
  r=$(jget "$T/c.stats" "d['written'], d['llm']['requests'], d['llm']['retries'], d['llm']['failed']")
  [ $RC -eq 0 ] && [ "$r" = "5000 5000 0 0" ] || conc_bad="$conc_bad round $round: rc $RC written/requests/retries/failed $r;"
done
[ -z "$conc_bad" ] && [ "$(llm_server_requests $PCC)" -eq 15000 ] && [ "$(llm_server_requests $PCL)" -eq 5000 ] \
  && ok "5,000 requests at concurrency 256, x4 (one with 5 ms latency): all answered, no retry, no timeout" \
  || bad concurrency "$conc_bad server counts $(llm_server_requests $PCC) $(llm_server_requests $PCL)"

# --- SIGKILL halfway, then resume: same bytes, nothing completed re-sent -----
python3 -c "
import json
for i in range(600): print(json.dumps({'id': 'k/%d' % i, 'prompt': 'kill test %d' % i}))" > "$T/k.jsonl"
gen "$T/k.jsonl" -o "$T/k_ref.jsonl" --endpoint "http://127.0.0.1:$MAIN" -q
llm_server_start k "$F/rules.jsonl" --latency-ms 40
PK=$PORT
"$TS" gen respond "$T/k.jsonl" -o "$T/k.jsonl.out" --endpoint "http://127.0.0.1:$PK" --cache "$T/k.sqlite" \
  --concurrency 8 -q 2>/dev/null &
GP=$!
sleep 1.2
kill -9 $GP
wait $GP 2>/dev/null
llm_cache_requests "$T/k.sqlite" > "$T/k.done1"
done1=$(wc -l < "$T/k.done1")
gen "$T/k.jsonl" -o "$T/k.jsonl.out" --endpoint "http://127.0.0.1:$PK" --cache "$T/k.sqlite" --concurrency 8 \
  --stats "$T/k.stats" -q
# Every request cached by the killed run was sent exactly once in all.
resent=$(llm_server_resent $PK "$T/k.done1")
hits=$(jget "$T/k.stats" "d['llm']['cache_hits']")
if [ $RC -eq 0 ] && cmp -s "$T/k.jsonl.out" "$T/k_ref.jsonl" && [ "$done1" -gt 50 ] && [ "$done1" -lt 600 ] &&
   [ "$hits" -ge "$done1" ] && [ "$resent" = 0 ]; then
  ok "SIGKILL after $done1 of 600, resumed: identical output, $hits cache hits, nothing completed re-sent"
else bad kill "rc $RC done1=$done1 hits=$hits resent=$resent $(cmp "$T/k.jsonl.out" "$T/k_ref.jsonl")"; fi

suite_end
