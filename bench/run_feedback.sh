#!/bin/sh
# The multi-stage generators against the one-stage one: `tuneset gen
# feedback` (3 completions, then 4 judge requests per prompt) and `tuneset
# gen kwk` (a question, then 5 answers, then 10 judgements per snippet)
# chain requests through callbacks, so each prompt waits on its slowest
# request before its next stage starts. The peer, measured in the same run
# against the same server, is `tuneset gen respond` sending the same number
# of independent requests at the same concurrency: its rate is the ceiling,
# and the ratio says how much of it the state machines keep.
# Server latency 50 ms, concurrency 256, the generators' default windows.
# Knobs: BENCH_FB_PROMPTS (default 2000), BENCH_KWK_SNIPPETS (default 1000),
# TUNESET, BENCH_DIR (default bench/data). Exit 1 when a run failed.
set -u
cd "$(dirname "$0")/.." || exit 2
NP=${BENCH_FB_PROMPTS:-2000}
NS=${BENCH_KWK_SNIPPETS:-1000}
SUB=feedback
# shellcheck source=bench/llm_common.sh
. bench/llm_common.sh
llm_server_trap
# Every snippet gets its own question (one rule each, after the judges'
# rules so answer and judge requests find theirs first), so no two snippets
# share answer requests in the cache.
python3 - "$DIR" "$NP" "$NS" <<'EOF'
import json, sys
d, np, ns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(d + "/prompts.jsonl", "w") as f:
    for i in range(np):
        f.write(json.dumps({"id": "b%d" % i, "prompt": [{"role": "user", "content": "benchmark prompt %d: explain" % i}]}) + "\n")
with open(d + "/corpus.jsonl", "w") as f:
    for i in range(ns):
        f.write(json.dumps({"id": "d%d" % i, "text": "Document %d tells of the town of Emm-%d, founded in year %d." % (i, i, 1000 + i)}) + "\n")
rating = "".join("#### Output for Text %d\nRating: %d\nRationale: r\n\n" % (k, 5 - k) for k in (1, 2, 3))
rules = [{"match": "Rate each text", "reply": rating},
         {"match": "Reply on the last line with: Correct", "reply": "Correct: yes"},
         {"match": "Reply on the last line with: Informativeness", "reply": "Informativeness: 4"}]
rules += [{"match": "## Passage\nDocument %d " % i, "reply": "Question: When was Emm-%d founded?" % i} for i in range(ns)]
rules.append({"match": "", "reply": "a short reply to {{last}} ({{seed}})"})
with open(d + "/rules.jsonl", "w") as f:
    for r in rules:
        f.write(json.dumps(r) + "\n")
EOF
llm_server_start bench "$DIR/rules.jsonl" --latency-ms 50
now() { date +%s.%N; }
FAILED=0

# timed NAME CMD...: runs CMD, sets $SECS; the run's requests come from its --stats.
timed() {
  name=$1
  shift
  t0=$(now)
  $PIN_C nice "$@" -q --stats "$DIR/$name.stats" --concurrency 256 || { echo "bench: $name failed"; FAILED=1; }
  t1=$(now)
  SECS=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$t1")
}
reqs() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['llm']['requests'])" "$DIR/$1.stats"; }
# peer N NAME: gen respond over N fresh one-request prompts.
peer() {
  python3 -c "
import json, sys
for i in range(int(sys.argv[1])): print(json.dumps({'id': 'r%d' % i, 'prompt': 'independent request %s %d' % (sys.argv[2], i)}))" \
    "$1" "$2" > "$DIR/peer_$2.jsonl"
  timed "peer_$2" "$TUNESET" gen respond "$DIR/peer_$2.jsonl" -o "$DIR/peer_$2.out.jsonl" --endpoint "$URL"
}
report() { # NAME GEN-STATS GEN-SECS PEER-STATS PEER-SECS
  python3 - "$@" <<'EOF'
import json, sys
name, gs, gt, ps, pt = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], float(sys.argv[5])
g, p = json.load(open(gs)), json.load(open(ps))
gr, pr = g["llm"]["requests"] / gt, p["llm"]["requests"] / pt
print("%-9s %6d requests in %6.2f s = %6.0f req/s | gen respond %6d in %6.2f s = %6.0f req/s | ratio %.2f"
      % (name, g["llm"]["requests"], gt, gr, p["llm"]["requests"], pt, pr, gr / pr))
EOF
}

timed fb "$TUNESET" gen feedback "$DIR/prompts.jsonl" -o "$DIR/rows.jsonl" --pairs "$DIR/pairs.jsonl" \
  --endpoint "$URL" --completer m1 --completer 'm2|honesty' --completer 'm3|truthfulness'
FBS=$SECS
peer "$(reqs fb)" fb
report feedback "$DIR/fb.stats" "$FBS" "$DIR/peer_fb.stats" "$SECS"

timed kwk "$TUNESET" gen kwk "$DIR/corpus.jsonl" -o "$DIR/kwk.jsonl" --pairs "$DIR/kwk_pairs.jsonl" \
  --endpoint "$URL" --num-snippets "$NS" --min-chunk-chars 10 --window 256
KS=$SECS
peer "$(reqs kwk)" kwk
report kwk "$DIR/kwk.stats" "$KS" "$DIR/peer_kwk.stats" "$SECS"
exit $FAILED
