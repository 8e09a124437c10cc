#!/bin/sh
# The votes benchmark: `tuneset votes` (SHP's pairing, default filters) on a
# synthetic Reddit dump — submissions in one file, comments shuffled across
# posts in another, Pareto-many comments a post, every filter's case —
# beside bench/peer_votes.py (Python stdlib) doing the same in one run.
# Prints MB/s, peak RSS, the ratio, and checks both wrote the same bytes.
#
# Knobs (environment), besides BENCH_SEED, BENCH_DIR, BENCH_REPEAT,
# BENCH_KEEP and TUNESET as for run.sh:
#   BENCH_VOTES_POSTS   submissions in the dump (~16 comments each, ~6.8 KB
#                       of input a post)                     (default 10000)
#
# Exit status: 0 when both ran and wrote the same bytes; 1 when a tool
# failed or the outputs differ; 2 when the setup is incomplete.
set -u
cd "$(dirname "$0")/.." || exit 2

POSTS=${BENCH_VOTES_POSTS:-10000}
# shellcheck source=bench/common.sh
. bench/common.sh

command -v python3 >/dev/null 2>&1 || die "python3 not found"
case $POSTS in ''|*[!0-9]*|0) die "BENCH_VOTES_POSTS must be a positive integer" ;; esac

mkdir -p "$DIR" || exit 2
RS="$DIR/votes-$POSTS-s$SEED.rs.jsonl"
RC="$DIR/votes-$POSTS-s$SEED.rc.jsonl"
want="$POSTS $SEED $(cksum <bench/peer_votes.py | cut -d' ' -f1)"
if [ ! -f "$RC" ] || [ ! -f "$RC.stamp" ] || [ "$(cat "$RC.stamp")" != "$want" ]; then
    echo "bench: making $RS and $RC"
    rm -f "$RC.stamp"
    python3 bench/peer_votes.py make "$POSTS" "$SEED" "$RS" "$RC" || die "peer_votes.py make failed"
    echo "$want" >"$RC.stamp"
fi
# measure reads one input into the page cache; the two files go as one.
BOTH="$DIR/votes-$POSTS-s$SEED.both.jsonl"
cat "$RS" "$RC" >"$BOTH"

# shellcheck disable=SC2317 # called by cleanup
clean_outputs() { rm -f "$OUTDIR"/votes.tuneset.jsonl "$OUTDIR"/votes.python.jsonl "$BOTH"; }
bench_start capture

echo "bench: votes: $(host_line); $(python3 --version 2>&1)"
echo "bench: $RS + $RC ($(wc -l <"$RS") posts, $(wc -l <"$RC") comments, $(wc -c <"$BOTH") bytes)"
OTS="$OUTDIR/votes.tuneset.jsonl"
OPY="$OUTDIR/votes.python.jsonl"
measure tuneset dump "$BOTH" "$OTS" "$TUNESET" votes "$RS" "$RC" -o "$OTS" -q
measure python dump "$BOTH" "$OPY" python3 bench/peer_votes.py run "$RS" "$RC" "$OPY"
same_output dump "$OTS" "$OPY"

# No target was set for votes: the table gives the ratio (wall and CPU).
report votes 6 "dump=$(wc -c <"$BOTH")" 'function verdicts() { }'
[ "$FAILED" = 0 ] || echo "bench: FAILED: a tool failed or the outputs differ (see above)"
exit "$FAILED"
