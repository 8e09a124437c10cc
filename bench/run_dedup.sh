#!/bin/sh
# The dedup benchmark: `tuneset dedup --exact-only` and `tuneset dedup`
# (MinHash: 128 permutations, 5-word shingles, threshold 0.8) on ~1 KB SFT
# records with planted exact and near duplicates, beside
# bench/peer_dedup.py (Python stdlib) doing the same, in one run. Prints
# records/s, the ratios, PASS/MISS against the issue's targets (exact
# >= 1M records/s, near >= 20k records/s, one core), and checks that both
# tools remove the same records. Each tool also times its own two stages
# (tuneset --stats, the peer on stderr): reading a record (tuneset's
# one-pass scan: check, compact, pick the fields; Python's json.loads) and
# the dedup proper (normalize, hash, index; MinHash + LSH for near). They
# show as KIND:read and KIND:dedup; the exact target is judged on both the
# whole command and the dedup stage, and both verdicts are printed.
#
# Knobs (environment), besides BENCH_SEED, BENCH_DIR, BENCH_REPEAT,
# BENCH_KEEP and TUNESET as for run.sh:
#   BENCH_DEDUP_RECORDS  records cut from datagen's, before the planted
#                        copies (about 8% more)             (default 200000)
#   BENCH_DEDUP_SRC      size of datagen's sft file they are cut from
#                        (the run_parquet.sh input)          (default 700M)
#   BENCH_DEDUP_PY_NEAR  records the Python MinHash peer runs on: the first
#                        N of the input, where tuneset runs too (it needs
#                        ~4 ms a record); 0 = the whole input (default 20000)
#
# Exit status: 0 when every tool ran and both removed the same records,
# whether or not the targets were met; 1 when a tool failed or the outputs
# differ; 2 when the setup is incomplete.
set -u
cd "$(dirname "$0")/.." || exit 2

NREC=${BENCH_DEDUP_RECORDS:-200000}
PYNEAR=${BENCH_DEDUP_PY_NEAR:-20000}
BENCH_SIZE=${BENCH_DEDUP_SRC:-700M} # read by common.sh as SIZE
# shellcheck source=bench/common.sh
. bench/common.sh

T_EXACT=1000000
T_NEAR=20000

command -v python3 >/dev/null 2>&1 || die "python3 not found"
case $NREC in ''|*[!0-9]*|0) die "BENCH_DEDUP_RECORDS must be a positive integer" ;; esac
case $PYNEAR in ''|*[!0-9]*) die "BENCH_DEDUP_PY_NEAR must be a non-negative integer" ;; esac

build_datagen
SRC="$DIR/sft-$SIZE-s$SEED.jsonl"
gen sft "$SRC"
# The input: cut and copied by peer_dedup.py make, cached under a stamp of
# the source's stamp, the count, the seed and the script.
IN="$DIR/dedup-$NREC-s$SEED.jsonl"
want="$(cat "$SRC.stamp") $NREC $SEED $(cksum <bench/peer_dedup.py | cut -d' ' -f1)"
if [ ! -f "$IN" ] || [ ! -f "$IN.stamp" ] || [ "$(cat "$IN.stamp")" != "$want" ]; then
    echo "bench: making $IN"
    rm -f "$IN.stamp"
    python3 bench/peer_dedup.py make "$SRC" "$NREC" "$SEED" "$IN" || die "peer_dedup.py make failed"
    echo "$want" >"$IN.stamp"
fi
[ "$(wc -l <"$SRC")" -ge "$NREC" ] || echo "bench: note: $SRC has fewer than $NREC records"
NIN=$(wc -l <"$IN")
SUB=$IN
NSUB=$NIN
if [ "$PYNEAR" -gt 0 ] && [ "$PYNEAR" -lt "$NIN" ]; then
    SUB="$DIR/dedup-$NREC-s$SEED-head$PYNEAR.jsonl"
    head -n "$PYNEAR" "$IN" >"$SUB"
    NSUB=$PYNEAR
fi

