// Deterministic source tables for the interop matrix. Each column has a
// type tree; each generated value is held in its JSON-convention form
// (README.md) and rendered twice from that one value: as JSON text (the
// source JSONL) and as a DuckDB literal (the INSERT). The JSON text is
// written by hand here, never by convert.mjs, so the self-check compares
// two independent renderings.

// --- values ---------------------------------------------------------------
// Num: a number with its exact JSON text. Obj: ordered members (JS objects
// would reorder integer-like keys). Bytes: a blob (JSON: base64).
export class Num { constructor(text) { this.text = text; } }
export class Obj { constructor(pairs) { this.pairs = pairs; } }
export class Bytes { constructor(buf) { this.buf = buf; } }
const num = (x) => new Num(String(x));

// mulberry32: small, fast, reproducible on every platform
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    big: (bits) => { // uniform unsigned BigInt of `bits` bits
      let v = 0n;
      for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(next() * 65536));
      return v & ((1n << BigInt(bits)) - 1n);
    },
  };
}

// --- types ------------------------------------------------------------------
export const ty = {
  prim: (sql) => ({ k: 'prim', sql }),
  list: (of) => ({ k: 'list', of }),
  array: (of, n) => ({ k: 'array', of, n }),
  struct: (fields) => ({ k: 'struct', fields }), // [[name, type], ...]
  map: (key, val) => ({ k: 'map', key, val }),
};

export function sqlType(t) {
  switch (t.k) {
    case 'prim': return t.sql;
    case 'list': return sqlType(t.of) + '[]';
    case 'array': return `${sqlType(t.of)}[${t.n}]`;
    case 'struct': return 'STRUCT(' + t.fields.map(([n, f]) => `"${n}" ${sqlType(f)}`).join(', ') + ')';
    case 'map': return `MAP(${sqlType(t.key)}, ${sqlType(t.val)})`;
  }
  throw new Error('bad type');
}

const sqlStr = (s) => "'" + s.replaceAll("'", "''") + "'";

export function sqlLit(v, t) {
  if (v === null) return 'NULL';
  switch (t.k) {
    case 'list': case 'array': return '[' + v.map((x) => sqlLit(x, t.of)).join(', ') + ']';
    case 'struct':
      return '{' + t.fields.map(([n, f], i) => `${sqlStr(n)}: ${sqlLit(v.pairs[i][1], f)}`).join(', ') + '}';
    case 'map':
      // map keys are held as JSON member names; the literal needs the typed key
      return 'MAP {' + v.pairs.map(([k, x]) => `${t.key.sql === 'VARCHAR' ? sqlStr(k) : k}: ${sqlLit(x, t.val)}`).join(', ') + '}';
  }
  if (v instanceof Num) {
    if (v.text === 'NaN' || v.text.endsWith('Infinity')) return `'${v.text}'::${t.sql}`;
    return `${sqlStr(v.text)}::${t.sql}`;
  }
  if (v instanceof Bytes) return `from_base64('${v.buf.toString('base64')}')`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return `${sqlStr(v)}::${t.sql}`;
  throw new Error('bad value for ' + t.sql);
}

// JSON text of v; the type decides only what the value alone cannot: a map
// with non-string keys is an array of {"key", "value"} objects.
export function jsonText(v, t) {
  if (v === null) return 'null';
  if (v instanceof Num) return /^(NaN|-?Infinity)$/.test(v.text) ? 'null' : v.text;
  if (v instanceof Bytes) return JSON.stringify(v.buf.toString('base64'));
  if (t && t.k === 'map' && t.key.sql !== 'VARCHAR')
    return '[' + v.pairs.map(([k, x]) => `{"key":${k},"value":${jsonText(x, t.val)}}`).join(',') + ']';
  if (v instanceof Obj) {
    const ft = (i) => (t && t.k === 'struct' ? t.fields[i][1] : t && t.k === 'map' ? t.val : undefined);
    return '{' + v.pairs.map(([k, x], i) => JSON.stringify(k) + ':' + jsonText(x, ft(i))).join(',') + '}';
  }
  if (Array.isArray(v)) return '[' + v.map((x) => jsonText(x, t && t.of)).join(',') + ']';
  return JSON.stringify(v);
}

