// RunNodeScript: runs one of the test oracles in tests/node (DuckDB,
// hyparquet) with node and returns its stdout split into lines. Thread-safe
// (one process per call).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace stocktake::testing {

// `script` is a file name in tests/node; `package` a node_modules entry it
// needs. FailedPrecondition when node or the package is missing (the message
// says to run `npm ci` in tests/node); InvalidArgument with the script's
// stderr when it exits non-zero.
Result<std::vector<std::string>> RunNodeScript(std::string_view script, std::string_view package,
                                               const std::vector<std::string>& args);

}  // namespace stocktake::testing
