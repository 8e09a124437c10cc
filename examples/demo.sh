#!/bin/sh
# The demo: imports the built-in samples of each seed dataset (written by
# the project, in each dataset's native format) into canonical records,
# validates them, and shows what came out. Output goes to build/demo/.
set -e
TS=${1:-build/tuneset}
cd "$(dirname "$0")/.."
D=examples/demo
OUT=build/demo
mkdir -p "$OUT"

step() { printf '\n== %s\n' "$*"; }
imp() { # NAME FORMAT [options] FILES...
  name=$1; shift
  "$TS" import -q "$@" -o "$OUT/$name.jsonl" --stats "$OUT/$name.stats.json"
  python3 - "$OUT/$name.stats.json" "$name" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
drops = ", ".join(f"{k} {v}" for k, v in d["dropped"].items())
print(f"  {sys.argv[2]:<14} read {d['read']:>3}  written {d['written']:>3}  dropped {d['dropped_total']:>2}"
      f"  rejected {d['rejected']}" + (f"   ({drops})" if drops else ""))
PY
}

step "import nine public dataset formats from examples/demo/"
imp alpaca        alpaca        $D/alpaca.json
imp dolly         dolly         $D/dolly.jsonl
imp sharegpt      sharegpt      --clean $D/sharegpt.json
imp ultrachat     ultrachat     $D/ultrachat.jsonl
imp s1k           s1k           $D/s1k.jsonl
imp oasst1-sft    oasst1        $D/oasst1.messages.jsonl
imp oasst1-pref   oasst1        --kind pref $D/oasst1.messages.jsonl
imp hh-rlhf       hh-rlhf       $D/hh-rlhf/helpful-base/train.jsonl
imp shp           shp           $D/shp.jsonl
imp ultrafeedback ultrafeedback $D/ultrafeedback.jsonl

step "recognize a format by itself"
"$TS" import auto $D/dolly.jsonl -q -o "$OUT/auto.jsonl"
"$TS" import auto $D/dolly.jsonl -o /dev/null 2>&1 | head -n 1

step "merge the SFT sets and the preference sets, compressed"
"$TS" cat -q "$OUT"/alpaca.jsonl "$OUT"/dolly.jsonl "$OUT"/sharegpt.jsonl "$OUT"/ultrachat.jsonl \
  "$OUT"/s1k.jsonl "$OUT"/oasst1-sft.jsonl -o "$OUT/sft.jsonl.zst"
"$TS" cat -q "$OUT"/oasst1-pref.jsonl "$OUT"/hh-rlhf.jsonl "$OUT"/shp.jsonl "$OUT"/ultrafeedback.jsonl \
  -o "$OUT/preference.jsonl.zst"

step "validate every record (roles, turn order, ids unique across files)"
"$TS" validate --kind sft "$OUT/sft.jsonl.zst"
"$TS" validate --kind preference "$OUT/preference.jsonl.zst"

step "the same in one recipe: sources -> pii, clean, dedup -> splits, with a manifest and a dataset card"
"$TS" build examples/recipes/demo.yaml -o "$OUT/recipe"
ls "$OUT/recipe" "$OUT/recipe/sft" "$OUT/recipe/preference"
"$TS" report -q "$OUT/sft.jsonl.zst" "$OUT/preference.jsonl.zst" --title "tuneset demo" -o "$OUT/report.html"
echo "report: $OUT/report.html (one self-contained page: charts and a sample of records)"

step "create: preference pairs from community votes (SHP's method, no model)"
"$TS" votes $D/create/reddit_submissions.jsonl $D/create/reddit_comments.jsonl -o "$OUT/votes.jsonl" 2>&1 | grep '^tuneset votes' 

step "create with a model: Self-Instruct, then answers (against the in-tree OpenAI-compatible test server)"
# A real run points --endpoint at llama-server, vLLM, Ollama, ... (docs/llm.md);
# the demo's server answers from a script of canned replies.
rm -f "$OUT/server.port"
build/llm_test_server --rules $D/create/model_replies.jsonl --port-file "$OUT/server.port" >/dev/null 2>&1 &
SRV_PID=$!
trap 'kill $SRV_PID 2>/dev/null' EXIT
i=0; while [ ! -s "$OUT/server.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
URL="http://127.0.0.1:$(cat "$OUT/server.port")"
"$TS" gen self-instruct --seeds $D/create/seed_tasks.jsonl -n 4 -o "$OUT/self_instruct.jsonl" \
  --endpoint "$URL" --cache "$OUT/gen.sqlite" 2>&1 | grep '^tuneset gen' 
"$TS" gen respond $D/create/prompts.jsonl -o "$OUT/answers.jsonl" --endpoint "$URL" \
  --cache "$OUT/gen.sqlite" 2>&1 | grep '^tuneset gen' 
kill $SRV_PID 2>/dev/null; trap - EXIT

step "render with a chat template and export for trainers"
mkdir -p "$OUT/export/llamafactory"
"$TS" render -q --template chatml "$OUT/oasst1-sft.jsonl" -o "$OUT/oasst1.chatml.jsonl"
"$TS" export llamafactory -q --format sharegpt "$OUT/sft.jsonl.zst" -o "$OUT/export/llamafactory/sft.json"
"$TS" export openai -q "$OUT/preference.jsonl.zst" -o "$OUT/export/openai_dpo.jsonl"
"$TS" export sharegpt -q --max-chars 2000 --length split "$OUT/sft.jsonl.zst" -o "$OUT/export/sharegpt_split.jsonl"
ls "$OUT/export" "$OUT/export/llamafactory"

step "a look at the results"
echo "-- one SFT record (oasst1, a whole thread):"
"$TS" head -q -n 1 "$OUT/oasst1-sft.jsonl"
echo "-- the same thread rendered with the built-in chatml template:"
"$TS" head -q -n 1 "$OUT/oasst1.chatml.jsonl" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["text"][:300])'
echo "-- one preference pair (hh-rlhf, multi-turn prompt):"
"$TS" head -q -n 2 "$OUT/hh-rlhf.jsonl" | tail -n 1
echo
echo "demo: outputs in $OUT/ (sft.jsonl.zst, preference.jsonl.zst, one .jsonl and .stats.json per dataset)"