# shellcheck disable=SC2317 # called by cleanup
clean_outputs() {
    rm -f "$OUTDIR"/dedup-*.tuneset.jsonl "$OUTDIR"/dedup-*.python.jsonl "$OUTDIR/dedup-cat.jsonl" "$OUTDIR/dedup-floor.jsonl" \
        "$OUTDIR"/dedup-*.stats.json
    [ "$SUB" = "$IN" ] || rm -f "$SUB"
}
bench_start capture

# removals KIND IN TS PY: how many records each tool removed (input ids
# not in its output) and how many of those both removed.
removals() {
    [ -f "$3" ] && [ -f "$4" ] || return 0
    python3 - "$@" <<'EOF'
import json, sys
from collections import Counter
kind, src, ts, py = sys.argv[1:5]
ids = lambda p: Counter(json.loads(l)["id"] for l in open(p, encoding="utf-8"))
every = ids(src)
t, p = every - ids(ts), every - ids(py)
n = lambda c: sum(c.values())
kinds = lambda c: "%d planted exact, %d planted near" % (
    n(Counter({i: k for i, k in c.items() if "#exact" in i})), n(Counter({i: k for i, k in c.items() if "#near" in i})))
print("  %s: removed by tuneset %d (%s), by python %d, by both %d; only tuneset %d, only python %d"
      % (kind, n(t), kinds(t), n(p), n(t & p), n(t - p), n(p - t)))
for who, c in (("only tuneset", t - p), ("only python", p - t)):
    if c:
        print("    %s: %s" % (who, " ".join(sorted(c)[:5])))
EOF
}

