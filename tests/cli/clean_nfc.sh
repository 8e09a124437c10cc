# clean --nfc composes decomposed text (e + U+0301 -> é) and counts the step.
. "$ROOT/tests/cli/lib.sh"
printf '{"messages":[{"role":"user","content":"Cafe\\u0301?"},{"role":"assistant","content":"Oui, caf\\u00e9."}]}\n' > "$T/in.jsonl"
run ts clean --nfc "$T/in.jsonl" -o "$T/out.jsonl" --stats "$T/st.json"; expect_rc 0
grep -q '"content":"Café?"' "$T/out.jsonl" || fail "not composed: $(cat "$T/out.jsonl")"
[ "$(json_get "$T/st.json" "d['steps']['nfc']")" = 1 ] || fail "steps: $(cat "$T/st.json")"
run ts clean "$T/in.jsonl" -o "$T/plain.jsonl"; expect_rc 0
grep -q 'Cafe\xcc\x81?' "$T/plain.jsonl" || grep -q "$(printf 'Cafe\314\201?')" "$T/plain.jsonl" || fail "changed without --nfc"
