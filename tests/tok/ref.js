// The reference: Hugging Face tokenizers (Rust, via @anush008/tokenizers).
// For each text of CORPUS writes {"ids": [...], "dec": "..."} to OUT:
// encode without added special tokens, then decode of those ids.
// usage: node ref.js TOKENIZER.json CORPUS.jsonl OUT.jsonl
'use strict';
const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');
(async () => {
  const [file, corpus, outFile] = process.argv.slice(2);
  const tok = Tokenizer.fromFile(file);
  const texts = fs.readFileSync(corpus, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l).text);
  const out = [];
  for (const t of texts) {
    const ids = (await tok.encode(t, null, { addSpecialTokens: false })).getIds();
    const dec = await tok.decode(ids, false);
    out.push(JSON.stringify({ ids, dec }));
  }
  fs.writeFileSync(outFile, out.join('\n') + '\n');
})().catch((e) => { console.error(e); process.exit(1); });
