# Sourced by the generator cases after tests/cli/lib.sh: start_server RULES
# [ARGS...] runs the test server on a free port (URL in $URL), stops it on
# exit; server_stats prints GET /stats.
SERVER_PID=
start_server() {
  rules=$1; shift
  rm -f "$T/port"
  "$LLM_SERVER" --port 0 --port-file "$T/port" --rules "$rules" "$@" >"$T/server.log" 2>&1 &
  SERVER_PID=$!
  i=0
  while [ ! -s "$T/port" ]; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "test server did not start: $(cat "$T/server.log")"
    sleep 0.05
  done
  URL="http://127.0.0.1:$(cat "$T/port")"
}
stop_server() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; SERVER_PID=; }
trap 'stop_server; rm -rf "$T"' EXIT
server_stats() { curl -s "$URL/stats"; }
# stat FILE EXPR: a Python expression over the parsed --stats JSON `d`.
stat() { json_get "$1" "$2"; }
# cache_requests CACHE: the requests a cache holds, one a line (right after
# a kill: what had completed). resent_completed FILE: how many of those were
# not sent exactly once in all (the server counts bodies by FNV-1a).
cache_requests() {
  python3 -c "
import sqlite3, sys
for (r,) in sqlite3.connect(sys.argv[1]).execute('select request from llm_cache'): print(r)" "$1"
}
resent_completed() {
  [ -s "$1" ] || { echo "none completed before the kill"; return; }
  server_stats | python3 -c "
import json, sys
counts = json.load(sys.stdin)['by_body_hash']
def fnv(b):
    h = 0xcbf29ce484222325
    for c in b:
        h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return '%016x' % h
print(sum(1 for r in open(sys.argv[1], 'rb').read().splitlines() if counts.get(fnv(r)) != 1))" "$1"
}
# kill_after N PID: SIGKILL the run once the server has seen N requests
# (sanitizer builds start slowly: a fixed sleep would race).
kill_after() {
  i=0
  while [ "$(server_stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])' 2>/dev/null || echo 0)" -lt "$1" ]; do
    i=$((i + 1)); [ $i -gt 400 ] && break
    sleep 0.05
  done
  kill -9 "$2"
  wait "$2" 2>/dev/null
}
