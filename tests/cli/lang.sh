# tuneset lang: meta.lang / meta.lang_confidence, keep vs --overwrite,
# --only as a filter, the stats and the read = written + dropped contract.
. "$ROOT/tests/cli/lib.sh"
IN="$F/curate/lang.jsonl"
langs() { python3 -c "
import sys, json
print(' '.join(json.loads(l)['meta']['lang'] for l in open(sys.argv[1])))" "$1"; }

# Default: an existing meta.lang (fx/2 says "fr") is kept; "ok" is too short.
run ts lang "$IN" -o "$T/l.jsonl" --stats "$T/s.json"; expect_rc 0
[ "$(langs "$T/l.jsonl")" = "en ko fr fr zh ru und" ] || fail "langs $(langs "$T/l.jsonl")"
[ "$(json_get "$T/s.json" "d['read'], d['written'], d['lang']['unknown'], d['lang']['kept'], d['lang']['counts']['fr']")" = "7 7 1 1 2" ] || fail "stats $(cat "$T/s.json")"
# CLD2 (the default): confidence = share of the text in the language.
grep -q '"id":"fx/0","source":"fx","meta":{"lang":"en","lang_confidence":0.98}}' "$T/l.jsonl" || fail "shape $(head -1 "$T/l.jsonl")"
grep -q '"meta":{"lang":"ko","lang_confidence":0.99}}' "$T/l.jsonl" || fail "meta created: $(sed -n 2p "$T/l.jsonl")"
expect_err_has "lang unknown 1, kept 1"
ts validate -q "$T/l.jsonl" || fail "output does not validate"

# textcat: the same languages; confidence = 1 / tied candidates.
run ts lang --detector textcat "$IN" -o "$T/t.jsonl"; expect_rc 0
[ "$(langs "$T/t.jsonl")" = "en ko fr fr zh ru und" ] || fail "textcat langs $(langs "$T/t.jsonl")"
grep -q '"id":"fx/0","source":"fx","meta":{"lang":"en","lang_confidence":1}}' "$T/t.jsonl" || fail "textcat shape $(head -1 "$T/t.jsonl")"

# --overwrite re-detects fx/2 and keeps its other meta keys.
run ts lang -q --overwrite "$IN" -o "$T/o.jsonl"; expect_rc 0
[ "$(langs "$T/o.jsonl")" = "en ko de fr zh ru und" ] || fail "overwrite langs $(langs "$T/o.jsonl")"
grep -q '"meta":{"lang":"de","note":1,"lang_confidence":' "$T/o.jsonl" || fail "overwrite meta $(sed -n 3p "$T/o.jsonl")"

# --only filters; the rest is dropped with rule lang_other.
run ts lang -q --overwrite --only ko,zh "$IN" -o "$T/f.jsonl" --stats "$T/f.json"; expect_rc 0
[ "$(langs "$T/f.jsonl")" = "ko zh" ] || fail "only $(langs "$T/f.jsonl")"
[ "$(json_get "$T/f.json" "d['read'] == d['written'] + d['dropped_total'] + d['rejected'], d['dropped']['lang_other']")" = "True 5" ] || fail "only stats $(cat "$T/f.json")"

# Usage errors.
run ts lang --min-confidence 2 "$IN" -o "$T/x.jsonl"; expect_rc 2
expect_err_has "--min-confidence"
run ts lang --detector textcat --models /nonexistent/ "$IN" -o "$T/x.jsonl"; [ "$(cat "$T/rc")" != 0 ] || fail "missing models accepted"
expect_err_has "cannot load the language models"
run ts lang --models /nonexistent/ "$IN" -o "$T/x.jsonl"; expect_rc 2
expect_err_has "--models is for --detector textcat"
run ts lang --detector fasttext "$IN" -o "$T/x.jsonl"; expect_rc 2
expect_err_has "--detector must be cld2 or textcat"
