# tuneset export tokenized on the tiny byte-level fixture tokenizer (ids
# 0-255 are bytes, 256-261 a few merges, 262/263 <|im_start|>/<|im_end|>),
# so the labels can be decoded here: each labelled run is an assistant turn
# + "<|im_end|>". Also --max-tokens for the other targets.
. "$ROOT/tests/cli/lib.sh"
X="$F/export"
Y="$X/tiny"
labels_check() { python3 - "$@" <<'PY' || fail "labels: $(head -c 300 "$1")"
import json, sys
rows, recs, on = sys.argv[1], sys.argv[2], sys.argv[3]
merges = {256: b"he", 257: b"ll", 258: b"hell", 259: b" t", 260: b" th", 261: b"ok",
          262: b"<|im_start|>", 263: b"<|im_end|>"}
dec = lambda ids: b"".join(bytes([i]) if i < 256 else merges[i] for i in ids).decode()
for row, rec in zip(map(json.loads, open(rows)), map(json.loads, open(recs))):
    ids, labels = row["input_ids"], row["labels"]
    assert len(ids) == len(labels) == len(row["attention_mask"]) and set(row["attention_mask"]) == {1}
    assert all(l == -100 or l == i for l, i in zip(labels, ids))
    runs, cur = [], None
    for l in labels:
        if l == -100:
            cur = None
        else:
            if cur is None:
                cur = []; runs.append(cur)
            cur.append(l)
    want = [m["content"] + "<|im_end|>" for m in rec["messages"] if m["role"] == "assistant"]
    if on == "last":
        want = want[-1:]
    got = [dec(r) for r in runs]
    assert got == want, (rec["id"], got, want)
    text = "".join("<|im_start|>%s\n%s<|im_end|>\n" % (m["role"], m["content"]) for m in rec["messages"])
    assert dec(ids) == text, rec["id"]
PY
}

run ts export tokenized --tokenizer "$Y" "$X/sft.jsonl" -o "$T/all.jsonl" --stats "$T/all.json"; expect_rc 0
labels_check "$T/all.jsonl" "$X/sft.jsonl" all
[ "$(json_get "$T/all.json" "d['read'], d['written'], d['rows'], d['target'], d['trained_tokens'] > 0")" = "5 5 5 tokenized True" ] || fail "stats $(cat "$T/all.json")"
run ts export tokenized --tokenizer "$Y/tokenizer.json" --template "$Y" --train-on last "$X/sft.jsonl" -o "$T/last.jsonl"; expect_rc 0
labels_check "$T/last.jsonl" "$X/sft.jsonl" last

# Pairs: TRL's prompt / completion split.
run ts export tokenized --tokenizer "$Y" -q "$X/pref.jsonl"; expect_rc 0
python3 - "$T/out" <<'PY' || fail "pairs $(head -c 300 "$T/out")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 3 and all(set(r) == {"prompt_input_ids", "chosen_input_ids", "rejected_input_ids"} for r in rows)
assert rows[0]["chosen_input_ids"] == [ord("4"), 263, 10] and rows[0]["rejected_input_ids"] == [ord("5"), 263, 10]
assert rows[0]["prompt_input_ids"][-11:] == [262] + [ord(c) for c in "assistant\n"]
PY

# Packing: rows of exactly N, counts in records, pairs cannot be packed.
run ts export tokenized --tokenizer "$Y" --pack 160 "$X/sft.jsonl" "$X/chat.jsonl" -o "$T/pack.jsonl" --stats "$T/pack.json"; expect_rc 0
[ "$(json_get "$T/pack.json" "d['read'], d['written'], d['rows'] < 10, d['dropped']")" = "10 9 True {'longer_than_pack': 1}" ] || fail "pack stats $(cat "$T/pack.json")"
python3 - "$T/pack.jsonl" <<'PY' || fail "pack rows"
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    assert all(len(r[k]) == 160 for k in ("input_ids", "attention_mask", "labels", "position_ids"))
    starts = [j for j, p in enumerate(r["position_ids"]) if p == 0 and r["attention_mask"][j]]
    assert starts and starts[0] == 0 and all(r["labels"][j] == -100 for j in starts)
    assert all(r["input_ids"][j] == 263 and r["labels"][j] == -100 for j, m in enumerate(r["attention_mask"]) if not m)
