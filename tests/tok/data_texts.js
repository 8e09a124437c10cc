// Texts pulled from the real dataset samples in DIR (../shared/data) at
// test time, as JSON Lines ({"text": ...}) on stdout; nothing is
// committed. Up to LIMIT texts.  usage: node data_texts.js DIR [LIMIT]
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const dir = process.argv[2];
const limit = +(process.argv[3] || 5000);
const texts = [];
const add = (s) => { if (typeof s === 'string' && texts.length < limit) texts.push(s); };
function lines(file) {
  let buf = fs.readFileSync(file);
  if (file.endsWith('.gz')) buf = zlib.gunzipSync(buf);
  return buf.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => { try { return JSON.parse(l); } catch { return null; } }).filter(Boolean);
}
function walk(v, depth) { // every string value of a record that looks like text
  if (depth > 6) return;
  if (typeof v === 'string') { if (v.length > 1 && !/^[0-9a-f-]{36}$/.test(v)) add(v); return; }
  if (Array.isArray(v)) { v.forEach((x) => walk(x, depth + 1)); return; }
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (!/(_id|date|lang|role|from|name|model)$/.test(k)) walk(x, depth + 1);
}
const files = [];
(function find(d) {
  let ents;
  try { ents = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
  for (const e of ents) {
    const p = path.join(d, e.name);
    if (e.isDirectory() && e.name !== 'jsontestsuite') find(p);
    else if (/\.(jsonl|json|jsonl\.gz)$/.test(e.name)) files.push(p);
  }
})(dir);
files.sort();
const perFile = Math.ceil(limit / Math.max(1, files.length));
for (const f of files) {
  const before = texts.length;
  try {
    const recs = f.endsWith('.json') ? [].concat(JSON.parse(fs.readFileSync(f, 'utf8'))) : lines(f);
    for (const r of recs) { if (texts.length - before >= perFile) break; walk(r, 0); }
  } catch (e) { process.stderr.write(`data_texts: skipping ${f}: ${e.message}\n`); }
}
process.stdout.write(texts.map((t) => JSON.stringify({ text: t })).join('\n') + (texts.length ? '\n' : ''));
