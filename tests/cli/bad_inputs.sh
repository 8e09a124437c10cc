# Each kind of bad input: one clear line naming file, line and byte, a
# non-zero exit, no output file; with --on-error skip a rejects entry and
# exit 0.
. "$ROOT/tests/cli/lib.sh"
bad() { # NAME FILE EXPECTED-ERROR-TEXT
  run ts cat "$2" -o "$T/$1.out"; expect_rc 1; expect_err_has "$3"
  [ ! -e "$T/$1.out" ] || fail "$1: output file left behind after a failure"
  run ts cat "$2" -o "$T/$1.out" --on-error skip --rejects "$T/$1.rej" --stats "$T/$1.stats"
  expect_rc 0
  [ -s "$T/$1.rej" ] || fail "$1: no rejects entry"
  [ "$(json_get "$T/$1.stats" "d['read'] == d['written'] + d['dropped_total'] + d['rejected'] and d['rejected'] >= 1")" = True ] \
    || fail "$1: counts do not add up: $(cat "$T/$1.stats")"
}
printf '[{"a":1},\n{"a":2' > "$T/trunc.json"
bad truncated "$T/trunc.json" "trunc.json:2: byte"
gzip -c "$F/core/sft.jsonl" | head -c 100 > "$T/cut.jsonl.gz"
bad truncated_gzip "$T/cut.jsonl.gz" "truncated gzip stream"
printf '{"a":"ok"}\n{"a":"caf\351"}\n' > "$T/latin1.jsonl"
bad invalid_utf8 "$T/latin1.jsonl" "latin1.jsonl:2: byte 20: invalid UTF-8"
python3 -c "import sys; sys.stdout.write('{\"x\":1}\n' + '['*100000 + ']'*100000 + '\n')" > "$T/deep.jsonl"
bad deep_nesting "$T/deep.jsonl" "deep.jsonl:2: byte 1008: nesting deeper than 1000 levels"
printf '[{"a":1},{"a":2},]' > "$T/comma.json"
bad trailing_comma "$T/comma.json" "comma.json:1: byte 16: trailing comma"
printf '{"a":1}\n{"a":\0001}\n' > "$T/nul.jsonl"
bad nul_byte "$T/nul.jsonl" "nul.jsonl:2: byte 13: unexpected byte 0x00"
: > "$T/empty.jsonl"
bad empty "$T/empty.jsonl" "empty.jsonl:1: byte 0: empty input"
# a 200 MB single line, streamed through stdin: reported, skipped, and the
# next record still read.
{ printf '{"a":1}\n{"big":"'; head -c 200000000 /dev/zero | tr '\0' x; printf '"}\n{"b":2}\n'; } > "$T/big.jsonl"
run ts cat "$T/big.jsonl" -o "$T/big.out"; expect_rc 1
expect_err_has "big.jsonl:2: byte 8: line longer than 67108864 bytes"
run ts cat --on-error skip --rejects "$T/big.rej" - < "$T/big.jsonl"; expect_rc 0
expect_out '{"a":1}
{"b":2}
'
expect_err_has "read 3, written 2, dropped 0, rejected 1"
rm -f "$T/big.jsonl"
