// EtagCache: remembers the MD5 of local files by file identity so a listing
// hashes each file once, not on every run.
//
// The identity is (device, inode, size, mtime in ns): a rewrite through a
// new file (our temp + rename) changes the inode, an in-place edit changes
// mtime. Editing in place while restoring size and mtime defeats it; that is
// the documented price of not reading the file.
//
// Entries are kept per (device, inode), the newest one winning: a file
// edited in place, or a new file that reuses a freed inode, replaces the
// old entry instead of adding one. They live in memory (at most
// `max_entries`; when full the map is cleared and refilled) and, with a
// path, also in an append-only text file of lines
//   "v1 <dev> <ino> <size> <mtime_ns> <md5hex>\n"
// appended in batches of whole lines on Flush() (and on destruction), read
// back on the first lookup or insert, so a listing without ETags never
// pays for loading it (torn or malformed lines are skipped).
//
// Compaction: when loading finds the file holding more than twice as many
// lines as live entries (plus kCompactSlackLines), it is rewritten with the
// live entries only (a temp file renamed over it), so churn cannot grow it
// without bound: it stays under ~2x min(live inodes, max_entries) lines.
// Lines another process appends between that read and the rename are lost,
// which only costs a re-hash. Thread-safe.
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

  // Lines beyond twice the live entries that loading tolerates before it
  // compacts the file.
  static constexpr size_t kCompactSlackLines = 4096;

 private:
  struct Inode {
    uint64_t dev = 0;
    uint64_t ino = 0;
    bool operator==(const Inode&) const = default;
  };
  struct InodeHash {
    size_t operator()(const Inode& id) const;
  };
  struct Entry {
    int64_t size = 0;
    int64_t mtime_ns = 0;
    std::array<char, 32> md5_hex{};
  };
  EtagCache(size_t max_entries, std::string path, UniqueFd file)
      : max_entries_(max_entries), path_(std::move(path)), file_(std::move(file)) {}
  void LoadLocked();
  void InsertLocked(const FileIdentity& id, std::string_view md5_hex);
  void WriteLocked();
  // Rewrites the file with the live entries (best effort). Only LoadLocked
  // calls it, before any insert, so no line is waiting in unwritten_.
  void CompactLocked();

  const size_t max_entries_;
  const std::string path_;
  std::mutex mu_;
  bool loaded_ = false;
  std::unordered_map<Inode, Entry, InodeHash> map_;
  UniqueFd file_;        // append-only; invalid when memory only
  std::string unwritten_;  // whole lines not yet appended to file_
};

}  // namespace stocktake::store::local
