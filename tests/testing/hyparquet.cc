#include "testing/hyparquet.h"

#include "testing/node_script.h"

namespace stocktake::testing {

Result<std::vector<std::string>> HyparquetRows(const std::string& path) {
  return RunNodeScript("hyparquet_read.mjs", "hyparquet", {"rows", path});
}

Result<std::string> HyparquetMeta(const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<std::string> lines,
                   RunNodeScript("hyparquet_read.mjs", "hyparquet", {"meta", path}));
  if (lines.size() != 1) return Internal("hyparquet meta: expected one line of output");
  return lines[0];
}

Result<std::string> HyparquetDigest(const std::string& path) {
  ASSIGN_OR_RETURN(std::vector<std::string> lines,
                   RunNodeScript("hyparquet_read.mjs", "hyparquet", {"digest", path}));
  if (lines.size() != 1) return Internal("hyparquet digest: expected one line of output");
  return lines[0];
}

}  // namespace stocktake::testing
