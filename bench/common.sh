# shellcheck shell=sh
# What bench/run.sh and bench/run_import.sh share: the knobs both take, the
# setup checks, the data generator and its cached inputs, the timed runs,
# the byte-for-byte output check and the report table. Sourced from the
# repository root, after the script has set its own knobs.

SIZE=${BENCH_SIZE:-300M}
SEED=${BENCH_SEED:-1}
DIR=${BENCH_DIR:-bench/data}
REPEAT=${BENCH_REPEAT:-1}
TUNESET=${TUNESET:-build/tuneset}
DATAGEN=build/bench/datagen
CC=${CC:-cc}
OUTDIR="$DIR/out"
ERRF=
FAILED=0

die() { echo "bench: $*" >&2; exit 2; }

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time': apt-get install time); it measures peak RSS"
[ -x "$TUNESET" ] || die "$TUNESET not found: run 'make' first"
case $REPEAT in ''|*[!0-9]*|0) die "BENCH_REPEAT must be a positive integer" ;; esac

PIN=
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    PIN="taskset -c 0"
fi

# datagen: rebuilt when its sources change. SRCSUM goes in the input stamps.
build_datagen() {
    DG_SRCS="bench/datagen.c bench/datagen_text.c bench/datagen_json.c"
    DG_ALL="$DG_SRCS bench/datagen.h bench/datagen_vocab.h"
    mkdir -p "$(dirname "$DATAGEN")" "$DIR" || exit 2
    # shellcheck disable=SC2086 # word lists of plain paths
    if [ ! -x "$DATAGEN" ] || [ -n "$(find $DG_ALL -newer "$DATAGEN")" ]; then
        echo "bench: building $DATAGEN"
        $CC -std=c11 -O2 -Wall -Wextra -o "$DATAGEN" $DG_SRCS || die "cannot build datagen"
    fi
    # shellcheck disable=SC2086
    SRCSUM=$(cat $DG_ALL | cksum | cut -d' ' -f1)
}

# gen SHAPE FILE [DATAGEN-ARGS...]: inputs are cached, regenerated only when
# the shape, size, seed, arguments or the generator itself changed (the
# stamp holds them all). The stamp does not name the file, so both scripts
# share an input they both use (the ShareGPT array).
gen() {
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

# bench_start pass|capture: the temporary files and the trap that removes
# them and, unless BENCH_KEEP=1, the outputs (the script's clean_outputs).
# With "capture", measure keeps each tool's stderr in $ERRF and shows it
# under the tool's line; with "pass", it goes straight through.
bench_start() {
    mkdir -p "$OUTDIR" || exit 2
    TMP=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 2
    if [ "$1" = capture ]; then
        ERRF=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 2
    fi
    RESULTS=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 2
    trap cleanup EXIT
    trap 'exit 130' INT TERM PIPE
}

# shellcheck disable=SC2317 # called by the trap
cleanup() {
    rm -f "$TMP" "$RESULTS" ${ERRF:+"$ERRF"}
    [ "${BENCH_KEEP:-0}" = 1 ] || clean_outputs
}

# Wall time in ns when date has %N (GNU), for better than time's 10 ms;
# empty otherwise, and time's %e is used.
now() { d=$(date +%s%N 2>/dev/null); case $d in *[!0-9]*|'') ;; *) echo "$d" ;; esac; }

timed() { $PIN /usr/bin/time -f '%e %M %U %S' -o "$TMP" "$@"; }

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
        if [ -n "$ERRF" ]; then timed "$@" 2>"$ERRF"; else timed "$@"; fi
        # shellcheck disable=SC2181 # the status of whichever branch ran
        if [ $? -ne 0 ]; then
            echo "bench: $name failed on $kind input ($(head -n 1 "$TMP"); command: $*)" >&2
            [ -z "$ERRF" ] || sed 's/^/    /' "$ERRF" | tail -n 5 >&2
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
    [ -n "$ERRF" ] && [ -s "$ERRF" ] && sed 's/^/      /' "$ERRF"
    return 0
}