// --- shared value makers ----------------------------------------------------
const pad = (n, w) => String(n).padStart(w, '0');
const TEXTS = [
  'Hello, world!',
  'Explain the theorem.\nUse steps:\n1. state it\n2. prove it',
  'He said "hi" and left a \\ backslash',
  'tab\there, cr\rthere',
  'emoji 😀🎉 and a flag 🇫🇷',
  '中文测试，日本語のテキスト、한국어',
  'עברית ومرحبا بالعالم',
  'combining e\u0301 vs é',
  'control \u0001\u001f\u007f end',
  'line sep \u2028 para sep \u2029 done',
  '',
  ' ',
  'Sure! Here is the answer: 42.',
  "it's a 'quoted' word",
];
const LONG = 'The quick brown fox jumps over the lazy dog; ünïcödé ✓. ';

function text(r, i) {
  const x = r.int(0, 99);
  if (x === 0 && r.int(0, 3) === 0) return LONG.repeat(r.int(50, 300)) + i; // a few long values: big pages
  if (x < 60) return r.pick(TEXTS);
  return r.pick(TEXTS) + ' #' + i; // mostly distinct values
}

function dateParts(r) { return [r.int(1900, 2100), r.int(1, 12), r.int(1, 28)]; }
const dateText = ([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
function tsText(date, h, mi, s, fracDigits) { // fracDigits: string without trailing zeros, or ''
  return `${dateText(date)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${fracDigits ? '.' + fracDigits : ''}`;
}
// A random fraction of a second at `digits` precision, as text: in 3, 6
// or 9 digits, the shortest of those that loses nothing ('' when zero).
function fracOf(r, digits) {
  if (r.int(0, 3) === 0) return '';
  let n = r.int(0, 3) === 0 ? r.int(1, 999) * 10 ** (digits - 3) : r.int(0, 10 ** digits - 1);
  while (digits > 3 && n % 1000 === 0) { n /= 1000; digits -= 3; }
  return n === 0 ? '' : pad(n, digits);
}
function ts(r, digits) { return tsText(dateParts(r), r.int(0, 23), r.int(0, 59), r.int(0, 59), fracOf(r, digits)); }

function decimal(r, p, s) {
  const unscaled = r.big(130) % (10n ** BigInt(p));
  const neg = r.int(0, 1) === 1;
  let t = unscaled.toString();
  if (s > 0) {
    t = t.padStart(s + 1, '0');
    t = t.slice(0, t.length - s) + '.' + t.slice(t.length - s);
  }
  return new Num((neg && unscaled !== 0n ? '-' : '') + t);
}
const decMax = (p, s) => '9'.repeat(p - s) + (s ? '.' + '9'.repeat(s) : '');

// --- the conversations table --------------------------------------------------
const MSG = ty.struct([['role', ty.prim('VARCHAR')], ['content', ty.prim('VARCHAR')]]);
export const CONV = [
  ['id', ty.prim('VARCHAR')],
  ['messages', ty.list(MSG)],
  ['meta', ty.struct([
    ['lang', ty.prim('VARCHAR')],
    ['turns', ty.prim('INTEGER')],
    ['quality', ty.prim('DOUBLE')],
    ['labels', ty.list(ty.prim('VARCHAR'))],
    ['origin', ty.struct([['row', ty.prim('BIGINT')], ['split', ty.prim('VARCHAR')]])],
  ])],
  ['scores', ty.list(ty.prim('DOUBLE'))],
  ['tags', ty.list(ty.prim('VARCHAR'))],
  ['attrs', ty.map(ty.prim('VARCHAR'), ty.prim('VARCHAR'))],
  ['grid', ty.list(ty.list(ty.prim('INTEGER')))],
  ['rating', ty.prim('FLOAT')],
  ['rank', ty.prim('INTEGER')],
];

const ROLES = ['system', 'user', 'assistant', 'tool'];
const TAGS = ['math', 'code', 'chat', 'reasoning', 'écriture', '翻訳', 'safety'];
const LANGS = ['en', 'fr', 'de', 'zh', 'ja', 'ar', 'he'];

function messages(r, i) {
  switch (i % 50) {
    case 0: return null;
    case 1: return [];
    case 2: return [null];
    case 3: return [new Obj([['role', null], ['content', 'orphan content']])];
    case 4: return [new Obj([['role', 'user'], ['content', null]]), null, new Obj([['role', 'assistant'], ['content', '']])];
    case 5: return [new Obj([['role', null], ['content', null]])];
  }
  const n = r.int(1, 7);
  const out = [];
  if (r.int(0, 4) === 0) out.push(new Obj([['role', 'system'], ['content', 'You are a helpful assistant.']]));
  for (let k = 0; k < n; k++) out.push(new Obj([['role', k % 2 ? 'assistant' : r.int(0, 9) ? 'user' : r.pick(ROLES)], ['content', text(r, i)]]));
  return out;
}

function convRow(r, i) {
  if (i === 7) return CONV.map(() => null); // a row of nulls at the top level
  const meta = i % 23 === 0 ? null : new Obj([
    ['lang', i % 11 === 0 ? null : r.pick(LANGS)],
    ['turns', i % 13 === 0 ? null : num(r.int(0, 40))],
    ['quality', i % 17 === 0 ? null : num(r.int(-1000, 1000) / 8)],
    ['labels', i % 19 === 0 ? null : i % 19 === 1 ? [] : Array.from({ length: r.int(1, 3) }, () => (r.int(0, 9) ? r.pick(TAGS) : null))],
    ['origin', i % 29 === 0 ? null : new Obj([['row', num(i * 1000003)], ['split', i % 31 === 0 ? null : r.pick(['train', 'test', 'validation'])]])],
  ]);
  const scores = i % 9 === 0 ? null : i % 9 === 1 ? [] : Array.from({ length: r.int(1, 4) }, () => {
    const x = r.int(0, 20);
    if (x === 0) return null;
    if (x === 1) return new Num('-0.0');
    if (x === 2) return new Num('1.7976931348623157e+308');
    if (x === 3) return new Num('5e-324');
    return num((r.next() - 0.5) * 10 ** r.int(-5, 8));
  });
  const tags = i % 6 === 0 ? null : Array.from({ length: r.int(0, 4) }, () => (r.int(0, 12) ? r.pick(TAGS) : null));
  let attrs = null;
  if (i % 8 === 1) attrs = new Obj([]);
  else if (i % 8 > 1) {
    const keys = ['source', 'license', 'url', 'ключ', 'k"q'].filter(() => r.int(0, 1));
    attrs = new Obj(keys.map((k) => [k, r.int(0, 6) ? Array.from(text(r, i)).slice(0, 40).join('') : null]));
  }
  const grid = i % 10 === 0 ? null : Array.from({ length: r.int(0, 3) }, () => {
    if (r.int(0, 7) === 0) return null;
    return Array.from({ length: r.int(0, 3) }, () => (r.int(0, 9) ? num(r.int(-2147483648, 2147483647)) : null));
  });
  const rating = i % 7 === 3 ? null : num(r.pick([0.1, 0.25, -3.5, 1e10, 3.4028234663852886e+38, 1.1754943508222875e-38, 1.401298464324817e-45, r.int(-1000, 1000) / 4]));
  const rank = i % 5 === 0 ? null : num(r.int(-3, 1000));
  const id = i % 97 === 13 ? null : `conv/${i}`;
  return [id, messages(r, i), meta, scores, tags, attrs, grid, rating, rank];
}

// --- flat table: every primitive type the issue lists ---------------------------
export const FLAT = [
  ['c_bool', ty.prim('BOOLEAN')],
  ['c_i8', ty.prim('TINYINT')], ['c_i16', ty.prim('SMALLINT')],
  ['c_i32', ty.prim('INTEGER')], ['c_i64', ty.prim('BIGINT')],
  ['c_u8', ty.prim('UTINYINT')], ['c_u16', ty.prim('USMALLINT')],
  ['c_u32', ty.prim('UINTEGER')], ['c_u64', ty.prim('UBIGINT')],
  ['c_f32', ty.prim('FLOAT')], ['c_f64', ty.prim('DOUBLE')],
  ['c_dec4_1', ty.prim('DECIMAL(4,1)')], ['c_dec9_4', ty.prim('DECIMAL(9,4)')],
  ['c_dec18_6', ty.prim('DECIMAL(18,6)')], ['c_dec38_10', ty.prim('DECIMAL(38,10)')],
  ['c_dec10_0', ty.prim('DECIMAL(10,0)')],
  ['c_date', ty.prim('DATE')], ['c_ts', ty.prim('TIMESTAMP')],
  ['c_str', ty.prim('VARCHAR')], ['c_lowcard', ty.prim('VARCHAR')],
  ['c_blob', ty.prim('BLOB')],
];

const INT_RANGES = {
  c_i8: [-128n, 127n], c_i16: [-32768n, 32767n], c_i32: [-2147483648n, 2147483647n],
  c_i64: [-9223372036854775808n, 9223372036854775807n],
  c_u8: [0n, 255n], c_u16: [0n, 65535n], c_u32: [0n, 4294967295n], c_u64: [0n, 18446744073709551615n],
};

function intVal(r, name, i) {
  const [lo, hi] = INT_RANGES[name];
  if (i % 41 === 2) return new Num(String(lo));
  if (i % 41 === 3) return new Num(String(hi));
  if (i % 41 === 4) return new Num('0');
  // small values too, so dictionary and delta encodings see runs
  if (r.int(0, 2) === 0) return new Num(String(lo + BigInt(r.int(0, 100))));
  return new Num(String(lo + r.big(64) % (hi - lo + 1n)));
}

const F32 = ['0.1', '-2.5', '3.4028235e+38', '-3.4028235e+38', '1.1754944e-38', '1e-45', '16777216', '0.0', '-0.0'];
const F64 = ['0.1', '-0.0', '1.7976931348623157e+308', '-2.2250738585072014e-308', '5e-324', '9007199254740993', '1e+21', '123456.789'];
const DATES = ['1970-01-01', '1969-12-31', '2000-02-29', '1900-03-01', '0001-01-01', '9999-12-31', '2024-02-29', '1600-02-29'];
const TSS = ['1970-01-01T00:00:00', '1969-12-31T23:59:59.999999', '0001-01-01T00:00:00', '9999-12-31T23:59:59.999999',
  '2000-02-29T12:00:00.500', '1900-01-01T00:00:00.000001', '2001-09-09T01:46:40.120'];

function flatRow(r, i) {
  if (i === 7) return FLAT.map(() => null);
  return FLAT.map(([name]) => {
    if (i % 10 === (name.length % 10)) return null; // ~10% nulls, different rows per column
    if (INT_RANGES[name]) return intVal(r, name, i);
    switch (name) {
      case 'c_bool': return r.int(0, 2) === 0;
      case 'c_f32': return r.int(0, 3) === 0 ? new Num(r.pick(F32)) : num(r.int(-100000, 100000) / 64);
      case 'c_f64': return r.int(0, 3) === 0 ? new Num(r.pick(F64)) : num((r.next() - 0.5) * 10 ** r.int(-30, 30));
      case 'c_dec4_1': return i % 37 === 5 ? new Num('-' + decMax(4, 1)) : decimal(r, 4, 1);
      case 'c_dec9_4': return i % 37 === 5 ? new Num(decMax(9, 4)) : decimal(r, 9, 4);
      case 'c_dec18_6': return i % 37 === 5 ? new Num('-' + decMax(18, 6)) : decimal(r, 18, 6);
      case 'c_dec38_10': return i % 37 === 5 ? new Num(decMax(38, 10)) : i % 37 === 6 ? new Num('0.0000000001') : decimal(r, 38, 10);
      case 'c_dec10_0': return decimal(r, 10, 0);
      case 'c_date': return r.int(0, 4) === 0 ? r.pick(DATES) : dateText(dateParts(r));
      case 'c_ts': return r.int(0, 4) === 0 ? r.pick(TSS) : ts(r, 6);
      case 'c_str': return r.int(0, 20) === 0 ? '' : text(r, i);
      case 'c_lowcard': return r.pick(['alpha', 'beta', 'gamma', 'délta', '∑', 'zeta', 'eta', 'theta']);
      case 'c_blob': {
        const b = Buffer.alloc(r.int(0, 24));
        for (let k = 0; k < b.length; k++) b[k] = r.int(0, 255);
        return new Bytes(b);
      }
    }
    throw new Error(name);
  });
}

// --- extra table: types beyond the list ------------------------------------
export const EXTRA = [
  ['x_time', ty.prim('TIME')],
  ['x_ts_ms', ty.prim('TIMESTAMP_MS')],
  ['x_ts_ns', ty.prim('TIMESTAMP_NS')],
  ['x_ts_s', ty.prim('TIMESTAMP_S')],
  ['x_tstz', ty.prim('TIMESTAMPTZ')],
  ['x_uuid', ty.prim('UUID')],
  ['x_enum', ty.prim("ENUM('red', 'green', 'blue')")],
  ['x_json', ty.prim('JSON')],
  ['x_f64_special', ty.prim('DOUBLE')],
  ['x_arr', ty.array(ty.prim('INTEGER'), 3)],
  ['x_imap', ty.map(ty.prim('INTEGER'), ty.prim('DOUBLE'))],
];

function extraRow(r, i) {
  if (i === 7) return EXTRA.map(() => null);
  return EXTRA.map(([name]) => {
    if (i % 9 === name.length % 9) return null;
    switch (name) {
      case 'x_time': { const f = fracOf(r, 6); return `${pad(r.int(0, 23), 2)}:${pad(r.int(0, 59), 2)}:${pad(r.int(0, 59), 2)}${f ? '.' + f : ''}`; }
      case 'x_ts_ms': return ts(r, 3);
      case 'x_ts_ns': { // nanosecond timestamps span 1677..2262
        const d = [r.int(1678, 2261), r.int(1, 12), r.int(1, 28)];
        return tsText(d, r.int(0, 23), r.int(0, 59), r.int(0, 59), fracOf(r, 9));
      }
      case 'x_ts_s': return tsText(dateParts(r), r.int(0, 23), r.int(0, 59), r.int(0, 59), '');
      case 'x_tstz': return ts(r, 6) + 'Z';
      case 'x_uuid': {
        const h = r.big(128).toString(16).padStart(32, '0');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      }
      case 'x_enum': return r.pick(['red', 'green', 'blue']);
      case 'x_json': return r.pick(['{"a":1}', '[1,2,3]', '"s"', 'null', '{"nested":{"k":[true,false]}}']);
      case 'x_f64_special': return new Num(r.pick(['NaN', 'Infinity', '-Infinity', '1.5', '-0.0']));
      case 'x_arr': return [num(r.int(-9, 9)), r.int(0, 5) ? num(r.int(-9, 9)) : null, num(i)];
      case 'x_imap': {
        if (i % 5 === 0) return new Obj([]);
        return new Obj(Array.from({ length: r.int(1, 3) }, (_, k) => [String(k * 7 - 3), r.int(0, 4) ? num(r.int(-99, 99) / 4) : null]));
      }
    }
    throw new Error(name);
  });
}

export const TABLES = {
  conv: { cols: CONV, row: convRow, seed: 1 },
  flat: { cols: FLAT, row: flatRow, seed: 2 },
  extra: { cols: EXTRA, row: extraRow, seed: 3 },
};

// Rows of table `name`, each an array of values in column order.
export function rows(name, n) {
  const t = TABLES[name];
  const r = rng(t.seed);
  return Array.from({ length: n }, (_, i) => t.row(r, i));
}

export function rowJson(cols, row) {
  return '{' + cols.map(([n, t], i) => JSON.stringify(n) + ':' + jsonText(row[i], t)).join(',') + '}';
}
