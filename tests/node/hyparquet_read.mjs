// Second, independent Parquet reader for the tests (hyparquet, pure JS).
//   node hyparquet_read.mjs rows FILE   each row as a JSON array on its line
//   node hyparquet_read.mjs meta FILE   one JSON object: schema, num_rows,
//                                       row group sizes, codecs, created_by
// BigInts print as strings, timestamps as ISO 8601 strings (like
// duckdb_query.mjs). Errors go to stderr with exit status 1.
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const [mode, path] = process.argv.slice(2);
if ((mode !== 'rows' && mode !== 'meta') || path === undefined) {
  process.stderr.write('usage: node hyparquet_read.mjs rows|meta FILE\n');
  process.exit(2);
}

function replacer(_key, value) {
  return typeof value === 'bigint' ? value.toString() : value;
}

try {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  if (mode === 'meta') {
    const summary = {
      num_rows: metadata.num_rows,
      created_by: metadata.created_by,
      schema: metadata.schema,
      row_groups: metadata.row_groups.map((g) => ({
        num_rows: g.num_rows,
        columns: g.columns.map((c) => ({
          codec: c.meta_data.codec,
          encodings: c.meta_data.encodings,
          statistics: c.meta_data.statistics,
        })),
      })),
    };
    process.stdout.write(JSON.stringify(summary, replacer) + '\n');
  } else {
    await parquetRead({
      file,
      metadata,
      compressors,
      rowFormat: 'array',
      onComplete: (rows) => {
        const lines = rows.map((row) => JSON.stringify(row, replacer));
        process.stdout.write(lines.length ? lines.join('\n') + '\n' : '');
      },
    });
  }
} catch (err) {
  process.stderr.write(`hyparquet: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
}
