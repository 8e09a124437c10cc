# --rejects keeps the original text with file, line, byte and reason;
# --stats counts add up; invalid UTF-8 is kept as base64.
. "$ROOT/tests/cli/lib.sh"
printf '{"a":1}\n{"a":}\n{"a":"\377"}\n{"a":4}\n' > "$T/in.jsonl"
run ts cat "$T/in.jsonl" --on-error skip --rejects "$T/rej.jsonl" --stats "$T/st.json" -o "$T/out.jsonl"
expect_rc 0
[ "$(wc -l < "$T/out.jsonl")" = 2 ] || fail "expected 2 good records"
[ "$(json_get "$T/st.json" "(d['read'], d['written'], d['rejected'], d['dropped'])")" = "(4, 2, 2, {})" ] \
  || fail "stats: $(cat "$T/st.json")"
python3 - "$T/rej.jsonl" <<'PY' || fail "rejects file: $(cat "$T/rej.jsonl")"
import json, sys, base64
r = [json.loads(l) for l in open(sys.argv[1])]
assert len(r) == 2
assert r[0]["line"] == 2 and r[0]["byte"] == 13 and r[0]["raw"] == '{"a":}', r[0]
assert "a value is expected" in r[0]["error"]
assert r[1]["line"] == 3 and base64.b64decode(r[1]["raw_base64"]) == b'{"a":"\xff"}', r[1]
PY
# an existing output is not clobbered by a failed run
echo keep > "$T/existing.jsonl"
run ts cat "$T/in.jsonl" -o "$T/existing.jsonl"; expect_rc 1
[ "$(cat "$T/existing.jsonl")" = keep ] || fail "a failed run replaced the existing output"
ls -A "$T" | grep -q 'tmp-' && fail "temporary file left behind"
exit 0
