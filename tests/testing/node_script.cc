#include "testing/node_script.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "testing/temp_dir.h"

namespace stocktake::testing {
namespace {

// Single-quotes `text` for /bin/sh.
std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

Result<std::vector<std::string>> RunNodeScript(std::string_view script, std::string_view package,
                                               const std::vector<std::string>& args) {
  const std::string node_dir = std::string(STOCKTAKE_SOURCE_DIR) + "/tests/node";
  const std::string name(script);
  if (!std::filesystem::exists(node_dir + "/node_modules/" + std::string(package))) {
    return FailedPrecondition(name + ": " + node_dir +
                              "/node_modules is missing; run `npm ci` in tests/node "
                              "(scripts/setup does)");
  }
  TempDir tmp;
  const std::string err_path = tmp.Sub("stderr");
  std::string command = "node " + ShellQuote(node_dir + "/" + name);
  for (const std::string& arg : args) command += " " + ShellQuote(arg);
  command += " 2>" + ShellQuote(err_path);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return FailedPrecondition(name + ": cannot run node");
  std::string output;
  char buf[64 * 1024];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
  int rc = pclose(pipe);
  if (rc != 0) {
    std::string err = std::filesystem::exists(err_path) ? ReadFile(err_path) : "";
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 127) {
      return FailedPrecondition(name + ": node not found: " + err);
    }
    return InvalidArgument(name + " failed (status " + std::to_string(rc) + "): " + err);
  }
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < output.size()) {
    size_t nl = output.find('\n', start);
    if (nl == std::string::npos) nl = output.size();
    lines.push_back(output.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace stocktake::testing
