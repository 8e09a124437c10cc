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

SIZE=${BENCH_SIZE:-300M}
SEED=${BENCH_SEED:-1}
DIR=${BENCH_DIR:-bench/data}
REPEAT=${BENCH_REPEAT:-1}
FORMATS=${BENCH_FORMATS:-sharegpt hh-rlhf}
TUNESET=${TUNESET:-build/tuneset}
DATAGEN=build/bench/datagen
CC=${CC:-cc}

# Target (issue "tuneset import", Done means): speed over the Python peer.
T_RATIO=10

die() { echo "bench: $*" >&2; exit 2; }

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time': apt-get install time); it measures peak RSS"
[ -x "$TUNESET" ] || die "$TUNESET not found: run 'make' first"
command -v python3 >/dev/null 2>&1 || die "python3 not found"
case $REPEAT in ''|*[!0-9]*|0) die "BENCH_REPEAT must be a positive integer" ;; esac
for f in $FORMATS; do
    case $f in sharegpt|hh-rlhf) ;; *) die "unknown format '$f' in BENCH_FORMATS (sharegpt, hh-rlhf)" ;; esac
done

PIN=
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    PIN="taskset -c 0"
fi

# datagen: rebuilt when its sources change (the same rule as run.sh).
DG_SRCS="bench/datagen.c bench/datagen_text.c bench/datagen_json.c"
DG_ALL="$DG_SRCS bench/datagen.h bench/datagen_vocab.h"
mkdir -p "$(dirname "$DATAGEN")" "$DIR" || exit 2
# shellcheck disable=SC2086 # word lists of plain paths
if [ ! -x "$DATAGEN" ] || [ -n "$(find $DG_ALL -newer "$DATAGEN")" ]; then
    echo "bench: building $DATAGEN"
    $CC -std=c11 -O2 -Wall -Wextra -o "$DATAGEN" $DG_SRCS || die "cannot build datagen"
fi

# Inputs are cached; the stamp is written exactly as run.sh writes it, so
# `BENCH_SHAPE=sharegpt sh bench/run.sh` and this script share the array.
# shellcheck disable=SC2086
SRCSUM=$(cat $DG_ALL | cksum | cut -d' ' -f1)
gen() { # gen SHAPE FILE [--array]
    shape=$1 f=$2
    shift 2
    stamp="$f.stamp"
    want="$shape $SIZE $SEED $* $SRCSUM"
    if [ -f "$f" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    echo "bench: generating $f"
    mkdir -p "$(dirname "$f")" || exit 2
    rm -f "$stamp"
    "$DATAGEN" --shape "$shape" --size "$SIZE" --seed "$SEED" "$@" -o "$f" || die "datagen failed"
    echo "$want" >"$stamp"
}
# The hh-rlhf importer names the subset after the file's folder and the
# split after its stem (id "hh-rlhf/helpful-base/<stem>/<row>"), as in the
# real download; both tools get the same path, so the ids agree.
SG_IN="$DIR/sharegpt-$SIZE-s$SEED.json"
HH_IN="$DIR/helpful-base/hhrlhf-$SIZE-s$SEED.jsonl"
for f in $FORMATS; do
    case $f in
    sharegpt) gen sharegpt "$SG_IN" --array ;;
    hh-rlhf) gen hhrlhf "$HH_IN" ;;
    esac
done

OUTDIR="$DIR/out"
mkdir -p "$OUTDIR" || exit 2
TMP=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 2
ERRF=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 2
RESULTS=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 2
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    rm -f "$TMP" "$ERRF" "$RESULTS"
    [ "${BENCH_KEEP:-0}" = 1 ] || for f in sharegpt hh-rlhf; do
        rm -f "$OUTDIR/import-$f.tuneset.jsonl" "$OUTDIR/import-$f.python.jsonl"
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM PIPE
FAILED=0

now() { d=$(date +%s%N 2>/dev/null); case $d in *[!0-9]*|'') ;; *) echo "$d" ;; esac; }

# measure NAME FORMAT IN OUT CMD...: best wall time (with that run's user
# and system CPU seconds) and highest peak RSS over BENCH_REPEAT runs,
# appended to $RESULTS as "format tool wall rss_kib user sys". The tool's
# stderr is kept in $ERRF (the Python peer's summary; any error).
measure() {
    name=$1 kind=$2 in=$3 out=$4
    shift 4
    best='' rss=0 i=0 bu='' bs=''
    while [ "$i" -lt "$REPEAT" ]; do
        i=$((i + 1))
        # The same start for every tool: input in the page cache, no
        # output file, no dirty pages left by the previous writer.
        rm -f "$out"
        cat "$in" >/dev/null
        sync
        t0=$(now)
        if ! $PIN /usr/bin/time -f '%e %M %U %S' -o "$TMP" "$@" 2>"$ERRF"; then
            echo "bench: $name failed on $kind ($(head -n 1 "$TMP"); command: $*)" >&2
            sed 's/^/    /' "$ERRF" | tail -n 5 >&2
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
    [ -s "$ERRF" ] && sed 's/^/      /' "$ERRF"
    return 0
}

