# The one starter of build/llm_test_server for the LLM test suites, the
# generator cases and the LLM benchmarks. Sourced (POSIX sh, `set -u` safe).
#
# Set before use:
#   LLM_SERVER      the server binary
#   LLM_SERVER_DIR  where port files and server logs go (a suite's $T)
#   LLM_SERVER_WRAP optional command prefix, e.g. "taskset -c 1 nice"
#   LLM_SERVER_WAIT optional seconds to wait for the port (default 5)
#
# llm_server_start NAME RULES [SERVER ARGS...]
#     starts a server on a free port; sets PORT and URL. Its output goes
#     to $LLM_SERVER_DIR/server.NAME.log. A server that does not come up ends the
#     script (exit 2 after printing the log): every later case would fail
#     for the same reason.
# llm_server_stop NAME        stops that server and waits for it
# llm_server_stop_all         stops every server still running
# llm_server_trap [CMD]       on any exit of the script (including INT, TERM
#     and HUP) stops every server, then runs CMD (e.g. 'rm -rf "$T"')
# llm_server_stats PORT|URL [brief]  prints GET /stats (brief: without the
#     per-body counts)
# llm_server_requests PORT|URL  prints the requests the server has seen
#     (nothing when it does not answer, so a test comparing it fails)
LLM_SERVER_PIDS=

llm_server_start() {
  _ls_name=$1 _ls_rules=$2
  shift 2
  rm -f "$LLM_SERVER_DIR/server.$_ls_name.port"
  # shellcheck disable=SC2086
  ${LLM_SERVER_WRAP:-} "$LLM_SERVER" --rules "$_ls_rules" --port 0 --port-file "$LLM_SERVER_DIR/server.$_ls_name.port" "$@" \
    >"$LLM_SERVER_DIR/server.$_ls_name.log" 2>&1 &
  echo $! > "$LLM_SERVER_DIR/server.$_ls_name.pid"
  LLM_SERVER_PIDS="$LLM_SERVER_PIDS $!"
  _ls_i=0
  while [ ! -s "$LLM_SERVER_DIR/server.$_ls_name.port" ]; do
    _ls_i=$((_ls_i + 1))
    if [ $_ls_i -gt $((${LLM_SERVER_WAIT:-5} * 20)) ] || ! kill -0 $! 2>/dev/null; then
      echo "FAIL test server $_ls_name did not start: $(cat "$LLM_SERVER_DIR/server.$_ls_name.log")"
      exit 2
    fi
    sleep 0.05
  done
  PORT=$(cat "$LLM_SERVER_DIR/server.$_ls_name.port")
  # shellcheck disable=SC2034 # for the scripts that source this file
  URL="http://127.0.0.1:$PORT"
}

# _llm_server_kill PID: stops it (if still ours) and reaps it.
_llm_server_kill() {
  kill "$1" 2>/dev/null && wait "$1" 2>/dev/null
  _ls_left=
  for _ls_p in $LLM_SERVER_PIDS; do
    [ "$_ls_p" = "$1" ] || _ls_left="$_ls_left $_ls_p"
  done
  LLM_SERVER_PIDS=$_ls_left
}

llm_server_stop() {
  [ -s "$LLM_SERVER_DIR/server.$1.pid" ] || return 0
  _llm_server_kill "$(cat "$LLM_SERVER_DIR/server.$1.pid")"
  rm -f "$LLM_SERVER_DIR/server.$1.pid"
}

llm_server_stop_all() {
  for _ls_p in $LLM_SERVER_PIDS; do
    _llm_server_kill "$_ls_p"
  done
}

llm_server_trap() {
  # A signal goes through exit so that the EXIT trap runs (dash does not
  # run it on a signal by itself).
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # shellcheck disable=SC2064
  trap "llm_server_stop_all; ${1:-:}" EXIT
}

_llm_server_url() {
  case $1 in
    http*) echo "$1" ;;
    *) echo "http://127.0.0.1:$1" ;;
  esac
}

llm_server_stats() { curl -s "$(_llm_server_url "$1")/stats${2:+?$2=1}"; }

# brief=1 leaves out the per-body counts; curl + sed rather than a Python
# start-up, as the benchmarks sample it while they measure.
llm_server_requests() {
  { curl -s "$(_llm_server_url "$1")/stats?brief=1"; echo; } | sed -n 's/^.*"requests": *\([0-9]*\).*$/\1/p'
}

# llm_cache_requests CACHE: the request bodies a --cache file holds, one a
# line (right after a kill: what had completed).
llm_cache_requests() {
  python3 -c "
import sqlite3, sys
for (r,) in sqlite3.connect(sys.argv[1]).execute('select request from llm_cache'): print(r)" "$1"
}

# llm_server_resent PORT|URL FILE: how many of the request bodies in FILE
# the server did not see exactly once (it counts bodies by FNV-1a).
llm_server_resent() {
  [ -s "$2" ] || { echo "none completed before the kill"; return; }
  llm_server_stats "$1" | python3 -c "
import json, sys
counts = json.load(sys.stdin)['by_body_hash']
def fnv(b):
    h = 0xcbf29ce484222325
    for c in b:
        h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return '%016x' % h
print(sum(1 for r in open(sys.argv[1], 'rb').read().splitlines() if counts.get(fnv(r)) != 1))" "$2"
}

# llm_server_kill_after PORT|URL N PID: SIGKILLs PID once the server has
# seen N requests (sanitizer builds start slowly: a fixed sleep would race),
# or after 20 s.
llm_server_kill_after() {
  _ls_i=0
  while _ls_n=$(llm_server_requests "$1"); [ "${_ls_n:-0}" -lt "$2" ]; do
    _ls_i=$((_ls_i + 1)); [ $_ls_i -gt 400 ] && break
    sleep 0.05
  done
  kill -9 "$3"
  wait "$3" 2>/dev/null
}
