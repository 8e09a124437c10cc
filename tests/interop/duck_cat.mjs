// DuckDB's reading of Parquet files as JSON Lines, in the conventions of
// README.md: the stand-in for `tuneset cat` in the harness's self-check.
//   node duck_cat.mjs FILE.parquet...
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckRead } from './convert.mjs';

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: node duck_cat.mjs FILE.parquet...');
  process.exit(2);
}
const inst = await DuckDBInstance.create(':memory:', { threads: '1', temp_directory: join(tmpdir(), 'duckdb_tmp') });
const conn = await inst.connect();
for (const f of files) {
  const { lines } = await duckRead(conn, f);
  if (lines.length) process.stdout.write(lines.join('\n') + '\n');
}
