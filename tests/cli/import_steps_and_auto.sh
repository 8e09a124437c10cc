# sharegpt --clean counts each editing step under "steps"; auto respects
# --kind and counts nothing when the format cannot be set up.
. "$ROOT/tests/cli/lib.sh"
run ts import sharegpt --clean "$F/sharegpt/sample.json" -o "$T/sg.jsonl" --stats "$T/sg.json"
expect_rc 0
expect_err_has "edited  html_to_markdown"
[ "$(json_get "$T/sg.json" "(d['steps']['html_to_markdown'], d['steps']['cut_leading_turn'], d['steps']['cut_trailing_user_turn'], d['steps']['artifacts_removed'])")" = "(2, 2, 1, 1)" ] \
  || fail "steps: $(cat "$T/sg.json")"
# without --clean nothing is edited
run ts import sharegpt "$F/sharegpt/sample.json" -o "$T/plain.jsonl" --stats "$T/plain.json" --on-error skip
[ "$(json_get "$T/plain.json" "'steps' in d")" = False ] || fail "plain import reported steps"
# auto + a --kind the detected format cannot make: usage error, no output
run ts import auto --kind pref "$F/alpaca/sample.json" -o "$T/k.jsonl"
expect_rc 2; expect_err_has "format 'alpaca' makes only sft records"
[ ! -e "$T/k.jsonl" ] || fail "output written after a usage error"
# auto + a bad option value: nothing counted as read
run ts import auto --trace foo "$F/s1k/sample.jsonl" -o "$T/t.jsonl" --stats "$T/t.json"
expect_rc 2
[ "$(json_get "$T/t.json" "(d['read'], d['written'], d['rejected'])")" = "(0, 0, 0)" ] || fail "counts: $(cat "$T/t.json")"
# an option file that cannot be opened names that file, not the input
run ts import sharegpt --clean --blocked-words "$T/missing.txt" "$F/sharegpt/sample.json" -o "$T/x.jsonl"
expect_rc 3; expect_err_has "cannot open $T/missing.txt"
grep -q '<input>' "$T/err" && fail "message names <input>: $(cat "$T/err")"
exit 0
