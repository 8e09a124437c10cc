// Writes the interop matrix with DuckDB, the independent implementation:
//   node make_parquet.mjs OUTDIR
// OUTDIR gets, per source table T, T.source.jsonl (the generated data in the
// JSON conventions of README.md) and, per Parquet file F, F.parquet plus
// F.expected.jsonl (DuckDB's own reading of F), and manifest.json that lists
// every file with its options, row groups, encodings and codecs; and the
// writer section's JSONL inputs, listed in write_manifest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TABLES, rows, rowJson, sqlLit, sqlType } from './data.mjs';
import { duckRead } from './convert.mjs';
import { writeInputs } from './write_data.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node make_parquet.mjs OUTDIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const dir = resolve(out);

const ROWS = { conv: 5000, flat: 5000, extra: 3000 };
const CODECS = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4_raw'];
// 2048 rows is DuckDB's smallest row group (its vector size): 5000 rows
// give three row groups, the last one short.
const RG = 'ROW_GROUP_SIZE 2048';

function variants() {
  const v = [];
  for (const table of ['conv', 'flat'])
    for (const ver of ['v1', 'v2'])
      for (const codec of CODECS)
        for (const dict of ['dict', 'nodict'])
          v.push({
            name: `${table}_${ver}_${codec}_${dict}`, table,
            opts: [`PARQUET_VERSION ${ver}`, `COMPRESSION ${codec}`, RG,
              ...(dict === 'nodict' ? ['DICTIONARY_SIZE_LIMIT 0'] : [])],
          });
  // dictionary pages for every column that repeats, numbers included
  for (const ver of ['v1', 'v2'])
    v.push({ name: `flat_${ver}_zstd_dictforce`, table: 'flat',
      opts: [`PARQUET_VERSION ${ver}`, 'COMPRESSION zstd', RG,
        'DICTIONARY_COMPRESSION_RATIO_THRESHOLD -1', 'DICTIONARY_SIZE_LIMIT 1000000'] });
  v.push({ name: 'conv_v1_snappy_onerowgroup', table: 'conv',
    opts: ['COMPRESSION snappy', "KV_METADATA {origin: 'tuneset interop', rows: '5000'}"] });
  v.push({ name: 'conv_v2_zstd_empty', table: 'conv', where: 'false',
    opts: ['PARQUET_VERSION v2', 'COMPRESSION zstd'] });
  for (const ver of ['v1', 'v2'])
    v.push({ name: `extra_${ver}_snappy`, table: 'extra', opts: [`PARQUET_VERSION ${ver}`, 'COMPRESSION snappy', RG] });
  return v;
}

// one thread: rows and row groups in insertion order; spills stay in OUTDIR
const inst = await DuckDBInstance.create(':memory:', { threads: '1', temp_directory: join(dir, '.duckdb_tmp') });
const conn = await inst.connect();
// TIMESTAMPTZ literals are read in the session zone: make it UTC everywhere
await conn.run("SET TimeZone = 'UTC'");
const sqlPath = (p) => "'" + p.replaceAll("'", "''") + "'";

// Source tables, and their JSONL.
for (const [name, t] of Object.entries(TABLES)) {
  const data = rows(name, ROWS[name]);
  await conn.run(`CREATE TABLE ${name} (${t.cols.map(([c, ct]) => `"${c}" ${sqlType(ct)}`).join(', ')})`);
  for (let i = 0; i < data.length; i += 250) {
    const vals = data.slice(i, i + 250).map((row) =>
      '(' + row.map((v, k) => `CAST(${sqlLit(v, t.cols[k][1])} AS ${sqlType(t.cols[k][1])})`).join(', ') + ')');
    await conn.run(`INSERT INTO ${name} VALUES ${vals.join(',\n')}`);
  }
  writeFileSync(join(dir, `${name}.source.jsonl`), data.map((row) => rowJson(t.cols, row) + '\n').join(''));
}

const manifest = [];
for (const v of variants()) {
  const file = join(dir, `${v.name}.parquet`);
  const from = v.where ? `(SELECT * FROM ${v.table} WHERE ${v.where})` : v.table;
  await conn.run(`COPY ${from} TO ${sqlPath(file)} (FORMAT parquet, ${v.opts.join(', ')})`);
  const { lines, kinds } = await duckRead(conn, file);
  writeFileSync(join(dir, `${v.name}.expected.jsonl`), lines.map((l) => l + '\n').join(''));
  const meta = (await conn.runAndReadAll(
    `SELECT count(DISTINCT row_group_id)::INTEGER AS rgs,
            list(DISTINCT encodings ORDER BY encodings) AS enc,
            list(DISTINCT compression ORDER BY compression) AS codecs,
            count(dictionary_page_offset)::INTEGER AS dict_chunks
     FROM parquet_metadata(${sqlPath(file)})`)).getRowObjectsJson()[0];
  manifest.push({
    name: v.name, table: v.table, options: v.opts.join(', '),
    parquet: `${v.name}.parquet`, expected: `${v.name}.expected.jsonl`,
    source: v.where ? null : `${v.table}.source.jsonl`,
    rows: lines.length, row_groups: meta.rgs, encodings: meta.enc, codecs: meta.codecs,
    dictionary_chunks: meta.dict_chunks, kinds,
  });
}
writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');

// Inputs of the writer section: tuneset writes them, DuckDB reads them back.
const inputs = writeInputs((name, text) => writeFileSync(join(dir, name), text)).map((n) => `${n}.jsonl`);
for (const t of Object.keys(TABLES)) inputs.push(`${t}.source.jsonl`);
writeFileSync(join(dir, 'write_manifest.json'), JSON.stringify({ inputs }, null, 1) + '\n');
console.log(`wrote ${manifest.length} Parquet files to ${dir}`);