# stages TOOL KIND "READ DEDUP": the seconds a tool spent in its two
# stages, timed inside it (tuneset --stats; the peer's last stderr line):
# reading a record (tuneset: the one-pass scan that checks it, writes its
# compact form and picks the fields; python: json.loads) and the dedup
# proper (normalize, hash, index lookup; MinHash and LSH for near). They
# go to the results as kinds KIND:read and KIND:dedup.
stages() {
    set -- "$1" "$2" $3
    [ $# -eq 4 ] || { echo "bench: $1 $2: no stage times"; return 0; }
    echo "$2:read $1 $3 0 0 0" >>"$RESULTS"
    echo "$2:dedup $1 $4 0 0 0" >>"$RESULTS"
}

run_kind() { # run_kind KIND IN PEER(0|1) DEDUP-OPTION...
    kind=$1 in=$2 peer=$3
    shift 3
    out_ts="$OUTDIR/dedup-$kind.tuneset.jsonl"
    out_py="$OUTDIR/dedup-$kind.python.jsonl"
    rm -f "$out_ts" "$out_py"
    stats="$OUTDIR/dedup-$kind.stats.json"
    echo "bench: $kind: $in ($(wc -l <"$in") records, $(wc -c <"$in") bytes)"
    measure tuneset "$kind" "$in" "$out_ts" "$TUNESET" dedup "$@" "$in" -o "$out_ts" -q --stats "$stats" &&
        stages tuneset "$kind" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["dedup"]; print(d["seconds_scan"], d["seconds_dedup"])' "$stats")"
    if [ "$peer" = 1 ]; then
        measure python "$kind" "$in" "$out_py" python3 bench/peer_dedup.py "$@" "$in" "$out_py" &&
            stages python "$kind" "$(sed -n 's/^peer_dedup: seconds_parse \([0-9.]*\) seconds_dedup \([0-9.]*\)$/\1 \2/p' "$ERRF")"
        same_output "$kind" "$out_ts" "$out_py"
        removals "$kind" "$in" "$out_ts" "$out_py"
    fi
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$out_ts" "$out_py"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

# The floor: simdjson checking, minifying and writing every record, no
# dedup (bench/floor_simdjson.cc; skipped without libsimdjson-dev).
FLOOR=
if pkg-config --exists simdjson 2>/dev/null && command -v g++ >/dev/null 2>&1; then
    FLOOR="$DIR/floor_simdjson"
    if [ ! -x "$FLOOR" ] || [ bench/floor_simdjson.cc -nt "$FLOOR" ]; then
        # shellcheck disable=SC2046 # pkg-config's words are separate flags
        g++ -O2 -std=c++17 bench/floor_simdjson.cc $(pkg-config --cflags --libs simdjson) -o "$FLOOR" ||
            die "cannot build bench/floor_simdjson.cc"
    fi
else
    echo "bench: note: no libsimdjson-dev (scripts/deps.sh bench installs it): the simdjson floor is skipped"
fi

echo "bench: dedup: $(host_line); $(python3 --version 2>&1)"
echo "bench: load average at start: $(loadavg)"
# tuneset's own floor under the whole command: checking and writing the
# same records with no dedup at all.
echo "bench: cat (check + compact + write, no dedup): $IN"
measure tuneset cat "$IN" "$OUTDIR/dedup-cat.jsonl" "$TUNESET" cat "$IN" -o "$OUTDIR/dedup-cat.jsonl" -q
rm -f "$OUTDIR/dedup-cat.jsonl"
if [ -n "$FLOOR" ]; then
    echo "bench: floor (simdjson: check + minify + write, no dedup): $IN"
    measure simdjson floor "$IN" "$OUTDIR/dedup-floor.jsonl" "$FLOOR" "$IN" "$OUTDIR/dedup-floor.jsonl"
    rm -f "$OUTDIR/dedup-floor.jsonl"
fi
run_kind exact "$IN" 1 --exact-only
if [ "$SUB" = "$IN" ]; then
    run_kind near "$IN" 1
else
    run_kind near "$IN" 0
    run_kind near-sub "$SUB" 1
fi
echo "bench: load average at end: $(loadavg)"

sz=$(wc -c <"$IN")
szs=$(wc -c <"$SUB")
report dedup 14 "cat=$sz floor=$sz exact=$sz near=$sz near-sub=$szs exact:read=$sz exact:dedup=$sz near:read=$sz near:dedup=$sz near-sub:read=$szs near-sub:dedup=$szs" '
function verdicts() {
  split(recs, kv, " ")
  for (i in kv) { split(kv[i], p, "="); nrec[p[1]] = p[2] }
  printf "%-14s %-8s %12s  %s\n", "dedup", "tool", "records/s", "tuneset speed / peer"
  for (k = 0; k < nk; k++) for (t = 0; t < nt; t++) {
    K = kinds[k]; T = tools[t]
    if (!((K, T) in sec) || sec[K, T] <= 0) continue
    rps[K, T] = nrec[K] / sec[K, T]
    r = (T != "tuneset" && ((K, "tuneset") in sec)) ? sprintf("%.1fx", sec[K, T] / sec[K, "tuneset"]) : ""
    if (K == "floor" && (("exact", "tuneset") in sec)) r = sprintf("%.2fx (exact dedup / this floor)", sec[K, T] / sec["exact", "tuneset"])
    printf "%-14s %-8s %12.0f  %s\n", K, T, rps[K, T], r
  }
  print ""
  verdict("exact", "tuneset", "exact dedup, whole command", rps["exact", "tuneset"], ">=", texact, "rec/s")
  verdict("exact:dedup", "tuneset", "exact dedup, dedup stage", rps["exact:dedup", "tuneset"], ">=", texact, "rec/s")
  K = ((("near", "tuneset") in sec)) ? "near" : "near-sub"
  verdict(K, "tuneset", "near dedup, whole command", rps[K, "tuneset"], ">=", tnear, "rec/s")
  if (("cat", "tuneset") in sec)
    printf "     %-26s %8.1f rec/s (check + compact + write, no dedup)\n", "tuneset cat", rps["cat", "tuneset"]
  if (("floor", "simdjson") in sec)
    printf "     %-26s %8.1f rec/s (simdjson: check + minify + write, no dedup: the floor for any command that checks its input)\n", "simdjson floor", rps["floor", "simdjson"]
}' -v recs="cat=$NIN floor=$NIN exact=$NIN near=$NIN near-sub=$NSUB exact:read=$NIN exact:dedup=$NIN near:read=$NIN near:dedup=$NIN near-sub:read=$NSUB near-sub:dedup=$NSUB" -v texact="$T_EXACT" -v tnear="$T_NEAR"

[ "$FAILED" = 0 ] || echo "bench: FAILED: a tool failed or the outputs differ (see above)"
exit "$FAILED"
