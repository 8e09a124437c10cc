// Writes a seeded corpus of varied texts as JSON Lines ({"text": ...}) to
// stdout: the same seed gives the same corpus on every machine.
// With --conv, writes COUNT conversations instead ({"messages": [...]}:
// an optional system turn, then user/assistant pairs, the last answer
// sometimes missing) made of the same kinds of text.
// Then Unicode sweeps (see the end).
// usage: node gen_corpus.js [--conv] [COUNT] [SEED]
'use strict';
const args = process.argv.slice(2);
const CONV = args[0] === '--conv';
if (CONV) args.shift();
const COUNT = +(args[0] || 10000);
let seed = +(args[1] || 20261125) >>> 0;

function rnd() { // mulberry32
  seed = (seed + 0x6D2B79F5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];
const cp = (lo, hi) => String.fromCodePoint(lo + int(hi - lo + 1));
const rep = (n, f) => Array.from({ length: n }, f).join('');

const words = ('the of and to in is you that it he was for on are as with his they I at be this have from ' +
  'or one had by word but not what all were we when your can said there use an each which she do how their ' +
  'if will up other about out many then them these so some her would make like him into time has look two more ' +
  'write go see number no way could people my than first water been call who oil its now find long down day did ' +
  'get come made may part tokenizer dataset fine-tuning gradient Transformer attention embeddings LLaMA Qwen ' +
  'naïve café résumé coöperate façade jalapeño Zürich Ångström München São Paulo').split(' ');
const contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ll", "’s", "n't"];
const punct = ['.', ',', '!', '?', ';', ':', '...', ' —', ' - ', '(', ')', '"', "'", '«', '»', '“', '”', '…'];

function english() {
  let s = '';
  const n = 3 + int(60);
  for (let i = 0; i < n; i++) {
    let w = pick(words);
    const r = rnd();
    if (r < 0.1) w = w[0].toUpperCase() + w.slice(1);
    else if (r < 0.13) w = w.toUpperCase();
    if (rnd() < 0.08) w += pick(contractions);
    s += (i ? ' ' : '') + w;
    if (rnd() < 0.12) s += pick(punct);
    if (rnd() < 0.04) s += ' ' + int(100000);
  }
  return s + pick(['.', '!', '?', '', '\n']);
}
const korean = () => rep(1 + int(12), () => rep(1 + int(5), () => cp(0xAC00, 0xD7A3)) + pick([' ', ' ', '. ', ', ', '? ']));
const chinese = () => rep(2 + int(40), () => (rnd() < 0.1 ? pick(['，', '。', '、', '！', '？', '“', '”']) : cp(0x4E00, 0x9FA5)));
const japanese = () => rep(2 + int(30), () => pick([() => cp(0x3041, 0x3096), () => cp(0x30A1, 0x30FA), () => cp(0x4E00, 0x9FA5), () => pick(['。', '、', 'ー', '「', '」'])])());
const arabic = () => rep(1 + int(12), () => rep(2 + int(6), () => cp(0x0621, 0x064A)) + pick([' ', ' ', '، ', '. ', '؟ '])) + (rnd() < 0.3 ? '\u064B\u0650' : '');
const cyrillic = () => rep(1 + int(10), () => rep(2 + int(8), () => cp(0x0430, 0x044F)) + ' ');
const otherScripts = () => pick([() => rep(3 + int(10), () => cp(0x0900, 0x097F)), () => rep(3 + int(10), () => cp(0x0E01, 0x0E3A)),
  () => rep(3 + int(10), () => cp(0x0391, 0x03C9)), () => rep(3 + int(10), () => cp(0x05D0, 0x05EA)), () => rep(2 + int(6), () => cp(0x1100, 0x1112) + cp(0x1161, 0x1175))])();

const emojiBase = ['😀', '🎉', '👍', '❤️', '🔥', '🚀', '🤖', '🧠', '🍕', '🐍', '✅', '❌', '⚠️', '☕', '🏳️‍🌈', '👨‍👩‍👧‍👦', '👩🏽‍💻', '🧑‍🚀', '🇰🇷', '🇯🇵', '🇺🇸', '👋🏻', '👋🏿', '🫠', '🥲', '⭐', '©', '™'];
const emoji = () => rep(1 + int(8), () => pick(emojiBase) + (rnd() < 0.3 ? ' ' : '') + (rnd() < 0.2 ? pick(words) + ' ' : ''));

const codeBits = [
  'def f(x):\n    return x * 2\n',
  'for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}\n',
  'const x = await fetch(`/api/${id}`);\nif (!x.ok) throw new Error("bad");\n',
  '#include <stdio.h>\nint main(void) { printf("%d\\n", 42); }\n',
  'SELECT id, name FROM users WHERE age >= 18 ORDER BY name;\n',
  '<div class="a"><p>Hello &amp; welcome</p></div>\n',
  '{"key": [1, 2.5, -3e10, true, null], "nested": {"a": "b"}}\n',
  '    if x==1:\n        pass\n    elif x!=2:\n\t\tyield\n',
  'git commit -m "fix: off-by-one" && make -j2 check\n',
  'fn main() -> Result<(), Box<dyn Error>> { Ok(()) }\n',
  '$ ls -la /usr/lib | grep -E "^d" | wc -l\n',
  'x = [i**2 for i in range(10) if i % 3 == 0]  # squares\n',
  '<ul> <li>one</li> </ul> <b>x</b>  </b>\n',  // Gemma merges ">" with "▁</" across a space
];
const code = () => rep(1 + int(4), () => pick(codeBits)) + (rnd() < 0.3 ? '\n\n' : '');

const wsBits = [' ', '  ', '   ', '    ', '\t', '\t\t', '\n', '\n\n', '\n\n\n', '\r\n', '\r', ' \n', '\n ', ' \t \n', '\u00A0', '\u3000', '\u2003', '\u0085', '\u2028', '\f', '\v'];
const whitespace = () => rep(1 + int(8), () => (rnd() < 0.5 ? pick(wsBits).repeat(1 + int(6)) : pick(words)));
const digits = () => rep(1 + int(6), () => pick([() => String(int(1e9)), () => rep(5 + int(40), () => String(int(10))), () => int(1e6) + '.' + int(1e4),
  () => '3.14159265358979', () => '1,234,567', () => '٣٤٥', () => '１２３', () => '½ ¾ ²', () => '2026-11-25T16:05:00Z'])() + pick([' ', '', ', ', '\n']));

const specials = ['<|begin_of_text|>', '<|end_of_text|>', '<|eot_id|>', '<|start_header_id|>', '<|end_header_id|>', '<|reserved_special_token_0|>',
  '<|im_start|>', '<|im_end|>', '<|endoftext|>', '<think>', '</think>', '<tool_call>', '<|vision_start|>',
  '<start_of_turn>', '<end_of_turn>', '<bos>', '<eos>', '<pad>', '<unk>', '<s>', '</s>', '<mask>', '[multimodal]', '<unused0>', '<unused99>',
  '<|eot_id', 'eot_id|>', '<start_of_turn', '< s>', '<|im_start|', '▁▁', '▁▁▁▁', '▁', '<0x41>', '<|', '|>'];
const special = () => rep(1 + int(6), () => pick([() => pick(specials), english, () => pick(['user\n', 'assistant\n', 'model\n', 'system', '\n\n', ' '])])());

const oddBits = ['e\u0301', 'a\u0308', '\u1100\u1161\u11A8', 'n\u0303', '\u00A0', '\uFFFD', '\u200B', '\u200D', '\uFEFF', '\u0001', '\u001F', '\u007F',
  '\u200E', '\u202E', '\uE000', '𝕏𝕐', '𝓗𝓮𝓵𝓵𝓸', 'ﬁ', 'Ⅻ', '℃', 'K', 'ſ', "'ſ", 'İstanbul', 'ß', 'ǅ', 'Ａｂｃ', '\u0300\u0301\u0302', 'ᄀ', '\u2060',
  '\u00AD', '\u0600', '\u180E', '\u{1F3FB}', '\u{E0001}', '\u{10FFFD}', '\u{1D11E}', 'Z\u0351\u036B\u0343\u036A\u0302', 'ｶﾞ', '㍻', '①',
  // recent Unicode (14, 15): the regex engines' property tables must agree
  '\u{31350}', '\u{1FAE8}', '\u{11F04}\u{11F05}', '\u{1E030}', '\u{1DF00}', '\u1C89', '\u{1B132}', '\u2066x\u2069'];
const odd = () => rep(1 + int(10), () => pick(oddBits) + (rnd() < 0.4 ? pick(words) : '') + (rnd() < 0.3 ? ' ' : ''));

const longWord = () => pick([() => pick(words).repeat(20 + int(100)), () => 'a'.repeat(100 + int(3000)),
  () => rep(200 + int(800), () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')),
  () => 'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(1 + int(5)), () => '한'.repeat(50 + int(300)), () => '=-'.repeat(100 + int(200)),
  () => ' '.repeat(50 + int(500)), () => '\n'.repeat(10 + int(60)), () => '😀'.repeat(20 + int(100))])();

const gens = [english, english, english, korean, chinese, japanese, arabic, cyrillic, otherScripts, emoji, code, code,
  whitespace, whitespace, digits, special, special, odd, odd, longWord];

const out = [];
for (let i = 0; CONV && i < COUNT; i++) {
  const turn = () => (rnd() < 0.7 ? english() : pick(gens)()).slice(0, 600);
  const messages = [];
  if (rnd() < 0.3) messages.push({ role: 'system', content: english() });
  const pairs = 1 + int(3);
  for (let k = 0; k < pairs; k++) {
    messages.push({ role: 'user', content: turn() });
    if (k < pairs - 1 || rnd() < 0.8) messages.push({ role: 'assistant', content: turn() });
  }
  out.push(JSON.stringify({ id: `conv-${i}`, messages }));
}
for (let i = 0; !CONV && i < COUNT; i++) {
  let t;
  const r = rnd();
  if (i < 8) t = ['', ' ', '\n', 'a', '  leading', 'trailing  ', '\u0085', '<s>'][i];
  else if (r < 0.55) t = pick(gens)();
  else t = rep(2 + int(5), () => pick(gens)() + pick(['', ' ', '\n', '\n\n', '\t']));
  out.push(JSON.stringify({ text: t }));
}
// Unicode sweeps (not with --conv): every 8th block of 512 code points up
// to U+3347F and four in planes 14-16, consecutive, in groups of 16 between "a" / "1" / " ", so that
// every regex class (\p{L}, \p{N}, \s) and normalization table is asked
// about thousands of characters the other texts never use.
const sweeps = [];
for (let base = 0; base < 0x33480; base += 512 * 8) sweeps.push(base);
sweeps.push(0xE0000, 0xE0100, 0xF0000, 0x10FE00); // tags, variation selectors, private use
for (const base of CONV ? [] : sweeps) {
  let t = '';
  for (let c = base; c < base + 512; c++) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    t += String.fromCodePoint(c);
    if (c % 16 === 15) t += pick(['a', '1', ' ', 'a1 ']);
  }
  out.push(JSON.stringify({ text: t }));
}
process.stdout.write(out.join('\n') + '\n');
