# Each of the nine formats on its fixture: output that `validate` accepts,
# --stats whose counts add up and match the fixture's rows; the key options
# change the result; a seeded pick is reproducible.
. "$ROOT/tests/cli/lib.sh"

# imp NAME ARGS...: import ARGS into $T/NAME.jsonl (+ .stats); exit 0,
# validate passes, read = written + dropped_total + rejected, and the
# output has `written` lines.
imp() {
  name=$1; shift
  run ts import "$@" -o "$T/$name.jsonl" --stats "$T/$name.stats"; expect_rc 0
  run ts validate -q "$T/$name.jsonl"; expect_rc 0
  [ "$(json_get "$T/$name.stats" "d['read'] == d['written'] + d['dropped_total'] + d['rejected'] \
      and d['dropped_total'] == sum(d['dropped'].values())")" = True ] \
    || fail "$name: counts do not add up: $(cat "$T/$name.stats")"
  [ "$(wc -l < "$T/$name.jsonl")" = "$(json_get "$T/$name.stats" "d['written']")" ] \
    || fail "$name: line count differs from 'written'"
}
# counts NAME "(read, written, rejected, {drops})"
counts() {
  got=$(json_get "$T/$1.stats" "(d['read'], d['written'], d['rejected'], dict(sorted(d['dropped'].items())))")
  [ "$got" = "$2" ] || fail "$1: counts $got, expected $2"
}
# field NAME LINE EXPR: EXPR over record r (1-based line of $T/NAME.jsonl)
field() {
  python3 -c "import json,sys; r=json.loads(open(sys.argv[1]).readlines()[int(sys.argv[2])-1]); print($3)" \
    "$T/$1.jsonl" "$2"
}

# --- oasst1: the table and the tree export give the same records
imp oa_msgs oasst1 "$F/oasst1/messages.jsonl"
counts oa_msgs "(21, 9, 0, {'deleted': 1, 'duplicate_thread': 1, 'no_assistant_turn': 1, 'not_alternating': 1, 'orphan': 2, 'pruned_with_parent': 3, 'review_failed': 1, 'tree_not_ready': 2})"
[ "$(json_get "$T/oa_msgs.stats" "(d['input_rows'], d['unit'])")" = "(26, 'record')" ] || fail "oasst1 input_rows"
imp oa_trees oasst1 "$F/oasst1/trees.jsonl"
cmp -s "$T/oa_msgs.jsonl" "$T/oa_trees.jsonl" || fail "oasst1: table and tree export differ"
grep -q '"id":"oasst1/t1-pending"' "$T/oa_msgs.jsonl" || fail "oasst1: review_result null was taken as a failed review"
grep -q '"t1-bad"\|"t1-del"\|"t3"\|"orphan-a"' "$T/oa_msgs.jsonl" && fail "oasst1: a dropped message was written"
# a thread ending in a prompter message loses it, and is written once
[ "$(grep -c '"id":"oasst1/t1-a0"' "$T/oa_msgs.jsonl")" = 1 ] || fail "oasst1: trimmed thread not written once"
# --kind pref: ranked siblings, best first; equal ranks give no pair
imp oa_pref oasst1 --kind pref "$F/oasst1/messages.jsonl"
counts oa_pref "(16, 6, 0, {'deleted': 1, 'orphan': 2, 'pruned_with_parent': 3, 'rank_tie': 1, 'review_failed': 1, 'tree_not_ready': 2})"
[ "$(field oa_pref 1 "(r['id'], r['meta']['rank_chosen'], r['meta']['rank_rejected'], len(r['prompt']))")" = \
  "('oasst1/t1-a0/t1-a2', 0, 2, 1)" ] || fail "oasst1 pref: first pair $(head -c 300 "$T/oa_pref.jsonl")"
