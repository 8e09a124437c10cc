# tuneset export: every target, the sidecars a trainer reads, length
# control, the counts contract and usage errors. Rows are loaded here the
# way each consumer loads them (the rules are written out in Python).
. "$ROOT/tests/cli/lib.sh"
X="$F/export"

# trl: the canonical records themselves; Parquet by the name.
run ts export trl "$X/sft.jsonl" "$X/pref.jsonl" -o "$T/trl.jsonl" --stats "$T/trl.json"; expect_rc 0
[ "$(json_get "$T/trl.json" "d['read'], d['written'], d['dropped'], d['rows']")" = "8 5 {'kind_mismatch': 3} 5" ] || fail "trl stats $(cat "$T/trl.json")"
ts cat -q "$X/sft.jsonl" | cmp -s - "$T/trl.jsonl" || fail "trl rows are not the canonical records"
ts validate -q "$T/trl.jsonl" || fail "trl rows do not validate"
run ts export trl -q "$X/sft.jsonl" -o "$T/trl.parquet"; expect_rc 0
ts cat -q "$T/trl.parquet" | cmp -s - "$T/trl.jsonl" || fail "trl Parquet differs from the JSONL rows"

# openai: chat rows and preference rows, by OpenAI's documented rules.
openai_check() { python3 - "$1" <<'PY' || fail "openai rules: $(head -c 400 "$1")"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "input" in r:
        assert set(r) == {"input", "preferred_output", "non_preferred_output"}, r
        msgs = r["input"]["messages"]
        assert msgs[-1]["role"] == "user"
        for side in ("preferred_output", "non_preferred_output"):
            assert len(r[side]) == 1 and r[side][0]["role"] == "assistant" and set(r[side][0]) == {"role", "content"}
    else:
        assert set(r) == {"messages"}, r
        msgs = r["messages"]
        assert msgs[-1]["role"] == "assistant"
    for m in msgs:
        assert set(m) == {"role", "content"} and m["role"] in ("system", "user", "assistant"), m
        assert isinstance(m["content"], str) and m["content"]
PY
}
run ts export openai "$X/sft.jsonl" -o "$T/oa.jsonl" --stats "$T/oa.json"; expect_rc 0
openai_check "$T/oa.jsonl"
[ "$(json_get "$T/oa.json" "d['written'], d['dropped']")" = "4 {'openai_tool_turn': 1}" ] || fail "openai stats $(cat "$T/oa.json")"
run ts export openai "$X/pref.jsonl" -o "$T/oap.jsonl" --stats "$T/oap.json"; expect_rc 0
openai_check "$T/oap.jsonl"
[ "$(wc -l < "$T/oap.jsonl")" = 2 ] || fail "openai pairs $(cat "$T/oap.jsonl")"
expect_err_has "dropped openai_multi_message_output"
run ts export openai "$X/sft.jsonl" -o "$T/oa.parquet"; expect_rc 2; expect_err_has "openai reads JSON Lines only"

