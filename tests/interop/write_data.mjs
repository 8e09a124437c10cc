// JSON Lines inputs for the writer section: records as tuneset makes them
// (SFT conversations, preference pairs) and a null-heavy nested file. Each
// is written by tuneset, then read back by DuckDB and by tuneset.
import { rng } from './data.mjs';

const J = JSON.stringify;
const ROLES_TEXT = [
  'What is 2 + 2?', 'Explain recursion.\nWith an example:\n```py\ndef f(n): return f(n-1)\n```',
  'Traduis « bonjour » en anglais.', '用中文回答：天空为什么是蓝色的？', 'مرحبا، كيف حالك؟',
  'Quote: "to be" \\ or not', 'emoji 🤖🧠 test', '', 'tab\tand\u0001control',
];

function say(r, i) {
  const t = r.pick(ROLES_TEXT);
  return r.int(0, 60) === 0 ? t + ' lorem ipsum dolor sit amet '.repeat(r.int(100, 600)) : `${t} (${i})`;
}

// Canonical SFT records: reasoning_content only on some assistant turns, so
// the writer sees absent (not null) fields.
function sft(r, i) {
  const msgs = [];
  if (r.int(0, 3) === 0) msgs.push({ role: 'system', content: 'You are a helpful assistant.' });
  const turns = r.int(1, 4);
  for (let k = 0; k < turns; k++) {
    msgs.push({ role: 'user', content: say(r, i) });
    const a = { role: 'assistant', content: say(r, i) };
    if (r.int(0, 4) === 0) a.reasoning_content = 'Let me think. ' + say(r, i);
    msgs.push(a);
  }
  const meta = { category: r.pick(['open_qa', 'closed_qa', 'brainstorming', 'math']), lang: r.pick(['en', 'fr', 'zh', 'ar']) };
  if (r.int(0, 2) === 0) meta.quality = r.int(0, 100) / 10;
  if (r.int(0, 2) === 0) meta.tags = Array.from({ length: r.int(0, 3) }, () => r.pick(['a', 'b', 'c']));
  return { messages: msgs, id: `sft/${i}`, source: 'sft', meta };
}

// Preference pairs: integer and fractional scores in one column (a double
// column), scores sometimes absent, meta always empty (a map).
function pref(r, i) {
  const rec = {
    prompt: [{ role: 'user', content: say(r, i) }],
    chosen: [{ role: 'assistant', content: say(r, i) }],
    rejected: [{ role: 'assistant', content: say(r, i) }],
  };
  if (i % 7 !== 3) {
    rec.score_chosen = r.int(0, 1) ? r.int(5, 10) : r.int(50, 100) / 10;
    rec.score_rejected = r.int(0, 1) ? r.int(0, 5) : r.int(0, 50) / 10;
  }
  rec.id = `pref/${i}`;
  rec.source = 'pref';
  rec.meta = {};
  return rec;
}

// Nulls at every level, empty containers, lists of lists, int64 extremes,
// doubles, booleans, a column that is always null.
function nulls(r, i) {
  const maybe = (v) => (r.int(0, 4) === 0 ? null : v);
  return {
    n: i,
    big: [-9223372036854775808n, 9223372036854775807n, 0n, BigInt(i) * 1000003n][i % 4].toString(),
    x: maybe(r.pick([0.5, -1e-300, 1.7976931348623157e308, 123.456, 5e-324])),
    flag: maybe(r.int(0, 1) === 1),
    always_null: null,
    words: maybe(Array.from({ length: r.int(0, 3) }, () => maybe(r.pick(['α', 'β', '', 'gamma'])))),
    grid: maybe(Array.from({ length: r.int(0, 2) }, () => maybe(Array.from({ length: r.int(0, 2) }, () => maybe(r.int(-5, 5)))))),
    deep: maybe({ a: maybe({ b: maybe([maybe({ c: maybe('leaf'), d: maybe([maybe(1)]) })]) }) }),
    kv: maybe(i % 3 ? {} : { k: maybe('v') }),
  };
}

const MAKERS = { w_sft: [sft, 11, 3000], w_pref: [pref, 12, 3000], w_nulls: [nulls, 13, 3000] };

// Writes each input; returns their names.
export function writeInputs(write) {
  return Object.entries(MAKERS).map(([name, [make, seed, n]]) => {
    const r = rng(seed);
    const lines = Array.from({ length: n }, (_, i) => {
      // "big" holds int64 extremes as exact text: JS numbers cannot
      return J(make(r, i)).replace(/"big":"(-?\d+)"/, '"big":$1') + '\n';
    });
    write(`${name}.jsonl`, lines.join(''));
    return name;
  });
}
