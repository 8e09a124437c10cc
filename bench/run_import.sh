#!/bin/sh
# The importers' benchmark: `tuneset import sharegpt` on a pretty-printed
# ShareGPT JSON array and `tuneset import hh-rlhf` on HH-RLHF JSON Lines,
# each against bench/peer_import.py (Python stdlib json) doing the same
# conversion, side by side in one run. Prints MB/s, peak RSS, the ratio,
# PASS/MISS against >= 10x, and checks that both write the same bytes.
#
# Knobs (environment), as for run.sh:
#   BENCH_SIZE     input size, K/M/G = 2^10/2^20/2^30   (default 300M)
#   BENCH_SEED     datagen seed                          (default 1)
#   BENCH_DIR      where inputs and outputs go           (default bench/data)
#   BENCH_REPEAT   runs per tool and input, best taken   (default 1)
#   BENCH_FORMATS  which importers to time               (default "sharegpt hh-rlhf")
#   BENCH_KEEP     1 keeps the outputs                   (default: removed)
#   TUNESET        the binary under test                 (default build/tuneset)
#
# Exit status: 0 when every tool ran and the outputs are equal, whether or
# not the speed target was met (it is a report); 1 when a tool failed or the
# outputs differ; 2 when the setup is incomplete.
set -u
cd "$(dirname "$0")/.." || exit 2

FORMATS=${BENCH_FORMATS:-sharegpt hh-rlhf}
# shellcheck source=bench/common.sh
. bench/common.sh

# Target (issue "tuneset import", Done means): speed over the Python peer.
T_RATIO=10

command -v python3 >/dev/null 2>&1 || die "python3 not found"
for f in $FORMATS; do
    case $f in sharegpt|hh-rlhf) ;; *) die "unknown format '$f' in BENCH_FORMATS (sharegpt, hh-rlhf)" ;; esac
done

build_datagen
# The hh-rlhf importer names the subset after the file's folder and the
# split after its stem (id "hh-rlhf/helpful-base/<stem>/<row>"), as in the
# real download; both tools get the same path, so the ids agree. The
# ShareGPT array is the one `BENCH_SHAPE=sharegpt sh bench/run.sh` uses.
SG_IN="$DIR/sharegpt-$SIZE-s$SEED.json"
HH_IN="$DIR/helpful-base/hhrlhf-$SIZE-s$SEED.jsonl"
for f in $FORMATS; do
    case $f in
    sharegpt) gen sharegpt "$SG_IN" --array ;;
    hh-rlhf) gen hhrlhf "$HH_IN" ;;
    esac
done

# shellcheck disable=SC2317 # called by cleanup
clean_outputs() {
    for f in sharegpt hh-rlhf; do
        rm -f "$OUTDIR/import-$f.tuneset.jsonl" "$OUTDIR/import-$f.python.jsonl"
    done
}
# The tools' stderr is shown under their lines: the Python peer's summary.
bench_start capture

run_format() { # run_format FORMAT IN
    kind=$1 in=$2
    out_ts="$OUTDIR/import-$kind.tuneset.jsonl"
    out_py="$OUTDIR/import-$kind.python.jsonl"
    rm -f "$out_ts" "$out_py"
    echo "bench: $kind: $in ($(wc -c <"$in") bytes)"
    measure tuneset "$kind" "$in" "$out_ts" "$TUNESET" import "$kind" "$in" -o "$out_ts" -q
    measure python "$kind" "$in" "$out_py" python3 bench/peer_import.py "$kind" "$in" "$out_py"
    same_output "$kind" "$out_ts" "$out_py"
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$out_ts" "$out_py"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

echo "bench: import: $(host_line); $(python3 --version 2>&1)"
echo "bench: load average at start: $(loadavg)"
for f in $FORMATS; do
    case $f in
    sharegpt) run_format sharegpt "$SG_IN" ;;
    hh-rlhf) run_format hh-rlhf "$HH_IN" ;;
    esac
done
echo "bench: load average at end: $(loadavg)"

sg_bytes=0 hh_bytes=0
[ -f "$SG_IN" ] && sg_bytes=$(wc -c <"$SG_IN")
[ -f "$HH_IN" ] && hh_bytes=$(wc -c <"$HH_IN")
report import 9 "sharegpt=$sg_bytes hh-rlhf=$hh_bytes" '
function verdicts() {
  for (k = 0; k < nk; k++) over(kinds[k], "python", kinds[k] " speed over python", tratio)
}' -v tratio="$T_RATIO"

[ "$FAILED" = 0 ] || echo "bench: FAILED: a tool failed or the outputs differ (see above)"
exit "$FAILED"
