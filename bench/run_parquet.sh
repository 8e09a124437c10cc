#!/bin/sh
# The Parquet reader's benchmark: `tuneset cat X.parquet -o OUT.jsonl`
# against DuckDB (npm @duckdb/node-api, one thread) doing the same job
# (`COPY (SELECT * FROM read_parquet(X)) TO OUT (FORMAT json)`), side by
# side in one run, on a >= 300 MB Parquet file of SFT conversations
# (`messages: list<struct<role, content>>`) that DuckDB wrote. Prints MB/s
# of Parquet read and of JSON Lines written, peak RSS, the ratio, PASS/MISS
# against the targets, and checks that both wrote the same records.
#
# Knobs (environment), as for run.sh:
#   BENCH_SIZE     size of the generated SFT JSONL that becomes the
#                  Parquet file, K/M/G = 2^10/2^20/2^30 (default 700M,
#                  which DuckDB packs into about 335 MB of Parquet)
#   BENCH_SEED     datagen seed                          (default 1)
#   BENCH_DIR      where inputs and outputs go           (default bench/data)
#   BENCH_REPEAT   runs per tool, best taken             (default 1)
#   BENCH_PQ_ROWS  rows per row group DuckDB writes      (default: DuckDB's, 122880)
#   BENCH_KEEP     1 keeps the outputs                   (default: removed)
#   TUNESET        the binary under test                 (default build/tuneset)
#
# Exit status: 0 when both tools ran and wrote the same records, whether
# or not the targets were met (it is a report); 1 when a tool failed or
# the outputs differ; 2 when the setup is incomplete.
set -u
cd "$(dirname "$0")/.." || exit 2

BENCH_SIZE=${BENCH_SIZE:-700M}
PQ_ROWS=${BENCH_PQ_ROWS:-}
# shellcheck source=bench/common.sh
. bench/common.sh

# Targets (issue "Read and write Parquet", Done means): at least DuckDB's
# speed on one thread, memory bounded by a row group, a >= 300 MB file.
T_RATIO=1.0
T_PQ_MB=300
# "Bounded by a row group", as this script measures it: the largest row
# group held twice, as stored (compressed) and decoded, plus 64 MiB for
# the program, the output buffer and the allocator's slack. A reader that
# held the whole file would pass it only for a one-row-group file, so the
# default input has three.
T_RSS_SLACK_MIB=64

case $PQ_ROWS in *[!0-9]*) die "BENCH_PQ_ROWS must be a number of rows" ;; esac
for t in node npm python3; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found (Debian: apt-get install nodejs npm python3)"
done