PY
run ts export tokenized --tokenizer "$Y" --pack 64 "$X/pref.jsonl" --stats "$T/pp.json" -q; expect_rc 0
[ "$(json_get "$T/pp.json" "d['dropped']")" = "{'pack_needs_sft': 3}" ] || fail "pack pairs $(cat "$T/pp.json")"

# Token budgets: drop / truncate (turns, then a hard cutoff) / split.
run ts export tokenized --tokenizer "$Y" --max-tokens 70 --length drop "$X/chat.jsonl" --stats "$T/d.json" -q; expect_rc 0
[ "$(json_get "$T/d.json" "d['written'], d['dropped']")" = "1 {'length_over_max': 4}" ] || fail "drop $(cat "$T/d.json")"
run ts export tokenized --tokenizer "$Y" --max-tokens 60 --length truncate "$X/chat.jsonl" -o "$T/t.jsonl" --stats "$T/t.json"; expect_rc 0
python3 -c "
import json, sys
assert all(len(json.loads(l)['input_ids']) <= 60 for l in open(sys.argv[1]))" "$T/t.jsonl" || fail "truncate over budget"
run ts export tokenized --tokenizer "$Y" --max-tokens 60 --length split "$X/chat.jsonl" --stats "$T/s.json" -q; expect_rc 0
[ "$(json_get "$T/s.json" "d['read'] == d['written'] + d['dropped_total'] + d['rejected'], d['rows'] > d['written']")" = "True True" ] || fail "split $(cat "$T/s.json")"

# The same budget by tokens for a text target.
run ts export sharegpt --tokenizer "$Y" --max-tokens 12 --length split "$X/long.jsonl" --stats "$T/sg.json" -q; expect_rc 0
[ "$(json_get "$T/sg.json" "d['rows'], d['steps']['length_split']")" = "6 1" ] || fail "sharegpt by tokens $(cat "$T/sg.json")"

# With --template the budget is the rendered length: the same records as
# `export tokenized --length drop` keep (only c/reason renders to <= 70).
run ts export sharegpt --tokenizer "$Y" --template "$Y" --max-tokens 70 --length drop "$X/chat.jsonl" --stats "$T/sd.json" -q; expect_rc 0
[ "$(json_get "$T/sd.json" "d['written'], d['dropped']")" = "1 {'length_over_max': 4}" ] || fail "rendered budget $(cat "$T/sd.json")"
expect_out_has '"id":"c/reason"'
run ts export sharegpt --template "$Y" --max-chars 10 "$X/chat.jsonl"; expect_rc 2

# A template that raises rejects the record with its message.
mkdir -p "$T/raise"
cp "$Y/tokenizer.json" "$T/raise/"
printf '{"chat_template":"{%% for m in messages %%}{%% if m.role == \\"system\\" %%}{{ raise_exception(\\"System role not supported\\") }}{%% endif %%}{{ m.content }}<|im_end|>{%% endfor %%}"}' > "$T/raise/tokenizer_config.json"
run ts export tokenized --tokenizer "$T/raise" --on-error skip "$X/sft.jsonl" --stats "$T/r.json" -q; expect_rc 0
[ "$(json_get "$T/r.json" "d['written'], d['rejected']")" = "3 2" ] || fail "raise $(cat "$T/r.json")"
run ts export tokenized --tokenizer "$T/raise" "$X/sft.jsonl"; expect_rc 1; expect_err_has "System role not supported"

# Usage.
rm "$T/raise/tokenizer_config.json"
run ts export tokenized --tokenizer "$T/raise" "$X/sft.jsonl"; expect_rc 2; expect_err_has "give --template"
run ts export tokenized "$X/sft.jsonl"; expect_rc 2; expect_err_has "needs --tokenizer"
run ts export tokenized --tokenizer "$Y" --train-on first "$X/sft.jsonl"; expect_rc 2
run ts export tokenized --tokenizer "$T/nope" "$X/sft.jsonl"; expect_rc 3
run ts export trl --max-tokens 10 "$X/sft.jsonl"; expect_rc 2; expect_err_has "--max-tokens N with --tokenizer PATH"
run ts export trl --max-chars 10 --max-tokens 10 --tokenizer "$Y" "$X/sft.jsonl"; expect_rc 2
run ts export -q tokenized --tokenizer "$Y" "$X/sft.jsonl"; expect_rc 2; expect_err_has "options after the word"
run ts export tokenized --help; expect_rc 0; expect_out_has "example: tuneset export tokenized"
exit 0
