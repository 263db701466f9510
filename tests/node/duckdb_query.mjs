// Test oracle: runs the one SQL statement in argv[2] on an in-memory DuckDB
// and prints each result row as a JSON array on its own line. BIGINT/HUGEINT
// values print as strings, timestamps and dates as ISO 8601 strings. On error
// it prints the message to stderr and exits 1. Used by tests/testing/duckdb.h.
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
if (sql === undefined) {
  process.stderr.write('usage: node duckdb_query.mjs "<sql>"\n');
  process.exit(2);
}

function replacer(_key, value) {
  return typeof value === 'bigint' ? value.toString() : value;
}

try {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(sql);
  const lines = reader.getRowsJS().map((row) => JSON.stringify(row, replacer));
  process.stdout.write(lines.length ? lines.join('\n') + '\n' : '');
  connection.closeSync();
} catch (err) {
  process.stderr.write(`duckdb: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
}
