#!/bin/sh
# Installs the Debian packages tuneset needs, skipping what is present.
# Idempotent; needs root (or sudo) only when something is missing.
set -e
need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v make >/dev/null 2>&1 || need="$need make"
have_pc zlib || need="$need zlib1g-dev"
have_pc libzstd || need="$need libzstd-dev"
have_pc snappy || need="$need libsnappy-dev"
have_pc liblz4 || need="$need liblz4-dev"
have_pc libexttextcat || need="$need libexttextcat-dev"
# CLD2 (language identification, C++; no pkg-config file) and g++ for its shim.
[ -f /usr/include/cld2/public/compact_lang_det.h ] || need="$need libcld2-dev"
command -v g++ >/dev/null 2>&1 || need="$need g++"
have_pc yaml-0.1 || need="$need libyaml-dev"
have_pc libutf8proc || need="$need libutf8proc-dev"
have_pc libpcre2-8 || need="$need libpcre2-dev"
have_pc libcurl || need="$need libcurl4-openssl-dev"
have_pc sqlite3 || need="$need libsqlite3-dev"
# The LLM tests' OpenAI-compatible test server (tests/llm) is built on it.
have_pc libmicrohttpd || need="$need libmicrohttpd-dev"
# Chat-template parity tests compare against Debian's jinja2.
/usr/bin/python3 -c 'import jinja2' >/dev/null 2>&1 || need="$need python3-jinja2"
# Used by the tests and the demo, not by the library.
command -v python3 >/dev/null 2>&1 || need="$need python3"
command -v gzip >/dev/null 2>&1 || need="$need gzip"
command -v zstd >/dev/null 2>&1 || need="$need zstd"
# The Parquet interoperability tests run DuckDB from npm.
command -v npm >/dev/null 2>&1 || need="$need nodejs npm"
# The HTML report's test renders it in headless Chromium.
command -v chromium >/dev/null 2>&1 || need="$need chromium"
# `deps.sh bench`: the benchmark's peers and its timer too.
if [ "${1:-}" = bench ]; then
  command -v jq >/dev/null 2>&1 || need="$need jq"
  [ -x /usr/bin/time ] || need="$need time"
  command -v taskset >/dev/null 2>&1 || need="$need util-linux"
  # run_dedup.sh's floor: simdjson parsing and minifying every record.
  have_pc simdjson || need="$need libsimdjson-dev"
fi
if [ -z "$need" ]; then
  exit 0
fi
echo "deps: installing:$need"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $need >/dev/null
