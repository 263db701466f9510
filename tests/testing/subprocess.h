// Runs a program (usually the built stocktake binary) to completion and
// captures its exit code, stdout and stderr — for end-to-end tests. Bounded
// by a timeout (the child is killed past it). Thread-compatible.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace stocktake::testing {

struct RunResult {
  int exit_code = -1;  // 128+signal if killed
  std::string out;
  std::string err;
  bool timed_out = false;
};

struct RunOptions {
  std::string stdin_data;
  std::vector<std::pair<std::string, std::string>> env;  // added/overridden
  int timeout_seconds = 300;
  std::string cwd;  // "" = the test's working directory
};

RunResult RunProgram(const std::vector<std::string>& argv, const RunOptions& options = {});

// Runs STOCKTAKE_BINARY with `args`.
RunResult RunStocktake(const std::vector<std::string>& args, const RunOptions& options = {});

}  // namespace stocktake::testing
