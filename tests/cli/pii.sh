# tuneset pii: redact / drop / report, per-type counts, the counts contract.
. "$ROOT/tests/cli/lib.sh"
IN="$F/curate/pii.jsonl"
contents() { python3 -c "
import sys, json
for l in open(sys.argv[1]):
    r = json.loads(l)
    turns = r.get('messages') or (r['prompt'] + r['chosen'] + r['rejected'])
    print(' | '.join(t['content'] for t in turns))" "$1"; }

# redact: every kind replaced; fx/1 (version numbers, a date, a hash,
# user@localhost, a card failing Luhn) comes out unchanged.
run ts pii "$IN" -o "$T/r.jsonl" --stats "$T/s.json"; expect_rc 0
cat > "$T/want" <<'TXT'
Email me at <EMAIL> or call <PHONE>. | Sure, I will write to <EMAIL>.
Upgrade from v1.2.3.4 to version 2.0.0.1 on 2024-01-02, commit e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855. | Done; user@localhost and card 4111 1111 1111 1112 are fine.
My server is <IP> and <IP>; my key is <SECRET>. | Please rotate that key.
Pay to <IBAN> with card <CREDIT_CARD>. | I cannot process payments. | Paid from <CREDIT_CARD>.
제 번호는 <PHONE> 이고 AWS 키는 <SECRET> 입니다. | 개인정보는 공유하지 마세요.
TXT
contents "$T/r.jsonl" > "$T/got"; cmp -s "$T/want" "$T/got" || fail "redacted: $(diff "$T/want" "$T/got")"
[ "$(json_get "$T/s.json" "d['read'], d['written'], d['steps']['pii_redacted'], d['pii']['records_with_pii']")" = "5 5 4 4" ] || fail "stats $(cat "$T/s.json")"
[ "$(json_get "$T/s.json" "[d['pii']['matches'][k] for k in ('email','phone','ip','credit_card','iban','secret')]")" = "[2, 2, 2, 2, 1, 2]" ] || fail "matches $(cat "$T/s.json")"
[ "$(json_get "$T/s.json" "[d['pii']['records'][k] for k in ('email','phone','ip','credit_card','iban','secret')]")" = "[1, 2, 1, 1, 1, 2]" ] || fail "records $(cat "$T/s.json")"
expect_err_has "pii email        records 1, matches 2"
ts validate -q "$T/r.jsonl" || fail "redacted output does not validate"

# drop: only the clean record stays; the rule names the first type found.
run ts pii --mode drop "$IN" -o "$T/d.jsonl" --stats "$T/d.json"; expect_rc 0
[ "$(wc -l < "$T/d.jsonl")" = 1 ] && grep -q '"fx/1"' "$T/d.jsonl" || fail "drop kept $(cat "$T/d.jsonl")"
[ "$(json_get "$T/d.json" "d['read'] == d['written'] + d['dropped_total'] + d['rejected'], sorted(d['dropped'].items())")" = "True [('pii_email', 1), ('pii_iban', 1), ('pii_ip', 1), ('pii_phone', 1)]" ] || fail "drop stats $(cat "$T/d.json")"
expect_err_has "dropped pii_email"

# report: text unchanged, meta.pii per record (existing meta kept).
run ts pii -q --mode report "$IN"; expect_rc 0
python3 - "$T/out" "$IN" <<'PY' || fail "report: $(head -c 600 "$T/out")"
import json, sys
out = [json.loads(l) for l in open(sys.argv[1])]
inp = [json.loads(l) for l in open(sys.argv[2])]
assert [r["meta"]["pii"] for r in out] == [{"email": 2, "phone": 1}, {}, {"ip": 2, "secret": 1},
                                           {"credit_card": 2, "iban": 1}, {"phone": 1, "secret": 1}], out
assert out[1]["meta"]["lang"] == "en"
for a, b in zip(out, inp):
    del a["meta"]["pii"]
    assert a == b, (a, b)
PY

# Records that are not objects are rejected (skip mode counts them).
printf '%s\n' '{"text":"a@b.com"}' '[1,2]' > "$T/bad.jsonl"
run ts pii --on-error skip "$T/bad.jsonl" --stats "$T/b.json"; expect_rc 0
[ "$(json_get "$T/b.json" "d['read'], d['written'], d['rejected']")" = "2 1 1" ] || fail "bad stats $(cat "$T/b.json")"
expect_err_has "record is not a JSON object"
expect_out '{"text":"<EMAIL>"}
'

run ts pii --mode scrub "$IN"; expect_rc 2; expect_err_has "--mode must be redact|drop|report"
