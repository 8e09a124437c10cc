# tuneset tokenize: num_tokens / input_ids on the hand-written tokenizer
# (tests/fixtures/tok/tiny.json), a folder holding tokenizer.json, rejects
# and usage errors. Parity with real tokenizers: tests/tok/run.sh.
. "$ROOT/tests/cli/lib.sh"
IN="$F/tok/texts.jsonl"
TJ="$F/tok/tiny.json"

run ts tokenize -q --tokenizer "$TJ" --ids --on-error skip "$IN" -o "$T/o.jsonl" --stats "$T/s.json"; expect_rc 0
python3 - "$T/o.jsonl" <<'PY' || fail "ids: $(cat "$T/o.jsonl")"
import json, sys
out = [json.loads(l) for l in open(sys.argv[1])]
assert [r["id"] for r in out] == ["t1", "t2", "t3"], out
assert [r["input_ids"] for r in out] == [[14], [13, 22, 13], [4, 2, 3, 4, 20, 21]], out
assert all(r["num_tokens"] == len(r["input_ids"]) for r in out)
assert out[0]["source"] == "fx" and out[2]["meta"] == {"k": 1}   # other fields kept
PY
[ "$(json_get "$T/s.json" "d['read'], d['written'], d['rejected'], d['tokenize']")" = "4 3 1 {'texts': 3, 'tokens': 10}" ] || fail "stats $(cat "$T/s.json")"
ts validate -q "$T/o.jsonl" || fail "tokenize output does not validate"

# without --ids: counts only; a folder holding tokenizer.json works too
mkdir "$T/model" && cp "$TJ" "$T/model/tokenizer.json"
run ts tokenize -q --tokenizer "$T/model" --on-error skip "$IN"; expect_rc 0
grep -q input_ids "$T/out" && fail "input_ids without --ids"
[ "$(grep -c '"num_tokens":' "$T/out")" = 3 ] || fail "num_tokens: $(cat "$T/out")"

# fail mode: the record without text stops the run with its position
run ts tokenize --tokenizer "$TJ" "$IN" -o "$T/f.jsonl"; expect_rc 1
expect_err_has 'texts.jsonl:4'
expect_err_has 'record has no "text" string'

# conversations: rendered with the chat template first. The fixture folder
# has no tokenizer_config.json, so without --template they are rejected
# with the reason; with a built-in they are counted (pairs: both sides).
printf '%s\n' '{"id":"c1","messages":[{"role":"user","content":"lower"},{"role":"assistant","content":"low"}]}' \
  '{"id":"p1","prompt":[{"role":"user","content":"low"}],"chosen":[{"role":"assistant","content":"lower"}],"rejected":[{"role":"assistant","content":"lowest"}]}' > "$T/conv.jsonl"
run ts tokenize --tokenizer "$TJ" "$T/conv.jsonl" -o "$T/c.jsonl"; expect_rc 1
expect_err_has "no chat template: no $F/tok/tokenizer_config.json (pass --template PATH|NAME)"
run ts tokenize -q --tokenizer "$TJ" --template chatml --ids "$T/conv.jsonl"; expect_rc 0
python3 - "$T/out" <<'PY' || fail "conversations: $(cat "$T/out")"
import json, sys
c, p = [json.loads(l) for l in open(sys.argv[1])]
assert c["num_tokens"] == len(c["input_ids"]) > 5, c
assert p["num_tokens_chosen"] == len(p["input_ids_chosen"]) and p["num_tokens_rejected"] == len(p["input_ids_rejected"]), p
assert p["input_ids_rejected"] != p["input_ids_chosen"], p
PY
ts tokenize -q --tokenizer "$TJ" --template chatml "$T/conv.jsonl" | ts validate -q || fail "conversation output does not validate"
run ts tokenize -q --tokenizer "$TJ" --template no-such-template "$T/conv.jsonl"; expect_rc 2

# usage and I/O errors
run ts tokenize "$IN"; expect_rc 2
expect_err_has "--tokenizer PATH is required"
run ts tokenize --tokenizer "$T/none" "$IN"; expect_rc 3
expect_err_has "cannot open"
printf '{"model":{"type":"WordPiece","vocab":{}}}' > "$T/wp.json"
run ts tokenize --tokenizer "$T/wp.json" "$IN"; expect_rc 1
expect_err_has "WordPiece"
# stats --tokenizer: token counts beside the character counts
printf '%s\n' '{"messages":[{"role":"user","content":"lower"},{"role":"assistant","content":"low low"}]}' \
  '{"text":"lowest"}' > "$T/st.jsonl"
run ts stats -q --tokenizer "$TJ" "$T/st.jsonl" --json "$T/st.json"; expect_rc 0
[ "$(json_get "$T/st.json" "d['tokens_per_record'], d['tokens_per_turn']['count'], d['tokens_per_turn']['max']")" = \
  "{'count': 2, 'min': 2, 'mean': 2.5, 'p50': 2, 'p90': 3, 'p99': 3, 'max': 3} 2 2" ] || fail "stats tokens $(cat "$T/st.json")"
expect_out_has "tokens per record"
run ts stats -q "$T/st.jsonl" --json "$T/st2.json"; expect_rc 0
grep -q tokens_per "$T/st2.json" && fail "token counts without --tokenizer"

run ts tokenize --help; expect_rc 0
expect_out_has "example: tuneset tokenize"
exit 0
