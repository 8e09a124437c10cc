# build: the demo recipe end to end, byte-identical reruns, atomic failure,
# and recipe errors naming file:line:column.
. "$ROOT/tests/cli/lib.sh"
cd "$ROOT" || fail "no repo root"
R=examples/recipes/demo.yaml

run ts build "$R" -o "$T/a"; expect_rc 0
expect_err_has "tuneset build: tuneset-demo -> $T/a/ (sft, preference; manifest.json, README.md)"
for f in manifest.json README.md; do [ -s "$T/a/$f" ] || fail "no $f"; done
ts validate -q "$T"/a/sft/*.jsonl "$T"/a/preference/*.jsonl || fail "outputs do not validate"
# The manifest's split rows are the lines written, and the card agrees.
for d in sft preference; do
  rows=$(cat "$T"/a/$d/*.jsonl | wc -l | tr -d ' ')
  [ "$(json_get "$T/a/manifest.json" "sum(o['rows'] for x in d['datasets'] if x['name']=='$d' for o in x['outputs'])")" = "$rows" ] \
    || fail "$d rows"
done
[ "$(json_get "$T/a/manifest.json" "d['datasets'][0]['sources'][0]['inputs'][0]['size']")" = \
  "$(wc -c < examples/demo/alpaca.json | tr -d ' ')" ] || fail "input size"
[ "$(json_get "$T/a/manifest.json" "d['tuneset_version']")" = "$(ts --version | awk '{print $NF}')" ] || fail "version"
head -n 1 "$T/a/README.md" | grep -qx -- '---' || fail "card has no YAML header"
grep -q '^- config_name: "preference"' "$T/a/README.md" || fail "card lacks the preference config"

# Each written split has its stats.json (same record count) and report.html, listed in the manifest.
for d in sft preference; do
  for f in "$T"/a/$d/*.jsonl; do
    b=${f%.jsonl}; rel=$d/$(basename "$b")
    [ "$(json_get "$b.stats.json" "d['records']")" = "$(wc -l < "$f" | tr -d ' ')" ] || fail "$rel stats"
    grep -q '<svg' "$b.report.html" || fail "$rel report has no chart"
    [ "$(json_get "$T/a/manifest.json" "[o['report'] for x in d['datasets'] for o in x['outputs'] if o['path']=='$rel.jsonl'][0]")" = "$rel.report.html" ] \
      || fail "$rel report not in the manifest"
  done
done

# They are what `tuneset stats --json` and `tuneset report` write for the same file.
ts stats -q "$T/a/sft/train.jsonl" --json "$T/st.json" >/dev/null || fail "stats"
cmp -s "$T/st.json" "$T/a/sft/train.stats.json" || fail "stats.json differs from tuneset stats --json"
ts report -q "$T/a/sft/train.jsonl" -o "$T/rep.html" --title "tuneset-demo: sft/train" --seed 42 || fail "report"
cmp -s "$T/rep.html" "$T/a/sft/train.report.html" || fail "report.html differs from tuneset report"

# A mix step (two passes through a spool) and keep: longest; stats and report turned off.
cat > "$T/mix.yaml" <<EOF
name: mixed
seed: 1
outputs: {dir: $T/mx, stats: false, report: false}
sources:
  - {format: alpaca, paths: [examples/demo/alpaca.json]}
  - {format: dolly, paths: [examples/demo/dolly.jsonl]}
steps:
  - mix: {weights: {alpaca: 0.5, dolly: 0.5}, total: 10, replace: true}
  - dedup: {keep: longest, exact_only: true}
EOF
run ts build "$T/mix.yaml" -q; expect_rc 0
[ "$(json_get "$T/mx/manifest.json" "d['datasets'][0]['steps'][0]['sources']['alpaca']['written']")" = 5 ] || fail "mix target"
[ "$(json_get "$T/mx/manifest.json" "d['datasets'][0]['steps'][1]['out']")" = "$(wc -l < "$T/mx/mixed/train.jsonl" | tr -d ' ')" ] \
  || fail "dedup after mix"
ls -A "$T/mx/mixed" | grep -qv '^train.jsonl$' && fail "extra files beside train.jsonl: $(ls -A "$T/mx/mixed")"
ts validate -q "$T/mx/mixed/train.jsonl" || fail "mixed output does not validate"

# Same recipe + same inputs = same bytes.
run ts build "$R" -o "$T/b" -q; expect_rc 0
diff -r "$T/a" "$T/b" >/dev/null || fail "a rebuild differs"

# Parquet outputs read back to the same records.
sed 's/format: jsonl .*/format: parquet/' "$R" > "$T/pq.yaml"
run ts build "$T/pq.yaml" -o "$T/p" -q; expect_rc 0
ts cat -q "$T/p/sft/train.parquet" -o "$T/p.jsonl" || fail "parquet unreadable"
cmp -s "$T/p.jsonl" "$T/a/sft/train.jsonl" || fail "parquet records differ from JSON Lines"

# Errors name the recipe, line and column; nothing is written on failure.
printf 'name: x\noutputs: {dir: %s}\nsources:\n  - format: nope\n    paths: [a]\n' "$T/e" > "$T/bad.yaml"
run ts build "$T/bad.yaml"; expect_rc 2
expect_err_has "$T/bad.yaml:4:13: unknown format 'nope'"
printf 'name: x\noutputs: {dir: %s}\nsources: [{format: alpaca, paths: [%s]}]\n' "$T/m" "$T/none.json" > "$T/miss.yaml"
run ts build "$T/miss.yaml"; expect_rc 3
expect_err_has "none.json"
[ ! -e "$T/m/manifest.json" ] || fail "a failed build left a manifest"
run ts build; expect_rc 2
exit 0