# same_output KIND TS PY: when both ran, tuneset must write what Python
# writes, byte for byte. When it does not, the first record that differs is
# shown: it points at a bug in one of them.
same_output() {
    kind=$1 ts=$2 py=$3
    [ -f "$ts" ] && [ -f "$py" ] || return 0
    n=$(wc -l <"$ts")
    if cmp -s "$ts" "$py"; then
        echo "  $kind: tuneset output equals python's ($n records, $(wc -c <"$ts") bytes)"
        return 0
    fi
    # shellcheck disable=SC2034 # read by the scripts
    FAILED=1
    echo "  $kind: OUTPUTS DIFFER: tuneset $n records, python $(wc -l <"$py")"
    at=$(cmp "$ts" "$py" 2>&1 | head -n 1)
    echo "    $at"
    line=$(echo "$at" | sed -n 's/.*line \([0-9]*\).*/\1/p')
    byte=$(echo "$at" | sed -n 's/.* byte \([0-9]*\),.*/\1/p')
    col=1
    # "EOF on FILE": the shorter file is a prefix of the other, so the first
    # extra record is the one after its last.
    case $at in
    *EOF*) line=$(($(wc -l <"$ts") < $(wc -l <"$py") ? $(wc -l <"$ts") + 1 : $(wc -l <"$py") + 1)) ;;
    *) [ -n "$byte" ] && [ -n "$line" ] &&
        col=$((byte - $(head -n $((line - 1)) "$ts" | wc -c))) ;;
    esac
    [ -n "$line" ] || return 0
    # Records run long: show the id and 300 bytes from just before the
    # first differing byte. printf, as dash's echo would turn the record's
    # \n escapes into newlines.
    from=$((col > 100 ? col - 100 : 1))
    for who in tuneset python; do
        f=$ts
        [ "$who" = python ] && f=$py
        rec=$(sed -n "${line}{p;q}" "$f")
        id=$(printf '%s\n' "$rec" | grep -o '"id":"[^"]*","source"' | head -n 1)
        echo "    $who: record $line ${id%,\"source\"}, bytes $from..:"
        printf '      %s\n' "$(printf '%s\n' "$rec" | cut -b "$from-$((from + 299))")"
    done
}

# The start of the first line of a report: the machine and the binary.
host_line() {
    echo "$(uname -m), $(nproc 2>/dev/null || echo '?') cores, ${PIN:-not pinned}; repeat $REPEAT; $("$TUNESET" --version 2>/dev/null | head -n 1)"
}

# report LABEL WIDTH SIZES VERDICTS [AWK-OPTION...]: the table of $RESULTS,
# a row per input kind and tool, under a first column headed LABEL and
# WIDTH wide; SIZES is "kind=bytes ..." for the MB/s column (MB = 10^6
# bytes of input; RSS in MiB, 2^20). Then the awk code VERDICTS, which
# defines function verdicts() printing PASS/MISS lines with verdict() and
# over(); the AWK-OPTIONs (-v target=N) give it its targets.
report() {
    label=$1 width=$2 sizes=$3 verdicts=$4
    shift 4
    echo
    awk -v label="$label" -v width="$width" -v sizes="$sizes" "$@" '
BEGIN {
  n = split(sizes, kv, " ")
  for (i = 1; i <= n; i++) { split(kv[i], p, "="); size[p[1]] = p[2] }
  fmt = "%-" width "s %-8s %9.3f %7.2f %7.2f %9.1f %9.1f  %s\n"
}
{ sec[$1, $2] = $3; rss[$1, $2] = $4 / 1024; usr[$1, $2] = $5; sys[$1, $2] = $6
  mbs[$1, $2] = $3 > 0 ? size[$1] / 1e6 / $3 : 0
  if (!(($1) in seen)) { seen[$1] = 1; kinds[nk++] = $1 }
  if (!(($2) in seent)) { seent[$2] = 1; tools[nt++] = $2 } }
END {
  printf "%-" width "s %-8s %9s %7s %7s %9s %9s  %s\n", label, "tool", "wall s", "user s", "sys s", "MB/s", "RSS MiB", "tuneset speed / peer"
  for (k = 0; k < nk; k++) for (t = 0; t < nt; t++) {
    K = kinds[k]; T = tools[t]
    if (!((K, T) in sec)) continue
    ratio = ""
    if (T != "tuneset" && ((K, "tuneset") in sec) && sec[K, "tuneset"] > 0)
      ratio = sprintf("%.1fx", sec[K, T] / sec[K, "tuneset"])
    printf fmt, K, T, sec[K, T], usr[K, T], sys[K, T], mbs[K, T], rss[K, T], ratio
  }
  print ""
  verdicts()
}
# verdict K T WHAT V OP TARGET UNIT: PASS or MISS, when tuneset and T ran on K.
function verdict(K, T, what, v, op, target, unit) {
  if (!((K, "tuneset") in sec) || !((K, T) in sec)) return
  ok = (op == ">=") ? v >= target : v < target
  printf "%-4s %-26s %8.1f %s (target %s %s %s)\n", ok ? "PASS" : "MISS", what, v, unit, op, target, unit
}
# over K T WHAT TARGET: tuneset at least TARGET times faster than T on K.
function over(K, T, what, target) {
  if (((K, "tuneset") in sec) && ((K, T) in sec) && sec[K, "tuneset"] > 0)
    verdict(K, T, what, sec[K, T] / sec[K, "tuneset"], ">=", target, "x")
}
'"$verdicts" "$RESULTS"
}
