# import: usage errors exit 2 with a message; a malformed row exits 1
# naming FILE:LINE and the reason (or, with --on-error skip, is set aside
# and counted); a file of another schema is a clear error.
. "$ROOT/tests/cli/lib.sh"

# usage (exit 2)
run ts import frobnicate "$F/alpaca/sample.json"; expect_rc 2; expect_err_has "unknown format 'frobnicate'"
run ts import; expect_rc 2; expect_err_has "a FORMAT is needed"
run ts import alpaca; expect_rc 2; expect_err_has "no input files"
run ts import --kind pref alpaca "$F/alpaca/sample.json"; expect_rc 2
expect_err_has "format 'alpaca' makes only sft records"
run ts import --kind sft hh-rlhf "$F/hh-rlhf/helpful-base/test.jsonl"; expect_rc 2
expect_err_has "format 'hh-rlhf' makes only pref records"
run ts import --kind both alpaca "$F/alpaca/sample.json"; expect_rc 2; expect_err_has "--kind must be sft or pref"
run ts import oasst1 --kind pref --pairs foo "$F/oasst1/messages.jsonl" -o "$T/p.jsonl"; expect_rc 2
expect_err_has "--pairs must be all, adjacent or best-worst, not 'foo'"
[ ! -e "$T/p.jsonl" ] || fail "output left behind after a usage error"
run ts import oasst1 --top-k 0 "$F/oasst1/messages.jsonl"; expect_rc 2; expect_err_has "--top-k must be a positive integer"
run ts import shp --min-score-ratio two "$F/shp/askscience/test.json"; expect_rc 2; expect_err_has "--min-score-ratio must be"
run ts import shp --max-pairs-per-post -1 "$F/shp/askscience/test.json"; expect_rc 2; expect_err_has "--max-pairs-per-post must be"
run ts import s1k --trace claude "$F/s1k/s1k_1.1.jsonl"; expect_rc 2; expect_err_has "--trace must be gemini or deepseek"
run ts import ultrafeedback --rejected best "$F/ultrafeedback/ultrafeedback_raw.jsonl"; expect_rc 2
expect_err_has "--rejected must be random or worst"
run ts import ultrafeedback --score vibes "$F/ultrafeedback/ultrafeedback_raw.jsonl"; expect_rc 2; expect_err_has "--score must be"
run ts import sharegpt --blocked-words "$T/words.txt" "$F/sharegpt/sample.json"; expect_rc 2
expect_err_has "--blocked-words is a --clean option"
run ts import alpaca "$T/missing.json"; expect_rc 3; expect_err_has "missing.json: cannot open"

# a malformed row: FILE:LINE: reason, exit 1, no output
printf '[{"instruction": "a", "input": "", "output": "b"},\n{"input": "", "output": "c"},\n{"instruction": "d", "output": "e"}]\n' \
  > "$T/bad.json"
run ts import alpaca "$T/bad.json" -o "$T/bad.out"; expect_rc 1
expect_err_has "bad.json:2: byte 51: alpaca: missing field 'instruction'"
[ ! -e "$T/bad.out" ] || fail "output left behind after a bad row"
run ts import alpaca "$T/bad.json" -o "$T/bad.out" --on-error skip --rejects "$T/bad.rej" --stats "$T/bad.stats"
expect_rc 0
[ "$(wc -l < "$T/bad.out")" = 2 ] || fail "expected the 2 good rows"
grep -q '"id":"alpaca/2"' "$T/bad.out" || fail "row numbering must count the rejected row too"
[ "$(json_get "$T/bad.stats" "(d['read'], d['written'], d['dropped_total'], d['rejected'])")" = "(3, 2, 0, 1)" ] \
  || fail "stats: $(cat "$T/bad.stats")"
python3 - "$T/bad.rej" <<'PY' || fail "rejects: $(cat "$T/bad.rej")"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert len(r) == 1 and r[0]["line"] == 2 and r[0]["file"].endswith("bad.json"), r
assert r[0]["error"] == "alpaca: missing field 'instruction'", r
assert json.loads(r[0]["raw"]) == {"input": "", "output": "c"}, r
PY
# a wrong type is a reject too
printf '{"instruction": "a", "context": 5, "response": "b"}\n' > "$T/ctx.jsonl"
run ts import dolly "$T/ctx.jsonl"; expect_rc 1; expect_err_has "ctx.jsonl:1: byte 0: dolly: field 'context' must be a string"

# an aggregating format: a bad message row is one read and one rejected
head -n 3 "$F/oasst1/messages.jsonl" > "$T/oa.jsonl"
printf '{"message_id": "zz", "parent_id": null, "role": "robot", "text": "x"}\n' >> "$T/oa.jsonl"
run ts import oasst1 "$T/oa.jsonl" -o "$T/oa.out"; expect_rc 1
expect_err_has 'oa.jsonl:4: byte'
expect_err_has 'oasst1: message zz: role must be prompter or assistant, not "robot"'
run ts import oasst1 "$T/oa.jsonl" -o "$T/oa.out" --on-error skip --stats "$T/oa.stats"; expect_rc 0
[ "$(json_get "$T/oa.stats" "(d['input_rows'], d['read'], d['written'], d['dropped'], d['rejected'])")" = \
  "(4, 3, 1, {'orphan': 1}, 1)" ] || fail "oasst1 stats: $(cat "$T/oa.stats")"

# hh-rlhf: a missing side is a reject; the red-team file is a clear error
run ts import hh-rlhf "$F/hh-rlhf/helpful-base/test.jsonl" -o "$T/hh.out"; expect_rc 1
expect_err_has "test.jsonl:9: byte 1474: hh-rlhf: missing field 'rejected'"
run ts import hh-rlhf "$F/hh-rlhf/red-team-attempts/red_team_attempts.json" -o "$T/rt.out"; expect_rc 1
expect_err_has "red_team_attempts.json:2:"
expect_err_has "not an HH-RLHF preference file: it looks like the red-team-attempts schema"
[ ! -e "$T/rt.out" ] || fail "red-team: output file left behind"
# not even --on-error skip turns a wrong schema into empty output
run ts import hh-rlhf "$F/hh-rlhf/red-team-attempts/red_team_attempts.json" --on-error skip -o "$T/rt.out"
expect_rc 1; expect_err_has "red-team-attempts schema"

# auto: nothing recognizes the first record
printf '{"foo": 1}\n' > "$T/foo.jsonl"
run ts import auto "$T/foo.jsonl" -o "$T/foo.out"; expect_rc 1
expect_err_has "foo.jsonl:1: cannot recognize the format of the first record"
[ ! -e "$T/foo.out" ] || fail "auto: output file left behind"
run ts import auto "$F/hh-rlhf/red-team-attempts/red_team_attempts.json"; expect_rc 1
expect_err_has "cannot recognize"
exit 0
