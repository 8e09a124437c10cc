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

SIZE=${BENCH_SIZE:-300M}
SEED=${BENCH_SEED:-1}
SHAPE=${BENCH_SHAPE:-sft}
DIR=${BENCH_DIR:-bench/data}
REPEAT=${BENCH_REPEAT:-1}
PEERS=${BENCH_PEERS:-python jq}
TUNESET=${TUNESET:-build/tuneset}
DATAGEN=build/bench/datagen
CC=${CC:-cc}

# Targets (issue: "bench/"): JSONL parse+write speed, speed over Python, memory.
T_MBS=400
T_RATIO=10
T_RSS=64

die() { echo "bench: $*" >&2; exit 2; }

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time': apt-get install time); it measures peak RSS"
[ -x "$TUNESET" ] || die "$TUNESET not found: run 'make' first"
case $REPEAT in ''|*[!0-9]*|0) die "BENCH_REPEAT must be a positive integer" ;; esac
for p in $PEERS; do
    case $p in
    python) command -v python3 >/dev/null 2>&1 || die "python3 not found (or set BENCH_PEERS)" ;;
    jq) command -v jq >/dev/null 2>&1 || die "jq not found: apt-get install jq (or BENCH_PEERS=python)" ;;
    *) die "unknown peer '$p' in BENCH_PEERS" ;;
    esac
done

PIN=
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    PIN="taskset -c 0"
fi

# datagen: rebuilt when its sources change.
DG_SRCS="bench/datagen.c bench/datagen_text.c bench/datagen_json.c"
DG_ALL="$DG_SRCS bench/datagen.h bench/datagen_vocab.h"
mkdir -p "$(dirname "$DATAGEN")" "$DIR" || exit 2
# shellcheck disable=SC2086 # word lists of plain paths
if [ ! -x "$DATAGEN" ] || [ -n "$(find $DG_ALL -newer "$DATAGEN")" ]; then
    echo "bench: building $DATAGEN"
    $CC -std=c11 -O2 -Wall -Wextra -o "$DATAGEN" $DG_SRCS || die "cannot build datagen"
fi

# Inputs are cached: regenerated only when the size, seed, shape or the
# generator itself changed (the stamp holds all four).
# shellcheck disable=SC2086
SRCSUM=$(cat $DG_ALL | cksum | cut -d' ' -f1)
gen() { # gen FILE [--array]
    stamp="$1.stamp"
    want="$SHAPE $SIZE $SEED $* $SRCSUM"
    if [ -f "$1" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    echo "bench: generating $1"
    rm -f "$stamp"
    f=$1
    shift
    "$DATAGEN" --shape "$SHAPE" --size "$SIZE" --seed "$SEED" "$@" -o "$f" || die "datagen failed"
    echo "$want" >"$stamp"
}
BASE="$DIR/$SHAPE-$SIZE-s$SEED"
gen "$BASE.jsonl"
gen "$BASE.json" --array

OUTDIR="$DIR/out"
mkdir -p "$OUTDIR" || exit 2
TMP=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 2
RESULTS=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 2
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    rm -f "$TMP" "$RESULTS"
    [ "${BENCH_KEEP:-0}" = 1 ] || for k in jsonl array; do
        rm -f "$OUTDIR/$k.tuneset.jsonl" "$OUTDIR/$k.python.jsonl" "$OUTDIR/$k.jq.jsonl"
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM PIPE
FAILED=0

# Wall time in ns when date has %N (GNU), for better than time's 10 ms;
# empty otherwise, and time's %e is used.
now() { d=$(date +%s%N 2>/dev/null); case $d in *[!0-9]*|'') ;; *) echo "$d" ;; esac; }

# measure NAME KIND IN OUT CMD...: best wall time (with that run's user and
# system CPU seconds) and highest peak RSS over BENCH_REPEAT runs, appended
# to $RESULTS as "kind tool wall rss_kib user sys".
measure() {
    name=$1 kind=$2 in=$3 out=$4
    shift 4
    best='' rss=0 i=0 bu='' bs=''
    while [ "$i" -lt "$REPEAT" ]; do
        i=$((i + 1))
        # Every tool starts alike: input in the page cache, no output file,
        # and no dirty pages from the previous writer (datagen, another
        # tool) whose writeback it would otherwise pay for.
        rm -f "$out"
        cat "$in" >/dev/null
        sync
        t0=$(now)
        if ! $PIN /usr/bin/time -f '%e %M %U %S' -o "$TMP" "$@"; then
            echo "bench: $name failed on $kind input ($(head -n 1 "$TMP"); command: $*)" >&2
            FAILED=1
            return 1
        fi
        t1=$(now)
        read -r t m u sy <<EOF
$(tail -n 1 "$TMP")
EOF
        [ -n "$t0" ] && t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        if [ -z "$best" ] || [ "$(awk -v a="$t" -v b="$best" 'BEGIN { print (a < b) }')" = 1 ]; then
            best=$t bu=$u bs=$sy
        fi
        [ "$m" -gt "$rss" ] && rss=$m
    done
    echo "$kind $name $best $rss $bu $bs" >>"$RESULTS"
    printf '  %-8s %-7s %8.3f s (user %s, sys %s) %8.1f MiB\n' "$kind" "$name" "$best" "$bu" "$bs" \
        "$(awk -v m="$rss" 'BEGIN { print m / 1024 }')"
}

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

