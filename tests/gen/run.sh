#!/bin/sh
# The generators' end-to-end cases (tests/llm/gen_*.sh) against the
# in-tree OpenAI-compatible test server (started by tests/lib/llm_server.sh).
# Last line: "N passed, N failed".
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
export ROOT TUNESET="$ROOT/$BUILD/tuneset" LLM_SERVER="$ROOT/$BUILD/llm_test_server"
[ -x "$LLM_SERVER" ] || make -s BUILD="$BUILD" "$BUILD/llm_test_server" >/dev/null || exit 2
pass=0
fail=0
for t in tests/llm/gen_*.sh; do
  name=$(basename "$t" .sh)
  out=$(sh "$t" 2>&1)
  if [ $? -eq 0 ]; then
    pass=$((pass + 1)); echo "ok   $name"
  else
    fail=$((fail + 1)); echo "FAIL $name"; echo "$out" | sed 's/^/  /' | tail -n 20
  fi
done
echo "$pass passed, $fail failed"
