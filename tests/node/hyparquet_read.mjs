// Second, independent Parquet reader for the tests (hyparquet, pure JS).
//   node hyparquet_read.mjs rows FILE   each row as a JSON array on its line
//   node hyparquet_read.mjs meta FILE   one JSON object: schema, num_rows,
//                                       row group sizes, codecs, created_by
//   node hyparquet_read.mjs digest FILE {"rows": N, "md5": HEX}: the MD5 of
//                                       every row as one line, cells joined
//                                       by TAB (null \N, booleans true/false,
//                                       integers decimal, timestamps epoch
//                                       millis), each line ending in LF
// BigInts print as strings, timestamps as ISO 8601 strings (like
// duckdb_query.mjs). Errors go to stderr with exit status 1.
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { createHash } from 'node:crypto';

const [mode, path] = process.argv.slice(2);
if (!['rows', 'meta', 'digest'].includes(mode) || path === undefined) {
  process.stderr.write('usage: node hyparquet_read.mjs rows|meta|digest FILE\n');
  process.exit(2);
}

function replacer(_key, value) {
  return typeof value === 'bigint' ? value.toString() : value;
}

function cell(value) {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return String(value.getTime());
  return String(value);  // strings, booleans, numbers, bigints
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
  } else if (mode === 'digest') {
    const md5 = createHash('md5');
    let count = 0;
    await parquetRead({
      file,
      metadata,
      compressors,
      rowFormat: 'array',
      onComplete: (rows) => {
        for (const row of rows) md5.update(row.map(cell).join('\t') + '\n', 'utf8');
        count = rows.length;
      },
    });
    process.stdout.write(JSON.stringify({ rows: count, md5: md5.digest('hex') }) + '\n');
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
