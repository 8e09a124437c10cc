# -o FILE.parquet writes Parquet; reading it back gives the same records;
# a record that does not fit the schema is a reject; bad codec is usage.
. "$ROOT/tests/cli/lib.sh"
# same_records A B: the same JSON values line by line (a DOUBLE keeps its
# value, not its spelling: 1.50e0 comes back as 1.5)
same_records() { python3 -c "
import json,sys
a=[json.loads(l) for l in open(sys.argv[1])]; b=[json.loads(l) for l in open(sys.argv[2])]
sys.exit(0 if a==b and [list(x) for x in a]==[list(x) for x in b] else 1)" "$1" "$2"; }
for codec in snappy zstd gzip none; do
  run ts cat -q "$F/core/sft.jsonl" -o "$T/sft.$codec.parquet" --compression $codec; expect_rc 0
  run ts cat -q "$T/sft.$codec.parquet"; expect_rc 0
  same_records "$T/out" "$F/core/sft.expected.jsonl" || fail "$codec: $(cat "$T/out")"
done
head -c 4 "$T/sft.snappy.parquet" | grep -q PAR1 || fail "not a Parquet file"
# many row groups
python3 -c "
import json
for i in range(250): print(json.dumps({'messages':[{'role':'user','content':'q%d'%i},{'role':'assistant','content':'a'*i}],'id':'r/%d'%i}))" > "$T/many.jsonl"
run ts cat -q "$T/many.jsonl" -o "$T/many.parquet" --row-group-rows 100; expect_rc 0
run ts parquet meta "$T/many.parquet"; expect_rc 0
run ts cat -q "$T/many.parquet" -o "$T/back.jsonl"; expect_rc 0
same_records "$T/back.jsonl" "$T/many.jsonl" || fail "row groups: records differ"
# a record whose field changes type after the schema is fixed is set aside
printf '{"a":1}\n{"a":"x"}\n{"a":3}\n' > "$T/mixed.jsonl"
run ts cat "$T/mixed.jsonl" -o "$T/mixed.parquet"; expect_rc 1; expect_err_has "mixed.jsonl:2:"
[ ! -e "$T/mixed.parquet" ] || fail "output left after a failure"
run ts cat "$T/mixed.jsonl" -o "$T/mixed.parquet" --on-error skip --rejects "$T/rej.jsonl"; expect_rc 0
expect_err_has "read 3, written 2, dropped 0, rejected 1"
grep -q '"line":2' "$T/rej.jsonl" || fail "reject does not name line 2"
run ts cat -q "$T/mixed.parquet"; expect_out '{"a":1}
{"a":3}
'
run ts cat "$F/core/sft.jsonl" -o "$T/x.parquet" --compression lzma; expect_rc 2; expect_err_has "--compression must be"
run ts cat "$F/core/sft.jsonl" -o "$T/x.jsonl" --compression zstd; expect_rc 2
