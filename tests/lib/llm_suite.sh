# The common start of the suites that run tuneset against the in-tree LLM
# test server (tests/llm, tests/feedback, tests/select). Sourced after the
# suite has set BUILD and changed to the repository root.
#
# Sets ROOT, TS (the tuneset binary), LLM_SERVER (built when missing) and T
# (a temporary folder removed on exit, with every server stopped; see
# tests/lib/llm_server.sh); counts results with ok NAME / bad NAME WHY,
# reads --stats files with jget FILE PYTHON-EXPR, and ends with suite_end,
# which prints the "N passed, N failed" line tests/run.sh reads.
ROOT=$(pwd)
TS="$ROOT/$BUILD/tuneset"
LLM_SERVER="$ROOT/$BUILD/llm_test_server"
[ -x "$LLM_SERVER" ] || make -s BUILD="$BUILD" "$BUILD/llm_test_server" >/dev/null || exit 2
T=$(mktemp -d)
LLM_SERVER_DIR=$T
. "$ROOT/tests/lib/llm_server.sh"
llm_server_trap 'rm -rf "$T"'
pass=0
failn=0
ok() { pass=$((pass + 1)); echo "ok $1"; }
bad() { failn=$((failn + 1)); echo "FAIL $1: $2"; }
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
suite_end() {
  echo "$pass passed, $failn failed"
  [ "$failn" -eq 0 ]
}