imp oa_adj oasst1 --kind pref --pairs adjacent "$F/oasst1/messages.jsonl"
imp oa_bw oasst1 --kind pref --pairs best-worst "$F/oasst1/messages.jsonl"
[ "$(json_get "$T/oa_adj.stats" "d['written']"),$(json_get "$T/oa_bw.stats" "d['written']")" = "4,3" ] \
  || fail "oasst1 --pairs adjacent / best-worst: expected 4 and 3 pairs"
# --top-k 1: only rank-0 replies, unranked siblings of ranked ones skipped
imp oa_top1 oasst1 --top-k 1 "$F/oasst1/messages.jsonl"
counts oa_top1 "(21, 2, 0, {'deleted': 1, 'duplicate_thread': 1, 'no_assistant_turn': 1, 'not_alternating': 1, 'orphan': 2, 'pruned_with_parent': 3, 'review_failed': 1, 'top_k': 5, 'top_k_unranked': 2, 'tree_not_ready': 2})"
python3 - "$T/oa_top1.jsonl" <<'PY' || fail "oasst1 --top-k 1 kept a reply of rank >= 1"
import json, sys
for l in open(sys.argv[1]):
    assert all(k == 0 for k in json.loads(l)["meta"]["ranks"]), l
PY
imp oa_ko oasst1 --lang ko "$F/oasst1/messages.jsonl"
[ "$(json_get "$T/oa_ko.stats" "(d['written'], d['dropped']['lang_filtered'])")" = "(2, 17)" ] || fail "oasst1 --lang ko"

# --- alpaca, dolly: instruction + blank line + input/context
imp alpaca alpaca "$F/alpaca/sample.json"
counts alpaca "(5, 4, 0, {'empty_output': 1})"
[ "$(field alpaca 2 "r['messages'][0]['content'] == 'Translate the sentence into French.\n\nThe caf\u00e9 opens at nine.' and r['id']")" = alpaca/1 ] \
  || fail "alpaca: user turn or id of row 1"
imp dolly dolly "$F/dolly/sample.jsonl"
counts dolly "(5, 4, 0, {'empty_response': 1})"
[ "$(field dolly 2 "(r['id'], r['meta']['category'], r['messages'][0]['content'])")" = \
  "('dolly/1', 'classification', 'Which of these are fruits: apple, carrot, pear?')" ] || fail "dolly: row 1"

# --- sharegpt: as is, then --clean
imp sg sharegpt "$F/sharegpt/sample.json"
counts sg "(8, 5, 0, {'duplicate_id': 1, 'first_turn_not_user': 1, 'not_alternating': 1})"
grep -q '<div' "$T/sg.jsonl" || fail "sharegpt without --clean changed the HTML"
imp sgc sharegpt --clean "$F/sharegpt/sample.json"
counts sgc "(8, 3, 0, {'blocked_phrase': 1, 'duplicate_id': 1, 'duplicate_pair': 1, 'not_alternating': 1, 'too_short': 1})"
grep -q '<div\|Copy code' "$T/sgc.jsonl" && fail "sharegpt --clean left HTML or 'Copy code'"
[ "$(field sgc 1 "'\`\`\`python\nwith open(path) as f:' in r['messages'][1]['content']")" = True ] \
  || fail "sharegpt --clean: no fenced python block: $(head -c 600 "$T/sgc.jsonl")"
[ "$(field sgc 2 "[m['content'] for m in r['messages']]")" = \
  "['What is the capital of Canada?', 'The capital of Canada is **Ottawa**.']" ] || fail "sharegpt --clean: row 1"
printf 'Ottawa\n' > "$T/blocked.txt"
imp sgb sharegpt --clean --blocked-words "$T/blocked.txt" "$F/sharegpt/sample.json"
grep -q Ottawa "$T/sgb.jsonl" && fail "--blocked-words: a blocked phrase was written"
grep -q '"sharegpt/Tb8Lw4e_0"' "$T/sgb.jsonl" || fail "--blocked-words did not replace the default list"