# llamafactory: rows + dataset_info.json, loaded as LLaMA-Factory's
# converter does (columns and tags from the entry; human/observation at odd
# positions, gpt at even; SFT ends with gpt; ranking rows carry chosen and
# rejected). An existing dataset_info.json keeps its other entries.
lf_check() { python3 - "$1" "$2" <<'PY' || fail "llamafactory load of $2: $(head -c 600 "$1")"
import json, os, sys
info = json.load(open(sys.argv[1]))
e = info[sys.argv[2]]
path = os.path.join(os.path.dirname(sys.argv[1]), e["file_name"])
rows = [json.loads(l) for l in open(path)]
assert rows
cols = e.get("columns", {})
if e.get("formatting", "alpaca") == "sharegpt":
    t = e.get("tags", {})
    role, content = t.get("role_tag", "from"), t.get("content_tag", "value")
    odd = {t.get("user_tag", "human"), t.get("observation_tag", "observation")}
    even = {t.get("assistant_tag", "gpt"), t.get("function_tag", "function_call")}
    for r in rows:
        msgs = r[cols.get("messages", "conversations")]
        if msgs and msgs[0][role] == t.get("system_tag", "system"):
            msgs = msgs[1:]
        for i, m in enumerate(msgs):
            assert m[role] in (odd if i % 2 == 0 else even), (i, m)
            assert isinstance(m[content], str)
        if e.get("ranking"):
            assert len(msgs) % 2 == 1
            for k in ("chosen", "rejected"):
                assert r[cols[k]][role] in even and isinstance(r[cols[k]][content], str)
        else:
            assert len(msgs) % 2 == 0 and len(msgs) > 0
        if "system" in cols and cols["system"] in r:
            assert isinstance(r[cols["system"]], str)
else:
    for r in rows:
        assert isinstance(r[cols.get("prompt", "instruction")], str)
        assert isinstance(r.get(cols.get("query", "input"), ""), str)
        if e.get("ranking"):
            assert isinstance(r[cols["chosen"]], str) and isinstance(r[cols["rejected"]], str)
        else:
            assert isinstance(r[cols.get("response", "output")], str)
        for pair in r.get(cols.get("history", "history"), []):
            assert len(pair) == 2 and all(isinstance(x, str) for x in pair)
print(len(rows))
PY
}
mkdir -p "$T/lf"
printf '{"alpaca_en_demo": {"file_name": "alpaca_en_demo.json"}}\n' > "$T/lf/dataset_info.json"
run ts export llamafactory "$X/sft.jsonl" -o "$T/lf/chats.jsonl"; expect_rc 0
expect_err_has 'dataset_info entry "chats" -> '
[ "$(lf_check "$T/lf/dataset_info.json" chats)" = 5 ] || fail "llamafactory sharegpt rows"
[ "$(json_get "$T/lf/dataset_info.json" "sorted(d), d['chats']['file_name'], d['chats']['columns']['system']")" = "['alpaca_en_demo', 'chats'] chats.jsonl system" ] || fail "dataset_info $(cat "$T/lf/dataset_info.json")"
run ts export llamafactory --format alpaca "$X/sft.jsonl" -o "$T/lf/chats_alpaca.json" --stats "$T/lfa.json"; expect_rc 0
[ "$(lf_check "$T/lf/dataset_info.json" chats_alpaca)" = 4 ] || fail "llamafactory alpaca rows"
[ "$(json_get "$T/lfa.json" "d['dropped']")" = "{'alpaca_tool_turn': 1}" ] || fail "alpaca stats $(cat "$T/lfa.json")"
grep -q '"history":\[\["Hi!","Hello. How can I help?"\]' "$T/lf/chats_alpaca.json" || fail "history $(cat "$T/lf/chats_alpaca.json")"
mkdir -p "$T/elsewhere"
run ts export llamafactory "$X/pref.jsonl" -o "$T/elsewhere/pairs.jsonl" --dataset-info "$T/lf/dataset_info.json" --dataset-name my_pairs; expect_rc 0
[ "$(lf_check "$T/lf/dataset_info.json" my_pairs)" = 2 ] || fail "llamafactory ranking rows"
[ "$(json_get "$T/lf/dataset_info.json" "d['my_pairs']['ranking'], d['my_pairs']['file_name'].startswith('/'), len(d)")" = "True True 4" ] || fail "ranking entry $(cat "$T/lf/dataset_info.json")"
printf '[1,' > "$T/lf/bad_info.json"
run ts export llamafactory "$X/sft.jsonl" -o "$T/lf/x.jsonl" --dataset-info "$T/lf/bad_info.json"; expect_rc 1
expect_err_has "not a dataset_info.json"

# Rows to a device: no sidecar beside it (there is no folder to put it in).
run ts export llamafactory -q "$X/sft.jsonl" -o /dev/null; expect_rc 0
if [ -e /dev/dataset_info.json ]; then rm -f /dev/dataset_info.json; fail "a sidecar was written to /dev"; fi

# axolotl: rows + a YAML datasets entry that names the rows' field.
run ts export axolotl "$X/sft.jsonl" -o "$T/ax/rows.jsonl"; expect_rc 3 # no such folder: an I/O error
mkdir -p "$T/ax"
run ts export axolotl "$X/sft.jsonl" -o "$T/ax/rows.jsonl" --field conversations; expect_rc 0
python3 - "$T/ax/rows.axolotl.yml" <<'PY' || fail "axolotl config $(cat "$T/ax/rows.axolotl.yml")"
import json, sys, yaml
cfg = yaml.safe_load(open(sys.argv[1]))
(ds,) = cfg["datasets"]
assert ds["type"] == "chat_template" and ds["ds_type"] == "json" and ds["roles_to_train"] == ["assistant"]
mp = ds["message_property_mappings"]
rows = [json.loads(l) for l in open(ds["path"])]
assert len(rows) == 5
for r in rows:
    for m in r[ds["field_messages"]]:
        assert m[mp["role"]] in ("system", "user", "assistant", "tool") and isinstance(m[mp["content"]], str)
PY
run ts export axolotl "$X/pref.jsonl" -o "$T/ax/pairs.jsonl" --config "$T/ax/dpo.yml"; expect_rc 0
python3 - "$T/ax/dpo.yml" <<'PY' || fail "axolotl dpo config $(cat "$T/ax/dpo.yml")"
import json, sys, yaml
cfg = yaml.safe_load(open(sys.argv[1]))
assert cfg["rl"] == "dpo"
(ds,) = cfg["datasets"]
assert ds["type"] == "chat_template.default"
for l in open(ds["path"]):
    r = json.loads(l)
    assert r[ds["field_messages"]][-1]["role"] == "user"
    assert r[ds["field_chosen"]]["role"] == "assistant" and r[ds["field_rejected"]]["role"] == "assistant"
