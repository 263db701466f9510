// TempDir: a fresh directory under $TMPDIR removed (recursively) when the
// object is destroyed. For tests only; not thread-safe.
#pragma once

#include <string>

namespace stocktake::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // path() + "/" + rel
  std::string Sub(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

// Writes `data` to `path`, creating parent directories. Aborts the test
// process on failure (test helper).
void WriteFile(const std::string& path, const std::string& data);
std::string ReadFile(const std::string& path);

}  // namespace stocktake::testing