# --- ultrachat: both editions
imp uc ultrachat "$F/ultrachat/sample.jsonl"
counts uc "(4, 3, 0, {'no_assistant_turn': 1})"
[ "$(field uc 2 "(r['id'], len(r['messages']))")" = "('ultrachat/1', 2)" ] || fail "ultrachat: unanswered last turn kept"
imp uc200 ultrachat "$F/ultrachat/ultrachat_200k.jsonl"
counts uc200 "(2, 2, 0, {})"
[ "$(field uc200 1 "r['id'][:20]")" = "ultrachat/5f0c3a9e2b" ] || fail "ultrachat_200k: id from prompt_id"

# --- s1k: reasoning_content; --trace on the 1.1 edition
imp s1k s1k "$F/s1k/sample.jsonl"
counts s1k "(3, 3, 0, {})"
[ "$(field s1k 1 "r['messages'][1]['reasoning_content'].count('\n\n') == 1 and r['meta']['solution'][:7]")" = 'The sum' ] \
  || fail "s1k: trajectory list not joined, or solution missing"
[ "$(field s1k 3 "'reasoning_content' in r['messages'][1]")" = False ] || fail "s1k: empty trajectory kept"
imp s11 s1k "$F/s1k/s1k_1.1.jsonl"
counts s11 "(2, 1, 0, {'empty_attempt': 1})"
[ "$(field s11 1 "r['meta']['trace']")" = deepseek ] || fail "s1k 1.1: default trace is not deepseek"
imp s11g s1k --trace gemini "$F/s1k/s1k_1.1.jsonl"
counts s11g "(2, 2, 0, {})"
[ "$(field s11g 1 "(r['messages'][1]['content'], r['meta']['trace'], r['meta']['grade'])")" = \
  "('\$x = 3\$', 'gemini', 'Yes')" ] || fail "s1k --trace gemini: $(head -c 400 "$T/s11g.jsonl")"
imp s11d s1k --trace deepseek "$F/s1k/s1k_1.1.jsonl"
cmp -s "$T/s11.jsonl" "$T/s11d.jsonl" || fail "s1k --trace deepseek differs from the 1.1 default"

# --- hh-rlhf: the last row has no 'rejected' (a reject)
imp hh hh-rlhf --on-error skip --rejects "$T/hh.rej" "$F/hh-rlhf/helpful-base/test.jsonl.gz"
counts hh "(9, 5, 1, {'empty_response': 1, 'identical': 1, 'not_alternating': 1})"
[ "$(field hh 1 "(r['id'], r['meta']['subset'])")" = "('hh-rlhf/helpful-base/test/0', 'helpful-base')" ] || fail "hh-rlhf: id/subset"
[ "$(field hh 3 "(len(r['prompt']), len(r['chosen']), len(r['rejected']))")" = "(1, 3, 3)" ] \
  || fail "hh-rlhf: transcripts that part early should give multi-turn sides"
[ "$(field hh 5 "(r['prompt'][0]['content'], r['chosen'][0]['content'])")" = "('\nwhat is 2+2?', ' It is 4.')" ] \
  || fail "hh-rlhf: turn text not kept exactly"

# --- shp: defaults, then no filter and no cap
imp shp shp "$F/shp/askscience/test.json"
counts shp "(9, 6, 0, {'max_pairs_per_post': 1, 'score_ratio': 2})"
[ "$(field shp 2 "(r['id'], r['score_chosen'], r['score_rejected'], float(r['meta']['score_ratio']))")" = \
  "('shp/p1sky/p1c2-p1c4', 30, 10, 3.0)" ] || fail "shp: labels 0 should choose B"