# DuckDB: the version tests/interop pins, installed there as its run.sh does.
IOP=tests/interop
DUCK_VER=$(sed -n 's/.*"@duckdb\/node-api": "\(.*\)".*/\1/p' "$IOP/package.json")
have=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$IOP/node_modules/@duckdb/node-api/package.json" 2>/dev/null)
if [ "$DUCK_VER" != "$have" ]; then
    echo "bench: installing @duckdb/node-api $DUCK_VER (npm ci in $IOP)"
    (cd "$IOP" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $IOP"
fi
PEER="node bench/parquet_peer.mjs"

build_datagen
BASE="$DIR/sft-$SIZE-s$SEED"
gen sft "$BASE.jsonl"

# The Parquet file is cached like the generated inputs: remade when its
# JSONL, the row group size, DuckDB's version or the peer script changed.
PQ="$BASE${PQ_ROWS:+-rg$PQ_ROWS}.parquet"
pq_want="$(cat "$BASE.jsonl.stamp") duckdb=$DUCK_VER rows=${PQ_ROWS:-default} $(cksum <bench/parquet_peer.mjs | cut -d' ' -f1)"
if [ ! -f "$PQ" ] || [ ! -f "$PQ.stamp" ] || [ "$(cat "$PQ.stamp")" != "$pq_want" ]; then
    echo "bench: DuckDB writes $PQ"
    rm -f "$PQ.stamp"
    # shellcheck disable=SC2086 # PEER is a command with its arguments
    $PEER make "$BASE.jsonl" "$PQ" $PQ_ROWS || die "DuckDB could not write $PQ"
    echo "$pq_want" >"$PQ.stamp"
fi
# shellcheck disable=SC2086
META=$($PEER meta "$PQ") || die "DuckDB could not read $PQ's footer"
read -r _ NROWS _ NRG _ RG_ROWS _ RG_RAW _ RG_PACKED _ RAW <<EOF
$META
EOF
PQ_BYTES=$(wc -c <"$PQ")

OUT_TS="$OUTDIR/parquet.tuneset.jsonl"
OUT_DK="$OUTDIR/parquet.duckdb.jsonl"
# The peer appends its COPY's own time (and its RSS before it) here.
BENCH_PEER_LOG="$OUTDIR/parquet.duckdb.log"
export BENCH_PEER_LOG
# shellcheck disable=SC2317 # called by cleanup
clean_outputs() { rm -f "$OUT_TS" "$OUT_DK" "$BENCH_PEER_LOG"; }
# The peer's stderr (the same two numbers) shows under its line.
bench_start capture

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
echo "bench: parquet: $(host_line); node $(node --version), @duckdb/node-api $DUCK_VER (threads=1)"
echo "bench: input $PQ: $PQ_BYTES bytes, $NROWS rows in $NRG row groups of up to $RG_ROWS rows"
echo "bench:   largest row group $(mib "$RG_RAW") MiB decoded, $(mib "$RG_PACKED") MiB stored; whole file $(mib "$RAW") MiB decoded"
awk -v b="$PQ_BYTES" -v t="$T_PQ_MB" 'BEGIN { if (b < t * 1e6) printf "bench:   note: below the issue'"'"'s %d MB (BENCH_SIZE)\n", t }'
echo "bench: load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
rm -f "$OUT_TS" "$OUT_DK" "$BENCH_PEER_LOG"
measure tuneset parquet "$PQ" "$OUT_TS" "$TUNESET" cat "$PQ" -o "$OUT_TS" -q
# shellcheck disable=SC2086
measure duckdb parquet "$PQ" "$OUT_DK" $PEER cat "$PQ" "$OUT_DK"
# DuckDB's best COPY time and the RSS of node with DuckDB loaded, idle.
COPY_S=0 NODE_RSS=0
if [ -s "$BENCH_PEER_LOG" ]; then
    COPY_S=$(awk 'NR == 1 || $1 < m { m = $1 } END { print m + 0 }' "$BENCH_PEER_LOG")
    NODE_RSS=$(awk '{ print $2; exit }' "$BENCH_PEER_LOG")
fi
echo "bench: load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# Same records: byte for byte when they agree (they do on this data: both
# write compact JSON, keys in schema order, UTF-8 unescaped, and DuckDB
# prints these doubles as tuneset does); else record by record as values,
# which shows the first one that differs.
OUT_BYTES=0
for f in "$OUT_DK" "$OUT_TS"; do [ -f "$f" ] && OUT_BYTES=$(wc -c <"$f"); done
if [ -f "$OUT_TS" ] && [ -f "$OUT_DK" ]; then
    n=$(wc -l <"$OUT_TS")
    if cmp -s "$OUT_TS" "$OUT_DK"; then
        echo "  parquet: tuneset output equals DuckDB's ($n records, $OUT_BYTES bytes)"
    else
        echo "  parquet: outputs differ in bytes; comparing records as JSON values"
        python3 - "$OUT_TS" "$OUT_DK" <<'PY' || FAILED=1
import json, sys
from decimal import Decimal

def same(a, b):
    # numbers by value (4.0 = 4 = 4.00), objects in key order, the rest exact
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)):
        return Decimal(a) == Decimal(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b

n = 0
with open(sys.argv[1], encoding="utf-8") as ft, open(sys.argv[2], encoding="utf-8") as fd:
    for n, (lt, ld) in enumerate(zip(ft, fd), 1):
        t = json.loads(lt, parse_float=Decimal)
        d = json.loads(ld, parse_float=Decimal)
        if not same(t, d):
            print(f"  parquet: RECORDS DIFFER at record {n} (id {t.get('id') if isinstance(t, dict) else '?'}):")
            print(f"    tuneset: {lt[:300].rstrip()}")
            print(f"    duckdb:  {ld[:300].rstrip()}")
            sys.exit(1)
    rest_t, rest_d = ft.read(1), fd.read(1)
    if rest_t or rest_d:
        print(f"  parquet: RECORD COUNTS DIFFER: {'tuneset' if rest_t else 'duckdb'} has more than {n}")
        sys.exit(1)
print(f"  parquet: the same {n} records (numbers compared by value)")
PY
    fi
    if [ "$n" -ne "$NROWS" ]; then
        FAILED=1
        echo "  parquet: tuneset wrote $n records, the footer says $NROWS rows"
    fi
fi
[ "${BENCH_KEEP:-0}" = 1 ] || clean_outputs

report parquet 8 "parquet=$PQ_BYTES" '
function verdicts() {
  for (t = 0; t < nt; t++) if (outb > 0 && ("parquet", tools[t]) in sec && sec["parquet", tools[t]] > 0)
    printf "%-8s JSONL written: %.1f MB/s (%d bytes)\n", tools[t], outb / 1e6 / sec["parquet", tools[t]], outb
  if (copys > 0 && ("parquet", "duckdb") in sec)
    printf "duckdb   COPY alone: %.3f s, %.1f MB/s of Parquet (node and DuckDB loaded before it: %.2f s, %.1f MiB)\n",
      copys, size["parquet"] / 1e6 / copys, sec["parquet", "duckdb"] - copys, noderss / 1048576
  if (copys > 0 && ("parquet", "tuneset") in sec && ("parquet", "duckdb") in sec && sec["parquet", "tuneset"] > 0)
    printf "ratio    tuneset speed / DuckDB: %.2fx against its COPY alone, %.2fx against the whole node process\n",
      copys / sec["parquet", "tuneset"], sec["parquet", "duckdb"] / sec["parquet", "tuneset"]
  print ""
  # The target is taken against the COPY alone: DuckDB is not charged
  # for starting node.
  if (copys > 0 && ("parquet", "tuneset") in sec && sec["parquet", "tuneset"] > 0)
    verdict("parquet", "duckdb", "speed over DuckDB COPY", copys / sec["parquet", "tuneset"], ">=", tratio, "x")
  verdict("parquet", "tuneset", "tuneset peak RSS", rss["parquet", "tuneset"], "<", rssmax, "MiB")
}' -v tratio="$T_RATIO" -v outb="$OUT_BYTES" -v copys="$COPY_S" -v noderss="$NODE_RSS" \
    -v rssmax="$(awk -v r="$RG_RAW" -v p="$RG_PACKED" -v s="$T_RSS_SLACK_MIB" 'BEGIN { printf "%.0f", (r + p) / 1048576 + s }')"
echo "(RSS target: the largest row group decoded + stored + $T_RSS_SLACK_MIB MiB = the largest row group held twice, plus room for the program)"

[ "$FAILED" = 0 ] || echo "bench: FAILED: a tool failed or the outputs differ (see above)"
exit "$FAILED"
