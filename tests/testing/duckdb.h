// DuckDbQuery: the test oracle that reads reports back the way users do.
// Runs one SQL statement through `node tests/node/duckdb_query.mjs` (the
// @duckdb/node-api package; `npm ci` in tests/node installs it) and returns
// one JSON array per result row, e.g. ["a","42",true] (BIGINTs as strings,
// timestamps as ISO 8601 strings). Thread-safe (one process per call).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace stocktake::testing {

// FailedPrecondition when node or tests/node/node_modules is missing (the
// message says to run `npm ci` in tests/node); InvalidArgument with DuckDB's
// message when the statement fails.
Result<std::vector<std::string>> DuckDbQuery(std::string_view sql);

// `text` as a single-quoted SQL string literal ('' for embedded quotes).
std::string SqlQuote(std::string_view text);

}  // namespace stocktake::testing
