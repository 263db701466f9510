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
// appended in batches of whole lines on Flush() (and on destruction), read
// back on the first lookup or insert, so a listing without ETags never
// pays for loading it (torn or malformed lines are skipped; the file is
// never compacted). Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <sys/stat.h>

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

// The identity of the file `st` describes.
FileIdentity IdentityOf(const struct stat& st);

class EtagCache {
 public:
  // `path` empty: memory only. Fails if the file cannot be opened/created;
  // its entries are read later, on first use.
  static Result<std::unique_ptr<EtagCache>> Open(const std::string& path, size_t max_entries);

  ~EtagCache();  // appends the lines not yet written

  std::optional<std::string> Lookup(const FileIdentity& id);
  // Records `md5_hex` (32 lowercase hex digits); persisting is best effort
  // and happens in batches.
  void Insert(const FileIdentity& id, const std::string& md5_hex);
  // Appends every insert not yet in the file (one write() of whole lines).
  void Flush();
  size_t size();

 private:
  struct IdHash {
    size_t operator()(const FileIdentity& id) const;
  };
  using Md5Hex = std::array<char, 32>;
  EtagCache(size_t max_entries, std::string path, UniqueFd file)
      : max_entries_(max_entries), path_(std::move(path)), file_(std::move(file)) {}
  void LoadLocked();
  void InsertLocked(const FileIdentity& id, std::string_view md5_hex);
  void WriteLocked();

  const size_t max_entries_;
  const std::string path_;
  std::mutex mu_;
  bool loaded_ = false;
  std::unordered_map<FileIdentity, Md5Hex, IdHash> map_;
  UniqueFd file_;        // append-only; invalid when memory only
  std::string unwritten_;  // whole lines not yet appended to file_
};

}  // namespace stocktake::store::local
