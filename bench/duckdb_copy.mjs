// The DuckDB half of bench/parquet_vs_duckdb.sh: builds the same 10M rows
// as bench/parquet_vs_duckdb_bench.cc in memory, then times
// COPY ... TO (FORMAT parquet) per codec and thread count. Run from
// tests/node (for its node_modules): node --input-type=module - < this file.
// Prints one JSON object per run.
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync, rmSync } from 'node:fs';

const rows = Number(process.env.ROWS || 10000000);
const out = process.env.OUT || '/tmp/stocktake-bench-duckdb.parquet';
const instance = await DuckDBInstance.create(':memory:');
const c = await instance.connect();
await c.run(`CREATE TABLE t AS SELECT 'example-source-bucket' AS bucket,
  'data/2024/04/' || (i % 31) || '/events-' || i || ' part.json.gz' AS key,
  (i * 7919 % 50000000)::BIGINT AS size,
  epoch_ms(1713748408000 + i * 1234)::TIMESTAMP_MS AS last_modified_date,
  md5('data/2024/04/' || (i % 31) || '/events-' || i || ' part.json.gz')
    || CASE WHEN i % 10 = 0 THEN '-3' ELSE '' END AS e_tag,
  'STANDARD' AS storage_class, i % 10 = 0 AS is_multipart_uploaded
  FROM range(${rows}) r(i)`);
for (const threads of [1, 2]) {
  await c.run(`SET threads=${threads}`);
  for (const codec of ['snappy', 'zstd']) {
    const start = performance.now();
    await c.run(`COPY t TO '${out}' (FORMAT parquet, COMPRESSION ${codec})`);
    const seconds = (performance.now() - start) / 1000;
    const bytes = statSync(out).size;
    rmSync(out);
    process.stdout.write(JSON.stringify({ codec, threads, rows, seconds, bytes }) + '\n');
  }
}
c.closeSync();
