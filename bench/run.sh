#!/bin/sh
# The record-core benchmark: `tuneset cat` against a Python stdlib json script
# and `jq -c`, on a JSONL file and on a pretty-printed JSON array of the same
# records. Prints MB/s, peak RSS, the ratios, PASS/MISS against the targets,
# and checks that tuneset writes exactly the bytes Python writes.
#
# Knobs (environment):
#   BENCH_SIZE    input size, K/M/G = 2^10/2^20/2^30   (default 300M)
#   BENCH_SEED    datagen seed                          (default 1)
#   BENCH_SHAPE   sft | sharegpt | hhrlhf | alpaca      (default sft)
#   BENCH_DIR     where inputs and outputs go           (default bench/data)
#   BENCH_REPEAT  runs per tool and input, best taken   (default 1)
#   BENCH_PEERS   which peers to run                    (default "python jq")
#   BENCH_KEEP    1 keeps the outputs                   (default: removed)
#   TUNESET       the binary under test                 (default build/tuneset)
#
# Exit status: 0 when every tool ran and tuneset's output equals Python's,
# whether or not the speed targets were met (it is a report); 1 when a tool
# failed or the outputs differ; 2 when the setup is incomplete.
set -u
cd "$(dirname "$0")/.." || exit 2

SHAPE=${BENCH_SHAPE:-sft}
PEERS=${BENCH_PEERS:-python jq}
# shellcheck source=bench/common.sh
. bench/common.sh

# Targets (issue: "bench/"): JSONL parse+write speed, speed over Python, memory.
T_MBS=400
T_RATIO=10
T_RSS=64

for p in $PEERS; do
    case $p in
    python) command -v python3 >/dev/null 2>&1 || die "python3 not found (or set BENCH_PEERS)" ;;
    jq) command -v jq >/dev/null 2>&1 || die "jq not found: apt-get install jq (or BENCH_PEERS=python)" ;;
    *) die "unknown peer '$p' in BENCH_PEERS" ;;
    esac
done

build_datagen
BASE="$DIR/$SHAPE-$SIZE-s$SEED"
gen "$SHAPE" "$BASE.jsonl"
gen "$SHAPE" "$BASE.json" --array

# shellcheck disable=SC2317 # called by cleanup
clean_outputs() {
    for k in jsonl array; do
        rm -f "$OUTDIR/$k.tuneset.jsonl" "$OUTDIR/$k.python.jsonl" "$OUTDIR/$k.jq.jsonl"
    done
}
bench_start pass

run_input() { # run_input KIND FILE JQFILTER
    kind=$1 in=$2 filter=$3
    out_ts="$OUTDIR/$kind.tuneset.jsonl"
    out_py="$OUTDIR/$kind.python.jsonl"
    out_jq="$OUTDIR/$kind.jq.jsonl"
    rm -f "$out_ts" "$out_py" "$out_jq"
    measure tuneset "$kind" "$in" "$out_ts" "$TUNESET" cat "$in" -o "$out_ts" -q
    for p in $PEERS; do
        # shellcheck disable=SC2016 # jq's command is expanded by the inner sh
        case $p in
        python) measure python "$kind" "$in" "$out_py" python3 bench/peer_cat.py "$in" "$out_py" ;;
        jq) measure jq "$kind" "$in" "$out_jq" sh -c 'exec jq -c "$1" "$2" >"$3"' sh "$filter" "$in" "$out_jq" ;;
        esac
    done
    check "$kind" "$out_ts" "$out_py" "$out_jq"
}

# jq reformats numbers (4.0 becomes 4), so only its record count is checked.
check() {
    kind=$1 ts=$2 py=$3 jqo=$4
    if [ -f "$ts" ]; then
        same_output "$kind" "$ts" "$py"
        n=$(wc -l <"$ts")
        if [ -f "$jqo" ] && [ "$(wc -l <"$jqo")" -ne "$n" ]; then
            FAILED=1
            echo "  $kind: jq wrote $(wc -l <"$jqo") records, tuneset $n"
        fi
    fi
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$ts" "$py" "$jqo"
}

echo "bench: $(host_line)"
echo "bench: inputs $BASE.jsonl ($(wc -c <"$BASE.jsonl") bytes), $BASE.json ($(wc -c <"$BASE.json") bytes)"
run_input jsonl "$BASE.jsonl" .
run_input array "$BASE.json" '.[]'

report input 6 "jsonl=$(wc -c <"$BASE.jsonl") array=$(wc -c <"$BASE.json")" '
function verdicts() {
  verdict("jsonl", "tuneset", "JSONL speed", mbs["jsonl", "tuneset"], ">=", tmbs, "MB/s")
  over("jsonl", "python", "JSONL speed over python", tratio)
  for (k = 0; k < nk; k++)
    verdict(kinds[k], "tuneset", kinds[k] " peak RSS", rss[kinds[k], "tuneset"], "<", trss, "MiB")
}' -v tmbs="$T_MBS" -v tratio="$T_RATIO" -v trss="$T_RSS"

[ "$FAILED" = 0 ] || echo "bench: FAILED: a tool failed or the outputs differ (see above)"
exit "$FAILED"
