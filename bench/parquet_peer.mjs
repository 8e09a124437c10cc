// The Parquet benchmark's independent implementation: DuckDB, from npm
// (@duckdb/node-api, the version tests/interop pins and installs there).
//   node bench/parquet_peer.mjs make IN.jsonl OUT.parquet [ROW_GROUP_ROWS]
//       canonical SFT JSON Lines to Parquet, DuckDB's writer, SNAPPY; the
//       row group size is DuckDB's default unless given
//   node bench/parquet_peer.mjs cat IN.parquet OUT.jsonl
//       the timed job: the Parquet file's rows as JSON Lines, DuckDB's own
//       reader and JSON writer, on one thread
//   node bench/parquet_peer.mjs meta IN.parquet
//       one line from the footer: "rows N row_groups N rg_rows N rg_raw N
//       rg_packed N raw N": the most rows, decoded (uncompressed) bytes and
//       stored bytes of a row group, and the whole file's decoded bytes
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The package lives in tests/interop/node_modules, not beside this script.
const require = createRequire(new URL('../tests/interop/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

const [cmd, a, b, c] = process.argv.slice(2);
const usage = () => {
  console.error('usage: node parquet_peer.mjs make IN.jsonl OUT.parquet [ROW_GROUP_ROWS]\n' +
    '       node parquet_peer.mjs cat IN.parquet OUT.jsonl\n' +
    '       node parquet_peer.mjs meta IN.parquet');
  process.exit(2);
};
if (!a || (cmd !== 'meta' && !b) || !['make', 'cat', 'meta'].includes(cmd)) usage();
if (c !== undefined && !/^[1-9][0-9]*$/.test(c)) usage();

const lit = (p) => "'" + p.replaceAll("'", "''") + "'";
// One thread: rows stay in file order, and it is the comparison the
// issue asks for. Spills (there should be none) go to the temp folder.
const inst = await DuckDBInstance.create(':memory:', {
  threads: '1', temp_directory: join(tmpdir(), 'duckdb_bench_tmp'),
});
const conn = await inst.connect();

if (cmd === 'make') {
  // The canonical SFT schema spelled out, so the Parquet types do not
  // depend on what DuckDB's sampling infers (an all-null `parent` in the
  // sample would make it JSON text, for one).
  const cols = `{
    messages: 'STRUCT(role VARCHAR, content VARCHAR)[]', id: 'VARCHAR', source: 'VARCHAR',
    meta: 'STRUCT(category VARCHAR, lang VARCHAR, turns BIGINT, quality DOUBLE, created BIGINT,
                  flagged BOOLEAN, parent BIGINT, tags VARCHAR[])' }`;
  const rg = c ? `, ROW_GROUP_SIZE ${c}` : '';
  await conn.run(`COPY (SELECT * FROM read_json(${lit(a)}, format = 'newline_delimited',
      columns = ${cols}, maximum_object_size = 67108864))
    TO ${lit(b)} (FORMAT parquet, COMPRESSION snappy${rg})`);
} else if (cmd === 'cat') {
  // The run's wall time includes starting node and loading DuckDB (about
  // 0.2 s and 85 MiB); the COPY's own time and the RSS before it say how
  // much. BENCH_PEER_LOG, when set, gets them as a line "SECONDS RSS_BYTES".
  const rss0 = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  await conn.run(`COPY (SELECT * FROM read_parquet(${lit(a)})) TO ${lit(b)} (FORMAT json)`);
  const secs = (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3);
  console.error(`duckdb: COPY took ${secs} s; RSS before it ${(rss0 / 1048576).toFixed(1)} MiB`);
  if (process.env.BENCH_PEER_LOG) appendFileSync(process.env.BENCH_PEER_LOG, `${secs} ${rss0}\n`);
} else {
  // Per row group: rows, bytes decoded (the column chunks' uncompressed
  // sizes) and bytes stored (compressed), from the footer.
  const r = (await conn.runAndReadAll(
    `WITH g AS (
       SELECT row_group_id, any_value(row_group_num_rows) AS nrows,
              sum(total_uncompressed_size) AS raw, sum(total_compressed_size) AS packed
       FROM parquet_metadata(${lit(a)}) GROUP BY row_group_id)
     SELECT coalesce(sum(nrows), 0)::BIGINT AS rows, count(*)::BIGINT AS rgs,
            coalesce(max(nrows), 0)::BIGINT AS rg_rows, coalesce(max(raw), 0)::BIGINT AS rg_raw,
            coalesce(max(packed), 0)::BIGINT AS rg_packed, coalesce(sum(raw), 0)::BIGINT AS raw
     FROM g`)).getRowObjectsJson()[0];
  console.log(`rows ${r.rows} row_groups ${r.rgs} rg_rows ${r.rg_rows} rg_raw ${r.rg_raw} ` +
    `rg_packed ${r.rg_packed} raw ${r.raw}`);
}
