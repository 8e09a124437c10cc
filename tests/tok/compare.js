// Compares our ids (tuneset tokenize --ids output) and our decode
// (tokcheck decode) with the reference's, text by text. Prints the first
// mismatches with their text and one line per check: "PASS name ..." or
// "FAIL name ...". With ROUNDTRIP (exact or nfc), decoding must also give
// back the text (NFC-normalized for nfc): byte-level tokenizers lose nothing.
// usage: node compare.js NAME CORPUS REF OURS_IDS OURS_DEC [ROUNDTRIP]
'use strict';
const fs = require('fs');
const [name, corpusF, refF, idsF, decF, roundtrip] = process.argv.slice(2);
const rd = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
const corpus = rd(corpusF).map((r) => r.text);
const ref = rd(refF);
const ours = rd(idsF);
const dec = rd(decF);
const show = (s) => (typeof s === 'string' ? JSON.stringify(s.length > 300 ? s.slice(0, 300) + '…' : s) : '(missing)');
let bad = 0, badDec = 0, badRt = 0, rtSkipped = 0, tokens = 0;
if (ours.length !== corpus.length) console.log(`${name}: ${ours.length} outputs for ${corpus.length} texts`);
for (let i = 0; i < corpus.length; i++) {
  const a = ref[i].ids, b = (ours[i] && ours[i].input_ids) || [];
  tokens += a.length;
  if (a.length !== b.length || a.some((x, k) => x !== b[k])) {
    if (++bad <= 5) {
      let k = 0;
      while (k < a.length && a[k] === b[k]) k++;
      console.log(`${name} mismatch #${i}: text ${show(corpus[i])}\n  ref  [${a.slice(Math.max(0, k - 2), k + 8)}] (${a.length})\n  ours [${b.slice(Math.max(0, k - 2), k + 8)}] (${b.length}) from index ${Math.max(0, k - 2)}`);
    }
  }
  if (!dec[i] || dec[i].dec !== ref[i].dec) {
    if (++badDec <= 3) console.log(`${name} decode mismatch #${i}: ref ${show(ref[i].dec)}\n  ours ${show(dec[i] ? dec[i].dec : '(missing)')}`);
  }
  if (roundtrip) {
    const want = roundtrip === 'nfc' ? corpus[i].normalize('NFC') : corpus[i];
    // Node's NFC tables are newer than the reference's: where the reference
    // itself does not give Node's NFC back, the text says nothing here.
    if (roundtrip === 'nfc' && ref[i].dec !== want) { rtSkipped++; continue; }
    if (!dec[i] || dec[i].dec !== want)
      if (++badRt <= 3) console.log(`${name} round-trip mismatch #${i}: text ${show(want)}\n  decoded ${show(dec[i] ? dec[i].dec : '(missing)')}`);
  }
}
const n = corpus.length;
console.log(`${bad || ours.length !== n ? 'FAIL' : 'PASS'} ${name} ids: ${n - bad}/${n} texts identical (${tokens} tokens)`);
console.log(`${badDec ? 'FAIL' : 'PASS'} ${name} decode: ${n - badDec}/${n} decodes identical`);
if (roundtrip)
  console.log(`${badRt ? 'FAIL' : 'PASS'} ${name} round trip (${roundtrip}): ${n - badRt - rtSkipped}/${n - rtSkipped} texts decode back` +
    (rtSkipped ? ` (${rtSkipped} left out: Node's NFC differs from the reference's)` : ''));
