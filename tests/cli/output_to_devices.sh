# -o to a device or FIFO writes through it: /dev/null stays a device, and
# a FIFO reader gets the records.
. "$ROOT/tests/cli/lib.sh"
run ts cat -q "$F/core/sft.jsonl" -o /dev/null; expect_rc 0
[ -c /dev/null ] || fail "/dev/null is no longer a character device"
mkfifo "$T/fifo"
cat "$T/fifo" > "$T/got" &
reader=$!
run ts cat -q "$F/core/sft.jsonl" -o "$T/fifo"; expect_rc 0
wait $reader
cmp -s "$T/got" "$F/core/sft.expected.jsonl" || fail "FIFO reader got: $(head -c 200 "$T/got")"
[ -p "$T/fifo" ] || fail "the FIFO was replaced"
