// DuckDB's view of a Parquet file's footer, for debugging either side:
// key-value metadata, file metadata, every column chunk (encodings, codec,
// statistics, offsets) and the schema, one JSON object a line.
//   node tests/interop/pqmeta.mjs FILE.parquet
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const f = process.argv[2];
if (!f) {
  console.error('usage: node pqmeta.mjs FILE.parquet');
  process.exit(2);
}
const inst = await DuckDBInstance.create(':memory:', { temp_directory: join(tmpdir(), 'duckdb_tmp') });
const c = await inst.connect();
const p = "'" + f.replaceAll("'", "''") + "'";
for (const q of [
  `SELECT key, value FROM parquet_kv_metadata(${p})`,
  `SELECT * EXCLUDE (file_name) FROM parquet_file_metadata(${p})`,
  `SELECT row_group_id, row_group_num_rows, path_in_schema, type, num_values, encodings, compression,
          stats_min_value, stats_max_value, stats_null_count, dictionary_page_offset, data_page_offset,
          total_compressed_size, total_uncompressed_size FROM parquet_metadata(${p})`,
  `SELECT name, type, repetition_type, num_children, converted_type, logical_type FROM parquet_schema(${p})`,
]) {
  const r = await c.runAndReadAll(q);
  for (const x of r.getRowObjectsJson()) console.log(JSON.stringify(x));
}
