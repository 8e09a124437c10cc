# The common start of the benchmarks that drive build/llm_test_server
# (run_llm.sh, run_feedback.sh). Sourced from the repository root with SUB
# set (their folder under $BENCH_DIR): sets TUNESET, LLM_SERVER (built when
# missing) and DIR (made), PIN_C / PIN_S (tuneset on core 0, the server on
# core 1, when taskset can), and sources tests/lib/llm_server.sh with the
# server's files in $DIR, on its own core, niced. The script then sets its
# own exit trap with llm_server_trap.
TUNESET=${TUNESET:-build/tuneset}
LLM_SERVER=${BENCH_LLM_SERVER:-build/llm_test_server}
DIR=${BENCH_DIR:-bench/data}/$SUB
[ -x "$TUNESET" ] || { echo "bench: $TUNESET not found: run make" >&2; exit 2; }
[ -x "$LLM_SERVER" ] || make -s build/llm_test_server >/dev/null || exit 2
mkdir -p "$DIR" || exit 2
PIN_C= PIN_S=
if command -v taskset >/dev/null 2>&1 && taskset -c 1 true 2>/dev/null; then
  PIN_C="taskset -c 0" PIN_S="taskset -c 1"
fi
# shellcheck disable=SC2034 # read by tests/lib/llm_server.sh
LLM_SERVER_DIR=$DIR LLM_SERVER_WRAP="$PIN_S nice" LLM_SERVER_WAIT=30
# shellcheck source=tests/lib/llm_server.sh
. tests/lib/llm_server.sh
