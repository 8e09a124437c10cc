// The tokenized-export benchmark's peer: what a fast script does with
// Hugging Face's own tokenizers (Rust, via @anush008/tokenizers, installed
// by tests/export/run.sh): the Llama 3 chat format written out by hand
// (the tokenizer_config.json template: bos, per message
// '<|start_header_id|>' + role + '<|end_header_id|>\n\n' + content.trim() +
// '<|eot_id|>', then the assistant header it always appends), each record
// encoded segment by segment in one encodeBatch call, labels = the assistant
// contents and their <|eot_id|>. Equal output to tuneset checks both.
//   node bench/peer_tokenized.mjs TOKENIZER_DIR IN.jsonl OUT.jsonl
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/export/package.json', import.meta.url));
const { Tokenizer } = require('@anush008/tokenizers');

const [dir, src, dst] = process.argv.slice(2);
if (!dst) {
  console.error('usage: node bench/peer_tokenized.mjs TOKENIZER_DIR IN.jsonl OUT.jsonl');
  process.exit(2);
}
const tok = Tokenizer.fromFile(dir + '/tokenizer.json');
const trim = (s) => s.replace(/^\s+|\s+$/g, '');
const out = [];
for (const line of readFileSync(src, 'utf8').split('\n')) {
  if (!line) continue;
  const msgs = JSON.parse(line).messages;
  const segs = [], train = [];
  msgs.forEach((m, i) => {
    segs.push((i === 0 ? '<|begin_of_text|>' : '') + '<|start_header_id|>' + m.role + '<|end_header_id|>\n\n');
    train.push(false);
    segs.push(trim(m.content) + '<|eot_id|>');
    train.push(m.role === 'assistant');
  });
  segs.push('<|start_header_id|>assistant<|end_header_id|>\n\n');
  train.push(false);
  const encs = await tok.encodeBatch(segs, { addSpecialTokens: false });
  const ids = [], labels = [];
  encs.forEach((e, k) => {
    for (const id of e.getIds()) {
      ids.push(id);
      labels.push(train[k] ? id : -100);
    }
  });
  out.push(JSON.stringify({ input_ids: ids, attention_mask: ids.map(() => 1), labels }));
}
writeFileSync(dst, out.join('\n') + '\n');
