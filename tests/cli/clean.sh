# tuneset clean: each drop rule on the fixture, normalization steps, counts.
. "$ROOT/tests/cli/lib.sh"
IN="$F/curate/clean.jsonl"
ids() { python3 -c "import sys,json; print(' '.join(json.loads(l)['id'] for l in open(sys.argv[1])))" "$1"; }
dropped() { json_get "$T/s.json" "' '.join('%s=%d' % kv for kv in sorted(d['dropped'].items()))"; }

# Defaults: only the structure checks (fx/1 has a blank reply, fx/2 two
# user turns in a row); nothing is edited.
run ts clean "$IN" -o "$T/o.jsonl" --stats "$T/s.json"; expect_rc 0
[ "$(dropped)" = "consecutive_same_role=1 empty_turn=1" ] || fail "defaults dropped $(dropped)"
[ "$(json_get "$T/s.json" "d['read'], d['written'], 'steps' in d")" = "11 9 False" ] || fail "stats $(cat "$T/s.json")"
python3 -c "import json,sys; a=[json.loads(l) for l in open(sys.argv[1])]; b=[json.loads(l) for l in open(sys.argv[2])]; assert b == [r for r in a if r['id'] not in ('fx/1','fx/2')]" \
    "$IN" "$T/o.jsonl" || fail "kept records changed without normalization"
run ts clean -q --no-structure "$IN"; expect_rc 0
[ "$(wc -l < "$T/out")" = 11 ] || fail "--no-structure wrote $(wc -l < "$T/out")"

# Every filter at once: one record for each rule; fx/0 trimmed, fx/9's HTML
# converted.
run ts clean "$IN" -o "$T/all.jsonl" --stats "$T/s.json" --trim --html-to-markdown --min-turn-chars 3 \
    --max-dup-line-ratio 0.5 --max-char-run 10 --drop-disclaimers --max-bad-char-ratio 0.05 --require-final-assistant
expect_rc 0
[ "$(ids "$T/all.jsonl")" = "fx/0 fx/3 fx/9" ] || fail "kept $(ids "$T/all.jsonl")"
[ "$(dropped)" = "bad_chars=1 char_run=1 consecutive_same_role=1 disclaimer=1 dup_lines=1 empty_turn=1 no_final_assistant=1 turn_too_short=1" ] \
    || fail "dropped $(dropped)"
[ "$(json_get "$T/s.json" "d['steps']['trim'], d['steps']['html_to_markdown'], d['read'], d['written']")" = "1 1 11 3" ] \
    || fail "steps $(cat "$T/s.json")"
expect_err_has "no_final_assistant"
python3 - "$T/all.jsonl" <<'PY' || fail "normalized text"
import json, sys
rows = {r["id"]: r for r in map(json.loads, open(sys.argv[1]))}
assert rows["fx/0"]["messages"][1]["content"] == "The capital of France is Paris.", rows["fx/0"]
assert rows["fx/9"]["messages"][1]["content"] == "**hello**", rows["fx/9"]
PY
ts validate -q "$T/all.jsonl" || fail "output does not validate"

# Record and turn lengths (code points over all turns).
run ts clean -q "$IN" --max-chars 60 --stats "$T/s.json"; expect_rc 0
[ "$(json_get "$T/s.json" "d['dropped']['too_long']")" = 4 ] || fail "too_long $(dropped)"
run ts clean -q "$IN" --min-chars 40 --stats "$T/s.json"; expect_rc 0
[ "$(json_get "$T/s.json" "d['dropped']['too_short']")" = 2 ] || fail "too_short $(dropped)"
run ts clean -q "$IN" --max-turn-chars 40 --stats "$T/s.json"; expect_rc 0
[ "$(json_get "$T/s.json" "d['dropped']['turn_too_long']")" = 3 ] || fail "turn_too_long $(dropped)"

# Word 3-gram repetition: "Buy now!" four times.
run ts clean -q "$IN" --max-dup-ngram-ratio 0.3 -o "$T/n.jsonl" --stats "$T/s.json"; expect_rc 0
[ "$(json_get "$T/s.json" "d['dropped']['dup_ngrams']")" = 1 ] || fail "dup_ngrams $(dropped)"
grep -q '"fx/5"' "$T/n.jsonl" && fail "fx/5 kept"

# --disclaimers replaces the default list (and turns the filter on).
run ts clean -q "$IN" --disclaimers "$F/curate/clean_phrases.txt" -o "$T/d.jsonl"; expect_rc 0
[ "$(ids "$T/d.jsonl")" = "fx/3 fx/4 fx/5 fx/6 fx/7 fx/8 fx/9 fx/10" ] || fail "disclaimers file kept $(ids "$T/d.jsonl")"

# Bad option values.
run ts clean -q "$IN" --max-dup-line-ratio 1.5; expect_rc 2
run ts clean -q "$IN" --min-chars 10 --max-chars 5; expect_rc 2
run ts clean -q "$IN" --disclaimers "$T/missing.txt"; expect_rc 3

# Token limits with a tokenizer.json (tests/fixtures/clean/tokenizer.json:
# "hello" is 1 token, "hello world" 7, "ab c" 5).
printf '%s\n' '{"id":"t/1","messages":[{"role":"user","content":"hello"},{"role":"assistant","content":"hello world"}]}' \
  '{"id":"t/2","messages":[{"role":"user","content":"ab c"},{"role":"assistant","content":"hello"}]}' > "$T/tok.jsonl"
TOK="$F/clean/tokenizer.json"
run ts clean "$T/tok.jsonl" --tokenizer "$TOK" --max-tokens 7 -o "$T/t.jsonl" --stats "$T/s.json"; expect_rc 0
[ "$(ids "$T/t.jsonl")" = "t/2" ] && [ "$(dropped)" = "too_many_tokens=1" ] || fail "max-tokens kept $(ids "$T/t.jsonl"), dropped $(dropped)"
run ts clean "$T/tok.jsonl" --tokenizer "$TOK" --min-turn-tokens 2 --max-turn-tokens 6 -o "$T/t.jsonl" --stats "$T/s.json"; expect_rc 0
[ "$(wc -l < "$T/t.jsonl" | tr -d ' ')" = 0 ] && [ "$(dropped)" = "turn_too_few_tokens=2" ] || fail "turn tokens dropped $(dropped)"
run ts clean "$T/tok.jsonl" --max-tokens 7; expect_rc 2
expect_err_has "token limits need --tokenizer"
run ts clean "$T/tok.jsonl" --tokenizer "$T/none.json" --max-tokens 7; expect_rc 3
