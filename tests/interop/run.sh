#!/bin/sh
# Parquet interoperability with an independent implementation: DuckDB,
# from npm (@duckdb/node-api, pinned in package-lock.json and installed
# here by `npm ci` when missing). DuckDB writes a matrix of Parquet files
# (nested conversations, every flat type, v1 and v2 pages, each codec,
# dictionary on and off, several row groups); tuneset must read each one
# exactly as DuckDB does. Then tuneset writes Parquet from JSON Lines (each
# codec, several row groups) and DuckDB and tuneset must read the records
# back. See README.md for the JSON conventions.
#
# usage: tests/interop/run.sh [options] [BUILD]     (BUILD defaults to build)
#   --self-check   read with DuckDB instead of tuneset and compare with the
#                  generated source data: tests the harness itself
#   --reader CMD   the reader to test (default: "BUILD/tuneset cat"); run as
#                  CMD FILE.parquet, must print one JSON row a line
#   --writer TPL   the writer to test, a command with {in} {out} {codec}
#                  {rows} (default: tests/interop/pqwrite.c built against
#                  BUILD/libtuneset.a, which reaches every writer option)
#   --section S    read, write or all (the default)
#   --only GLOB    only the files whose name matches GLOB (e.g. 'conv_v2_*',
#                  'w_sft_*'; writer names are INPUT_CODEC and INPUT_python)
#   --keep DIR     generate into DIR and keep it (default: a temporary folder)
# The last line is "N passed, N failed"; the exit code is 1 on any failure.
BUILD=build
SELF=0
READER=
WRITER=
SECTION=all
ONLY=
KEEP=
while [ $# -gt 0 ]; do
  case "$1" in
    --self-check) SELF=1 ;;
    --reader) READER=$2; shift ;;
    --writer) WRITER=$2; shift ;;
    --section) SECTION=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --keep) KEEP=$2; shift ;;
    -h|--help) sed -n '2,25s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) BUILD=$1 ;;
  esac
  shift
done

cd "$(dirname "$0")/../.." || exit 2
HERE=tests/interop
for tool in node npm python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run.sh: $tool is required (Debian: apt-get install nodejs npm python3)"
    echo "0 passed, 1 failed"
    exit 1
  fi
done

# The test-time install: exactly the versions in package-lock.json.
want=$(sed -n 's/.*"@duckdb\/node-api": "\(.*\)".*/\1/p' "$HERE/package.json")
have=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$HERE/node_modules/@duckdb/node-api/package.json" 2>/dev/null)
if [ "$want" != "$have" ]; then
  echo "== installing @duckdb/node-api $want (npm ci)"
  if ! (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "run.sh: npm ci failed"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

if [ -n "$KEEP" ]; then
  DIR=$KEEP
  mkdir -p "$DIR" || exit 2
else
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/tuneset-interop.XXXXXX") || exit 2
  trap 'rm -rf "$DIR"' EXIT
  trap 'rm -rf "$DIR"; exit 130' INT TERM
fi

total_pass=0
total_fail=0
# Adds up a section's final "N passed, N failed" line (from its log file).
tally() {
  line=$(tail -n 1 "$1")
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  if [ -z "$p" ]; then p=0; f=1; fi
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
}

echo "== comparator self-test"
if python3 -B "$HERE/compare.py" self-test; then
  total_pass=$((total_pass + 1))
else
  total_fail=$((total_fail + 1))
fi

echo "== DuckDB writes the matrix"
if ! node "$HERE/make_parquet.mjs" "$DIR"; then
  echo "run.sh: generating the Parquet files failed"
  echo "$total_pass passed, $((total_fail + 1)) failed"
  exit 1
fi

[ -n "$READER" ] || READER="$BUILD/tuneset cat"
if [ "$SECTION" != write ]; then
  LOG="$DIR/reader.log"
  if [ "$SELF" = 1 ]; then
    echo "== DuckDB reads the matrix (self-check against the source data)"
    python3 -B "$HERE/compare.py" self-check "$DIR" ${ONLY:+--only "$ONLY"} -- \
      node "$HERE/duck_cat.mjs" | tee "$LOG"
  else
    echo "== $READER reads the matrix"
    # READER is split into words on purpose: it is a command with arguments.
    # shellcheck disable=SC2086
    python3 -B "$HERE/compare.py" run "$DIR" ${ONLY:+--only "$ONLY"} -- $READER | tee "$LOG"
  fi
  tally "$LOG"
fi

# The writer section tests tuneset: the self-check has nothing to offer it.
if [ "$SECTION" != read ] && [ "$SELF" = 0 ]; then
  LOG="$DIR/writer.log"
  if [ -z "$WRITER" ]; then
    echo "== building the writer driver (tests/interop/pqwrite.c)"
    SAN=
    # a sanitizer build (make asan) needs the same runtime at link time
    if nm "$BUILD/libtuneset.a" 2>/dev/null | grep -q __asan_; then
      SAN="-fsanitize=address,undefined"
    fi
    # shellcheck disable=SC2046,SC2086
    if cc -std=c11 -O2 $SAN -D_POSIX_C_SOURCE=200809L -Iinclude "$HERE/pqwrite.c" "$BUILD/libtuneset.a" \
        $(pkg-config --libs zlib libzstd snappy liblz4) -lm -o "$DIR/pqwrite"; then
      WRITER="$DIR/pqwrite {in} {out} --codec {codec} --rows {rows} --page 65536"
    fi
  fi
  if [ -n "$WRITER" ]; then
    echo "== $WRITER; DuckDB and $READER read back"
    python3 -B "$HERE/write_check.py" "$DIR" --writer "$WRITER" --reader "$READER" \
      ${ONLY:+--only "$ONLY"} | tee "$LOG"
  else
    echo "run.sh: cannot build the writer driver (is $BUILD/libtuneset.a built?)"
    echo "0 passed, 1 failed" > "$LOG"
  fi
  tally "$LOG"
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
