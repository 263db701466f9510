// Hyparquet: the second, independent Parquet reader of the tests (npm
// hyparquet, pure JavaScript), run through tests/node/hyparquet_read.mjs.
// Rows come back as JSON arrays, e.g. ["b","k",null,"42","2024-...Z"]
// (INT64 as strings, timestamps as ISO 8601), like DuckDbQuery. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace stocktake::testing {

// Every row of the Parquet file at `path`, in file order. Errors as
// RunNodeScript (node_script.h).
Result<std::vector<std::string>> HyparquetRows(const std::string& path);

// One JSON object: schema, num_rows, created_by and per row group its
// num_rows and per column codec, encodings and statistics.
Result<std::string> HyparquetMeta(const std::string& path);

// {"rows":N,"md5":"<hex>"}: MD5 over every row as a line of TAB-joined
// cells (null \N, booleans true/false, integers decimal, timestamps epoch
// millis, LF after each row), for exact comparisons of large files.
Result<std::string> HyparquetDigest(const std::string& path);

}  // namespace stocktake::testing