grep -q 'p1c4-p1c6' "$T/shp.jsonl" && fail "shp: the cap kept the later of two equal ratios"
imp shp_all shp --min-score-ratio 0 --max-pairs-per-post 0 "$F/shp/askscience/test.json"
counts shp_all "(9, 9, 0, {})"
imp shp_cap shp --min-score-ratio 0 --max-pairs-per-post 1 "$F/shp/askscience/test.json"
[ "$(wc -l < "$T/shp_cap.jsonl")" = 2 ] || fail "shp --max-pairs-per-post 1: expected one pair per post"
grep -q '"shp/p1sky/p1c1-p1c5"' "$T/shp_cap.jsonl" || fail "shp: the cap did not keep the highest ratio"

# --- ultrafeedback: raw rows binarized; --rejected worst; --kind sft
imp uf ultrafeedback "$F/ultrafeedback/ultrafeedback_raw.jsonl"
counts uf "(4, 2, 0, {'fewer_than_two_scored': 1, 'no_lower_score': 1})"
[ "$(field uf 2 "(r['meta']['chosen_model'], r['meta']['rejected_model'], float(r['score_chosen']), float(r['score_rejected']))")" = \
  "('vicuna-33b', 'falcon-40b-instruct', 4.5, 3.0)" ] || fail "ultrafeedback: ties or N/A handled wrongly"
imp ufw ultrafeedback --rejected worst "$F/ultrafeedback/ultrafeedback_raw.jsonl"
[ "$(field ufw 1 "(r['meta']['chosen_model'], r['meta']['rejected_model'], float(r['score_rejected']))")" = \
  "('gpt-4', 'pythia-12b', 1.25)" ] || fail "ultrafeedback --rejected worst"
imp ufs ultrafeedback --kind sft "$F/ultrafeedback/ultrafeedback_raw.jsonl"
python3 - "$T/uf.jsonl" "$T/ufs.jsonl" <<'PY' || fail "ultrafeedback --kind sft is not the chosen sides"
import json, sys
p = [json.loads(l) for l in open(sys.argv[1])]
s = [json.loads(l) for l in open(sys.argv[2])]
assert len(p) == len(s) == 2
for a, b in zip(p, s):
    assert "prompt" not in b and b["messages"] == a["prompt"] + a["chosen"], b
    assert b["meta"]["model"] == a["meta"]["chosen_model"] and b["id"] == a["id"]
PY
imp ufd ultrafeedback --drop-source truthful_qa "$F/ultrafeedback/ultrafeedback_raw.jsonl"
counts ufd "(4, 2, 0, {'fewer_than_two_scored': 1, 'source_dropped': 1})"
imp ufb ultrafeedback "$F/ultrafeedback/binarized/test_prefs.jsonl"
counts ufb "(3, 2, 0, {'identical': 1})"
[ "$(field ufb 1 "(r['id'], r['prompt'], float(r['score_chosen']))")" = \
  "('ultrafeedback/4c2b1a0e9f5d', [{'role': 'user', 'content': 'Name the largest planet.'}], 9.0)" ] \
  || fail "ultrafeedback binarized: $(head -c 400 "$T/ufb.jsonl")"

# --- determinism: same --seed, same bytes; the seed does take part
run ts import ultrafeedback --seed 7 -q "$F/ultrafeedback/ultrafeedback_raw.jsonl" -o "$T/s7a.jsonl"; expect_rc 0
run ts import ultrafeedback --seed 7 -q "$F/ultrafeedback/ultrafeedback_raw.jsonl" -o "$T/s7b.jsonl"; expect_rc 0
cmp -s "$T/s7a.jsonl" "$T/s7b.jsonl" || fail "ultrafeedback: same seed, different output"
picks=$(for s in 0 1 2 3 4 5; do
  ts import ultrafeedback --seed $s -q "$F/ultrafeedback/ultrafeedback_raw.jsonl" | head -n 1 |
    python3 -c "import json,sys; print(json.loads(sys.stdin.read())['meta']['rejected_model'])"
done | sort -u | wc -l)
[ "$picks" -ge 2 ] || fail "ultrafeedback: --seed never changes the random rejected pick"
exit 0