run_format() { # run_format FORMAT IN
    kind=$1 in=$2
    out_ts="$OUTDIR/import-$kind.tuneset.jsonl"
    out_py="$OUTDIR/import-$kind.python.jsonl"
    rm -f "$out_ts" "$out_py"
    echo "bench: $kind: $in ($(wc -c <"$in") bytes)"
    measure tuneset "$kind" "$in" "$out_ts" "$TUNESET" import "$kind" "$in" -o "$out_ts" -q
    measure python "$kind" "$in" "$out_py" python3 bench/peer_import.py "$kind" "$in" "$out_py"
    check "$kind" "$out_ts" "$out_py"
}

# Both must write the same records, byte for byte. When they do not, the
# first record that differs is shown: it points at a bug in one of them.
check() {
    kind=$1 ts=$2 py=$3
    if [ -f "$ts" ] && [ -f "$py" ]; then
        n=$(wc -l <"$ts")
        if cmp -s "$ts" "$py"; then
            echo "  $kind: tuneset output equals python's ($n records, $(wc -c <"$ts") bytes)"
        else
            FAILED=1
            echo "  $kind: OUTPUTS DIFFER: tuneset $n records, python $(wc -l <"$py")"
            at=$(cmp "$ts" "$py" 2>&1 | head -n 1)
            echo "    $at"
            line=$(echo "$at" | sed -n 's/.*line \([0-9]*\).*/\1/p')
            byte=$(echo "$at" | sed -n 's/.* byte \([0-9]*\),.*/\1/p')
            col=1
            # "EOF on FILE": the shorter file is a prefix of the other, so
            # the first extra record is the one after its last.
            case $at in
            *EOF*) line=$(($(wc -l <"$ts") < $(wc -l <"$py") ? $(wc -l <"$ts") + 1 : $(wc -l <"$py") + 1)) ;;
            *) [ -n "$byte" ] && [ -n "$line" ] &&
                col=$((byte - $(head -n $((line - 1)) "$ts" | wc -c))) ;;
            esac
            if [ -n "$line" ]; then
                # Records run long: show the id and 300 bytes from just
                # before the first differing byte.
                from=$((col > 100 ? col - 100 : 1))
                for who in tuneset python; do
                    f=$ts
                    [ "$who" = python ] && f=$py
                    rec=$(sed -n "${line}{p;q}" "$f")
                    id=$(echo "$rec" | grep -o '"id":"[^"]*","source"' | head -n 1)
                    echo "    $who: record $line ${id%,\"source\"}, bytes $from..:"
                    echo "      $(echo "$rec" | cut -b "$from-$((from + 299))")"
                done
            fi
        fi
    fi
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$ts" "$py"
}

echo "bench: import: $(uname -m), $(nproc 2>/dev/null || echo '?') cores, ${PIN:-not pinned}; repeat $REPEAT; $("$TUNESET" --version 2>/dev/null | head -n 1); $(python3 --version 2>&1)"
echo "bench: load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
for f in $FORMATS; do
    case $f in
    sharegpt) run_format sharegpt "$SG_IN" ;;
    hh-rlhf) run_format hh-rlhf "$HH_IN" ;;
    esac
done
echo "bench: load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# The report. MB = 10^6 bytes of input; RSS in MiB (2^20).
echo
sg_bytes=0 hh_bytes=0
[ -f "$SG_IN" ] && sg_bytes=$(wc -c <"$SG_IN")
[ -f "$HH_IN" ] && hh_bytes=$(wc -c <"$HH_IN")
awk -v sg="$sg_bytes" -v hh="$hh_bytes" -v tratio="$T_RATIO" '
{ bytes = ($1 == "sharegpt") ? sg : hh
  sec[$1, $2] = $3; rss[$1, $2] = $4 / 1024; usr[$1, $2] = $5; sys[$1, $2] = $6
  mbs[$1, $2] = $3 > 0 ? bytes / 1e6 / $3 : 0
  if (!(($1) in seen)) { seen[$1] = 1; kinds[nk++] = $1 }
  if (!(($2) in seent)) { seent[$2] = 1; tools[nt++] = $2 } }
END {
  printf "%-9s %-8s %9s %7s %7s %9s %9s  %s\n", "import", "tool", "wall s", "user s", "sys s", "MB/s", "RSS MiB", "tuneset speed / peer"
  for (k = 0; k < nk; k++) for (t = 0; t < nt; t++) {
    K = kinds[k]; T = tools[t]
    if (!((K, T) in sec)) continue
    ratio = ""
    if (T != "tuneset" && ((K, "tuneset") in sec) && sec[K, "tuneset"] > 0)
      ratio = sprintf("%.1fx", sec[K, T] / sec[K, "tuneset"])
    printf "%-9s %-8s %9.3f %7.2f %7.2f %9.1f %9.1f  %s\n", K, T, sec[K, T], usr[K, T], sys[K, T], mbs[K, T], rss[K, T], ratio
  }
  print ""
  for (k = 0; k < nk; k++) {
    K = kinds[k]
    if (!((K, "tuneset") in sec) || !((K, "python") in sec) || sec[K, "tuneset"] <= 0) continue
    v = sec[K, "python"] / sec[K, "tuneset"]
    printf "%-4s %-26s %8.1f x (target >= %s x)\n", (v >= tratio) ? "PASS" : "MISS", K " speed over python", v, tratio
  }
}' "$RESULTS"

[ "$FAILED" = 0 ] || echo "bench: FAILED: a tool failed or the outputs differ (see above)"
exit "$FAILED"
