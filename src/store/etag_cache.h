// EtagCache: remembers the MD5 of local files by file identity so a listing
// hashes each file once, not on every run.
//
// The identity is (device, inode, size, mtime in ns): a rewrite through a
// new file (our temp + rename) changes the inode, an in-place edit changes
// mtime. Editing in place while restoring size and mtime defeats it; that is
// the documented price of not reading the file. Entries live in memory (at
// most `max_entries`; when full the map is cleared and refilled) and, with a
// path, also in an append-only text file of lines
//   "v1 <dev> <ino> <size> <mtime_ns> <md5hex>\n"
// read back when the cache is opened (torn or malformed lines are skipped;
// the file is never compacted). Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/status.h"
#include "store/local_path.h"

namespace stocktake::store::local {

struct FileIdentity {
  uint64_t dev = 0;
  uint64_t ino = 0;
  int64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

class EtagCache {
 public:
  // `path` empty: memory only. Fails if the file cannot be opened/created.
  static Result<std::unique_ptr<EtagCache>> Open(const std::string& path, size_t max_entries);

  std::optional<std::string> Lookup(const FileIdentity& id);
  // Records `md5_hex` (32 lowercase hex digits); persisting is best effort.
  void Insert(const FileIdentity& id, const std::string& md5_hex);
  size_t size();

 private:
  struct IdHash {
    size_t operator()(const FileIdentity& id) const;
  };
  EtagCache(size_t max_entries, UniqueFd file) : max_entries_(max_entries), file_(std::move(file)) {}
  void InsertLocked(const FileIdentity& id, const std::string& md5_hex);

  const size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<FileIdentity, std::string, IdHash> map_;
  UniqueFd file_;  // append-only; invalid when memory only
};

}  // namespace stocktake::store::local
