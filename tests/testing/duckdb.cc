#include "testing/duckdb.h"

#include "testing/node_script.h"

namespace stocktake::testing {

std::string SqlQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

Result<std::vector<std::string>> DuckDbQuery(std::string_view sql) {
  return RunNodeScript("duckdb_query.mjs", "@duckdb/node-api", {std::string(sql)});
}

}  // namespace stocktake::testing
