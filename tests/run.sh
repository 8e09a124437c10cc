#!/bin/sh
# Runs every test: the unit tests (build/test_unit) and the CLI cases
# (tests/cli/*.sh). The last line is the total: "N passed, N failed".
BUILD=${1:-build}
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
total_pass=0
total_fail=0

echo "== unit tests"
"$BUILD/test_unit" > "$BUILD/unit.log" 2>&1
grep -v '^ok ' "$BUILD/unit.log"
line=$(tail -n 1 "$BUILD/unit.log")
p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$p" ]; then
  echo "unit test runner crashed"; p=0; f=1
fi
total_pass=$((total_pass + p)); total_fail=$((total_fail + f))

echo "== CLI tests"
export TUNESET="$ROOT/$BUILD/tuneset" ROOT
for t in tests/cli/*.sh; do
  [ "$(basename "$t")" = lib.sh ] && continue
  name=$(basename "$t" .sh)
  out=$(sh "$t" 2>&1)
  if [ $? -eq 0 ]; then
    total_pass=$((total_pass + 1))
  else
    total_fail=$((total_fail + 1))
    echo "FAIL cli/$name"
    echo "$out" | sed 's/^/  /' | tail -n 20
  fi
done
# A suite is a script that prints its own "N passed, N failed" last line.
run_suite() { # title log-name script
  echo "== $1"
  sh "$3" "$BUILD" > "$BUILD/$2.log" 2>&1
  grep -E '^(FAIL|interop:)' "$BUILD/$2.log" | head -n 40
  line=$(tail -n 1 "$BUILD/$2.log")
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  if [ -z "$p" ]; then
    echo "$2 did not finish:"; tail -n 20 "$BUILD/$2.log"; p=0; f=1
  fi
  echo "$p passed, $f failed ($2)"
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
}
run_suite "the LLM client and gen respond against the test server (tests/llm)" llm tests/llm/run.sh
if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
  run_suite "Parquet interoperability with DuckDB (tests/interop)" interop tests/interop/run.sh
else
  echo "node/npm missing: interop not run"; total_fail=$((total_fail + 1))
fi
export TUNESET="$ROOT/$BUILD/tuneset"
run_suite "the HTML report in headless Chromium (tests/browser)" browser tests/browser/report.sh
run_suite "generators self-instruct, simulate, augment against the test server (tests/gen)" gen tests/gen/run.sh
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