# tuneset must write what Python writes, byte for byte; jq reformats numbers
# (4.0 becomes 4), so only its record count is checked.
check() {
    kind=$1 ts=$2 py=$3 jqo=$4
    if [ ! -f "$ts" ]; then
        [ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$py" "$jqo"
        return 0
    fi
    n=$(wc -l <"$ts")
    if [ -f "$py" ]; then
        if cmp -s "$ts" "$py"; then
            echo "  $kind: tuneset output equals python's ($n records, $(wc -c <"$ts") bytes)"
        else
            FAILED=1
            echo "  $kind: OUTPUTS DIFFER: tuneset $n lines, python $(wc -l <"$py") lines"
            at=$(cmp "$ts" "$py" 2>&1 | head -n 1)
            echo "    $at"
            line=$(echo "$at" | sed -n 's/.* line \([0-9]*\).*/\1/p')
            if [ -n "$line" ]; then
                echo "    tuneset: $(sed -n "${line}p" "$ts" | cut -c 1-300)"
                echo "    python:  $(sed -n "${line}p" "$py" | cut -c 1-300)"
            fi
        fi
    fi
    if [ -f "$jqo" ] && [ "$(wc -l <"$jqo")" -ne "$n" ]; then
        FAILED=1
        echo "  $kind: jq wrote $(wc -l <"$jqo") records, tuneset $n"
    fi
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$ts" "$py" "$jqo"
}

echo "bench: $(uname -m), $(nproc 2>/dev/null || echo '?') cores, ${PIN:-not pinned}; repeat $REPEAT; $("$TUNESET" --version 2>/dev/null | head -n 1)"
echo "bench: inputs $BASE.jsonl ($(wc -c <"$BASE.jsonl") bytes), $BASE.json ($(wc -c <"$BASE.json") bytes)"
run_input jsonl "$BASE.jsonl" .
run_input array "$BASE.json" '.[]'

# The report. MB = 10^6 bytes of input; RSS in MiB (2^20).
echo
awk -v jsonl="$(wc -c <"$BASE.jsonl")" -v array="$(wc -c <"$BASE.json")" \
    -v tmbs="$T_MBS" -v tratio="$T_RATIO" -v trss="$T_RSS" '
{ bytes = ($1 == "jsonl") ? jsonl : array
  sec[$1, $2] = $3; rss[$1, $2] = $4 / 1024; usr[$1, $2] = $5; sys[$1, $2] = $6
  mbs[$1, $2] = $3 > 0 ? bytes / 1e6 / $3 : 0
  if (!(($1) in seen)) { seen[$1] = 1; kinds[nk++] = $1 }
  if (!(($2) in seent)) { seent[$2] = 1; tools[nt++] = $2 } }
END {
  printf "%-6s %-8s %9s %7s %7s %9s %9s  %s\n", "input", "tool", "wall s", "user s", "sys s", "MB/s", "RSS MiB", "tuneset speed / peer"
  for (k = 0; k < nk; k++) for (t = 0; t < nt; t++) {
    K = kinds[k]; T = tools[t]
    if (!((K, T) in sec)) continue
    ratio = ""
    if (T != "tuneset" && ((K, "tuneset") in sec) && sec[K, "tuneset"] > 0)
      ratio = sprintf("%.1fx", sec[K, T] / sec[K, "tuneset"])
    printf "%-6s %-8s %9.3f %7.2f %7.2f %9.1f %9.1f  %s\n", K, T, sec[K, T], usr[K, T], sys[K, T], mbs[K, T], rss[K, T], ratio
  }
  print ""
  line("jsonl", "tuneset", "JSONL speed", mbs["jsonl", "tuneset"], ">=", tmbs, "MB/s")
  if ((("jsonl", "tuneset") in sec) && (("jsonl", "python") in sec) && sec["jsonl", "tuneset"] > 0)
    line("jsonl", "python", "JSONL speed over python", sec["jsonl", "python"] / sec["jsonl", "tuneset"], ">=", tratio, "x")
  for (k = 0; k < nk; k++)
    line(kinds[k], "tuneset", kinds[k] " peak RSS", rss[kinds[k], "tuneset"], "<", trss, "MiB")
}
function line(K, T, what, v, op, target, unit) {
  if (!((K, "tuneset") in sec) || !((K, T) in sec)) return
  ok = (op == ">=") ? v >= target : v < target
  printf "%-4s %-26s %8.1f %s (target %s %s %s)\n", ok ? "PASS" : "MISS", what, v, unit, op, target, unit
}' "$RESULTS"

[ "$FAILED" = 0 ] || echo "bench: FAILED: a tool failed or the outputs differ (see above)"
exit "$FAILED"
