# stats: a readable summary on stdout, the same numbers as JSON with --json.
. "$ROOT/tests/cli/lib.sh"
cat > "$T/in.jsonl" <<'X'
{"messages":[{"role":"user","content":"abc"},{"role":"assistant","content":"de"}],"id":"a/0","source":"a","meta":{"lang":"en","category":"qa"}}
{"messages":[{"role":"user","content":"abc"},{"role":"assistant","content":"de"}],"id":"a/1","source":"a","meta":{"lang":"en"}}
{"messages":[{"role":"user","content":"héllo"},{"role":"assistant","content":"x"},{"role":"user","content":"y"},{"role":"assistant","content":"z"}],"id":"b/0","source":"b","meta":{"lang":"fr","category":"chat"}}
{"prompt":[{"role":"user","content":"q"}],"chosen":[{"role":"assistant","content":"good"}],"rejected":[{"role":"assistant","content":"bad"}],"score_chosen":7,"score_rejected":4.5,"id":"p/0","source":"p","meta":{}}
X
run ts stats "$T/in.jsonl" --json "$T/s.json" --stats "$T/run.json"; expect_rc 0
expect_out_has "records 4: sft 3 preference 1"
expect_out_has "duplicates: 1 exact (same text hash), 3 unique texts"
expect_err_has "read 4, written 4, dropped 0, rejected 0"
j() { json_get "$T/s.json" "$1"; }
[ "$(j "d['sources']")" = "{'a': 2, 'b': 1, 'p': 1}" ] || fail "sources $(j "d['sources']")"
[ "$(j "d['languages']")" = "{'en': 2, '(none)': 1, 'fr': 1}" ] || fail "languages"
[ "$(j "d['categories']['(none)'], d['categories']['qa']")" = "2 1" ] || fail "categories"
# turns 2 2 4 2; chars per record 5 5 8 8 (é is one character)
[ "$(j "[d['turns'][k] for k in ('min','p50','max','mean')]")" = "[2, 2, 4, 2.5]" ] || fail "turns"
[ "$(j "[d['chars_per_record'][k] for k in ('min','p50','p90','max')]")" = "[5, 5, 8, 8]" ] || fail "chars"
[ "$(j "[d['score_gap'][k] for k in ('count','mean')]")" = "[1, 2.5]" ] || fail "score gap"
[ "$(j "d['duplicates']['exact']")" = 1 ] || fail "duplicates"
[ "$(json_get "$T/run.json" "d['duplicates'], d['command']")" = "1 stats" ] || fail "--stats"
# stdin, and -o for the text
run sh -c "cat '$T/in.jsonl' | '$TUNESET' stats -q -o '$T/o.txt'"; expect_rc 0; expect_out ""
grep -qF "records 4:" "$T/o.txt" || fail "-o"
# A bad record fails the run by default and writes nothing.
echo '{"broken"' >> "$T/in.jsonl"
run ts stats "$T/in.jsonl" --json "$T/s2.json"; expect_rc 1
[ ! -e "$T/s2.json" ] || fail "JSON written after a failed run"
run ts stats "$T/in.jsonl" --on-error skip -q; expect_rc 0; expect_out_has "records 4:"
