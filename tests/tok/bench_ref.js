// The benchmark peer: Hugging Face tokenizers (Rust, npm binding) encoding
// every {"text"} of IN, REPS times, one text per call (encode) and in
// batches of 256 (encodeBatch). Prints, per mode,
// "MODE tokens N seconds S ids H": the tokens of one pass, the best pass's
// time, and the FNV-1a 64 hash of the ids (as tests/tok/tokcheck.c does).
// usage: node bench_ref.js TOKENIZER.json IN.jsonl REPS
'use strict';
const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');
function fnv(all) {
  let h = 1469598103934665603n;
  const P = 1099511628211n, M = (1n << 64n) - 1n;
  for (const ids of all) for (const x of ids) h = ((h ^ BigInt(x)) * P) & M;
  return h.toString(16).padStart(16, '0');
}
(async () => {
  const [file, inF, repsS] = process.argv.slice(2);
  const reps = +(repsS || 1);
  const tok = Tokenizer.fromFile(file);
  const texts = fs.readFileSync(inF, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l).text);
  const opts = { addSpecialTokens: false };
  for (const mode of ['encode', 'encodeBatch']) {
    let tokens = 0, best = Infinity;
    const first = [];
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      tokens = 0;
      if (mode === 'encode') {
        for (const t of texts) {
          const ids = (await tok.encode(t, null, opts)).getIds();
          tokens += ids.length;
          if (r === 0) first.push(ids);
        }
      } else {
        for (let i = 0; i < texts.length; i += 256) {
          const encs = await tok.encodeBatch(texts.slice(i, i + 256), opts);
          for (const e of encs) {
            const ids = e.getIds();
            tokens += ids.length;
            if (r === 0) first.push(ids);
          }
        }
      }
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    console.log(`${mode} tokens ${tokens} seconds ${best.toFixed(4)} ids ${fnv(first)}`);
  }
})().catch((e) => { console.error(e); process.exit(1); });
