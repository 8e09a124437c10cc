# tuneset render: a tokenizer_config (file or folder) and built-ins, pairs,
# generation prompt and --var, spans, raising templates as rejects. (The
# tiny template's newline after {% endif %} is eaten by trim_blocks, as
# jinja2 does.)
. "$ROOT/tests/cli/lib.sh"
IN="$F/template/render_in.jsonl"
CFG="$F/template/tiny"
texts() { python3 -c "
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    for k in ('text', 'text_chosen', 'text_rejected'):
        if k in r: print(k, json.dumps(r[k]))" "$1"; }

run ts render --template "$CFG" "$IN" -o "$T/o.jsonl" --on-error skip --rejects "$T/rej.jsonl" --stats "$T/s.json"
expect_rc 0
cat > "$T/want" <<'TXT'
text "<B>[user] Hi[assistant] Hello.<E>"
text_chosen "<B>[user] 2+2?[assistant] 4<E>"
text_rejected "<B>[user] 2+2?[assistant] 5<E>"
TXT
texts "$T/o.jsonl" > "$T/got"; cmp -s "$T/want" "$T/got" || fail "texts: $(diff "$T/want" "$T/got")"
[ "$(json_get "$T/s.json" "d['read'], d['written'], d['rejected']")" = "4 2 2" ] || fail "stats $(cat "$T/s.json")"
grep -q 'template line 1: Unsupported role: narrator' "$T/rej.jsonl" || fail "reject reason: $(cat "$T/rej.jsonl")"
grep -q 'not a conversation' "$T/rej.jsonl" || fail "non-conversation reject: $(cat "$T/rej.jsonl")"
ts validate -q "$T/o.jsonl" || fail "rendered records do not validate"

# the config file itself, the generation prompt and an extra variable
run ts render -q --template "$CFG/tokenizer_config.json" --add-generation-prompt --var style='"brief"' "$IN" \
  -o "$T/g.jsonl" --on-error skip
head -n 1 "$T/g.jsonl" > "$T/g1.jsonl"
[ "$(texts "$T/g1.jsonl")" = 'text "<B>[user] Hi[assistant] Hello.<E>[assistant] (brief)"' ] || fail "agp: $(texts "$T/g1.jsonl")"

# fail mode stops at the raising record with its message and line
run ts render --template "$CFG" "$IN" -o "$T/f.jsonl"
expect_rc 1
expect_err_has "Unsupported role: narrator"
[ ! -e "$T/f.jsonl" ] || fail "a failed run left its output"

# built-ins, with generation spans that cover the assistant reply
head -n 1 "$IN" > "$T/one.jsonl"
run ts render -q --template chatml --spans "$T/one.jsonl" -o "$T/c.jsonl"; expect_rc 0
[ "$(json_get "$T/c.jsonl" "d['text']")" = "$(printf '<|im_start|>user\n Hi <|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n')" ] \
  || fail "chatml: $(cat "$T/c.jsonl")"
[ "$(json_get "$T/c.jsonl" "[d['text'].encode()[a:b].decode() for a, b in d['generation_spans']]")" = "['Hello.<|im_end|>']" ] \
  || fail "spans: $(cat "$T/c.jsonl")"
# --assistant-spans: prefix rendering for a template without generation blocks
run ts render -q --template "$CFG" --assistant-spans "$T/one.jsonl" -o "$T/p.jsonl"; expect_rc 0
[ "$(json_get "$T/p.jsonl" "[d['text'].encode()[a:b].decode() for a, b in d['generation_spans']]")" = "[' Hello.<E>']" ] \
  || fail "assistant spans: $(cat "$T/p.jsonl")"
printf '%s\n' '{"chat_template": "{% for m in messages %}{{ m.content if loop.last else 1 }}{% endfor %}"}' > "$T/unstable.json"
run ts render --template "$T/unstable.json" --assistant-spans "$T/one.jsonl" -o "$T/u.jsonl" --on-error skip; expect_rc 0
expect_err_has "assistant spans: the template renders messages[:1] differently"
for name in llama3 mistral gemma phi3 alpaca vicuna; do
  run ts render -q --template "$name" "$T/one.jsonl" -o "$T/b.jsonl"; expect_rc 0
  grep -q 'Hello\.' "$T/b.jsonl" || fail "$name: $(cat "$T/b.jsonl")"
done
run ts render --show-template llama3; expect_rc 0
expect_out_has '"bos_token": "<|begin_of_text|>"'

# usage errors
run ts render "$IN" -o "$T/x.jsonl"; expect_rc 2; expect_err_has "--template is required"
run ts render --template no-such-template "$IN" -o "$T/x.jsonl"; expect_rc 2; expect_err_has "nor a built-in template name"
printf '{"chat_template": "{%% for x in y %%}"}' > "$T/bad.json"
run ts render --template "$T/bad.json" "$IN" -o "$T/x.jsonl"; expect_rc 1; expect_err_has "chat_template line 1: unexpected end of template"
run ts render --template chatml --var nonsense "$IN" -o "$T/x.jsonl"; expect_rc 2; expect_err_has "NAME=VALUE"
exit 0