PY

# sharegpt and alpaca (plain): shapes and named drops.
run ts export sharegpt "$X/sft.jsonl" "$X/pref.jsonl" -q; expect_rc 0
python3 - "$T/out" <<'PY' || fail "sharegpt rows $(head -c 400 "$T/out")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 5 and all(set(r) <= {"id", "conversations"} for r in rows)
assert rows[1]["conversations"][0] == {"from": "system", "value": "Answer briefly."}
assert {m["from"] for r in rows for m in r["conversations"]} == {"system", "human", "gpt", "observation"}
PY
run ts export alpaca "$X/sft.jsonl" --stats "$T/al.json"; expect_rc 0
[ "$(json_get "$T/al.json" "sorted(d['dropped'].items())")" = "[('alpaca_multi_turn', 1), ('alpaca_tool_turn', 1)]" ] || fail "alpaca drops $(cat "$T/al.json")"
expect_out_has '{"instruction":"Capital of France?","input":"","output":"Paris.","system":"Answer briefly."}'

# Length control: split pieces start at a user turn, keep the system prompt,
# get "<id>#<k>" and meta.split_from; counts stay in input records.
run ts export trl --max-chars 50 --length split "$X/long.jsonl" -o "$T/split.jsonl" --stats "$T/split.json"; expect_rc 0
[ "$(json_get "$T/split.json" "d['read'], d['written'], d['rows'], d['steps']")" = "3 3 5 {'length_split_tail_dropped': 1, 'length_split': 1}" ] || fail "split stats $(cat "$T/split.json")"
ts validate -q "$T/split.jsonl" || fail "split pieces do not validate"
python3 - "$T/split.jsonl" <<'PY' || fail "split pieces $(cat "$T/split.jsonl")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["id"] for r in rows] == ["long/1#1", "long/1#2", "long/1#3", "long/2", "long/3"]
for r in rows[:3]:
    assert r["messages"][0] == {"role": "system", "content": "SYS"} and r["messages"][1]["role"] == "user"
    assert r["meta"]["split_from"] == "long/1" and r["meta"]["k"] == "v"
assert [m["content"][:2] for r in rows[:3] for m in r["messages"][1:]] == ["u1", "a1", "u2", "a2", "u3", "a3", "u4", "a4"]
PY
run ts export trl --max-chars 20 --length truncate "$X/long.jsonl" --stats "$T/tr.json" -q; expect_rc 0
[ "$(json_get "$T/tr.json" "d['written'], d['steps']")" = "3 {'length_truncated': 2}" ] || fail "truncate stats $(cat "$T/tr.json")"
run ts export openai --max-chars 20 --length drop "$X/long.jsonl" --stats "$T/dr.json" -q; expect_rc 0
[ "$(json_get "$T/dr.json" "d['read'] == d['written'] + d['dropped_total'] + d['rejected'], d['dropped']")" = "True {'length_over_max': 2}" ] || fail "drop stats $(cat "$T/dr.json")"
# split + a target that cannot express every piece: counted, never lost.
run ts export alpaca --max-chars 50 --length split "$X/long.jsonl" --stats "$T/sa.json" -q; expect_rc 0
[ "$(json_get "$T/sa.json" "d['read'] == d['written'] + d['dropped_total'] + d['rejected'], d['rows'], d['pieces_dropped']")" = "True 4 1" ] || fail "split+alpaca $(cat "$T/sa.json")"

# Bad records: rejected with the reason; usage errors exit 2.
printf '%s\n' '{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}],"id":"a"}' '{"messages":[{"role":"robot","content":"x"}],"id":"b"}' '{"text":"plain"}' > "$T/bad.jsonl"
run ts export openai "$T/bad.jsonl"; expect_rc 1; expect_err_has 'unknown role "robot"'
run ts export openai --on-error skip "$T/bad.jsonl" --stats "$T/b.json" -q; expect_rc 0
[ "$(json_get "$T/b.json" "d['read'], d['written'], d['rejected'], d['dropped']")" = "3 1 1 {'not_sft_or_preference': 1}" ] || fail "bad stats $(cat "$T/b.json")"
run ts export; expect_rc 2; expect_err_has "a TARGET is required"
run ts export tensorflow x.jsonl; expect_rc 2; expect_err_has "unknown TARGET 'tensorflow'"
run ts export trl --length chop "$X/sft.jsonl"; expect_rc 2; expect_err_has "--length must be drop, truncate or split"
run ts export trl --format alpaca "$X/sft.jsonl"; expect_rc 2; expect_err_has "--format applies to llamafactory"
run ts export llamafactory --format csv "$X/sft.jsonl"; expect_rc 2
run ts export axolotl --config "$T/c.yml" "$X/sft.jsonl"; expect_rc 2; expect_err_has "give -o FILE"
run ts export --help; expect_rc 0; expect_out_has "example: tuneset export"
exit 0
