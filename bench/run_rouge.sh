#!/bin/sh
# ROUGE-L for gen self-instruct: each candidate instruction is scored
# against every seed and kept instruction. tuneset's bit-parallel LCS over
# interned tokens (lib/gen/rouge.c) beside bench/peer_rouge.py, the same
# scoring as Alpaca's generate_instruction.py with rouge_score, in one run
# on the same lines. Prints candidates/s and token-pairs/s for both, the
# ratio, and checks that every max score agrees to 1e-6.
#
# Knobs (environment):
#   BENCH_ROUGE_KEPT   instructions already kept (the pool)   (default 5000)
#   BENCH_ROUGE_C      candidates tuneset scores             (default 2000)
#   BENCH_ROUGE_PY     candidates the Python peer scores: the first N of
#                      tuneset's (it needs ~0.1 s each)       (default 20)
#   BENCH_SEED, BENCH_DIR as for the other benchmarks.
# Exit status: 0 when both ran and agree, 1 when they differ, 2 on setup.
set -u
cd "$(dirname "$0")/.." || exit 2
KEPT=${BENCH_ROUGE_KEPT:-5000}
NC=${BENCH_ROUGE_C:-2000}
NPY=${BENCH_ROUGE_PY:-20}
SEED=${BENCH_SEED:-1}
DIR=${BENCH_DIR:-bench/data}
CC=${CC:-cc}
[ -f build/libtuneset.a ] || { echo "bench: build/libtuneset.a missing: run 'make'"; exit 2; }
command -v python3 >/dev/null 2>&1 || { echo "bench: python3 not found"; exit 2; }
[ "$NPY" -le "$NC" ] || NPY=$NC
mkdir -p "$DIR" build/bench || exit 2
PIN=
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then PIN="taskset -c 0"; fi
$CC -std=c11 -O2 -Iinclude -D_POSIX_C_SOURCE=200809L -o build/bench/bench_rouge bench/bench_rouge.c \
  build/libtuneset.a $(pkg-config --libs libutf8proc) -lm || exit 2
IN="$DIR/rouge-$KEPT-$NC-s$SEED.txt"
[ -f "$IN" ] || python3 bench/peer_rouge.py make "$IN" $((KEPT + NC)) "$SEED" || exit 2

$PIN build/bench/bench_rouge "$IN" "$KEPT" "$NC" >"$DIR/rouge.c.out" 2>"$DIR/rouge.c.time" || { echo "bench: tuneset side failed"; exit 1; }
$PIN python3 bench/peer_rouge.py score "$IN" "$KEPT" "$NPY" >"$DIR/rouge.py.out" 2>"$DIR/rouge.py.time" || { echo "bench: peer failed"; exit 1; }
tc=$(cat "$DIR/rouge.c.time")
tp=$(cat "$DIR/rouge.py.time")
head -n "$NPY" "$DIR/rouge.c.out" | cmp -s - "$DIR/rouge.py.out"
same=$?
python3 - "$IN" "$KEPT" "$NC" "$NPY" "$tc" "$tp" <<'PY'
import re, sys
path, kept, nc, npy, tc, tp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
lines = open(path).read().splitlines()
ntok = [len(re.sub(r"[^a-z0-9]+", " ", s.lower()).split()) for s in lines]
pool = sum(ntok[:kept])
pairs = lambda q: sum(ntok[kept + i] * pool for i in range(q))
print("ROUGE-L, one core: %d candidates against %d kept instructions (%d tokens)" % (nc, kept, pool))
print("  %-28s %12s %16s" % ("", "candidates/s", "token pairs/s"))
print("  %-28s %12.0f %16.3g" % ("tuneset (bit-parallel LCS)", nc / tc, pairs(nc) / tc))
print("  %-28s %12.2f %16.3g" % ("python rouge_score-style DP", npy / tp, pairs(npy) / tp))
print("  ratio tuneset / python: %.0fx" % ((nc / tc) / (npy / tp)))
PY
if [ $same -eq 0 ]; then echo "  max scores: the same for the $NPY candidates both scored"; exit 0; fi
echo "  max scores DIFFER:"; head -n "$NPY" "$DIR/rouge.c.out" | diff - "$DIR/rouge.py.out" | head -5
exit 1
