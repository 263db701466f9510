// LocalLister: a forward cursor over the regular files below one bucket
// folder, yielding keys in S3 order (byte order of the full key).
//
// A folder `d` holds keys "d/...", so inside each folder entries sort by
// their name, with folders compared as "name/"; that makes a depth-first
// walk of sorted folder listings produce exact S3 order ("a-b" < "a/b" <
// "a0"). The cursor keeps one frame (open fd + sorted names) per folder on
// the current path, so memory is the sum of the listings on that path, not
// the tree. Seek() moves forward by descending directly to the bound with
// binary searches; it never re-walks what lies before it. Entries that are
// symlinks, special files or LocalStore temp files are skipped; files that
// vanish mid-walk are skipped. A cursor is owned by one thread at a time;
// the items it yields may be used on any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/local_path.h"

namespace stocktake::store::local {

// Where a listing (re)starts.
struct ListBound {
  enum class Kind {
    kInclusive,   // keys >= key (a prefix)
    kExclusive,   // keys > key (start_after, last key of a page)
    kPastPrefix,  // keys not starting with key and > key (a common prefix)
  };
  Kind kind = Kind::kInclusive;
  std::string key;
};

// True when every key in the subtree of `path` (a file key, or a folder
// path ending in '/') lies at or before `bound`.
bool AtOrBeforeBound(const ListBound& bound, const std::string& path, bool is_dir);

// What a folder entry `name` of `dir_fd` is for a listing: DT_DIR, DT_REG,
// or DT_UNKNOWN for everything that is not an object (symlinks, sockets,
// ..., and entries gone before they could be stat-ed). `d_type` is the
// entry's type from readdir/getdents64; only DT_UNKNOWN costs a stat.
unsigned char ListedEntryType(int dir_fd, const char* name, unsigned char d_type);

// A file met by LocalLister::Next(). `dir` shares ownership of its folder's
// fd, so an item stays usable (e.g. to stat `name` on another thread) after
// the cursor has moved on.
struct ListedFile {
  std::string key;
  std::shared_ptr<const UniqueFd> dir;
  std::string name;
};

class LocalLister {
 public:
  using Item = ListedFile;

  // Takes ownership of the bucket folder fd; yields only keys that start
  // with `prefix` and lie after `bound`. `what` prefixes error messages.
  static Result<std::unique_ptr<LocalLister>> Open(UniqueFd bucket_fd, std::string prefix,
                                                   const ListBound& bound, std::string what);
  ~LocalLister();

  // The next file in S3 order, or false at the end.
  Result<bool> Next(Item* item);
  // Skips forward to `bound`. REQUIRES: the bound is not before the last
  // item returned (the cursor only moves forward).
  Status Seek(const ListBound& bound);
  // Makes the next Next() return the last item again.
  void Unread() { unread_ = true; }

 private:
  struct Entry {
    std::string sort_name;  // the name, plus '/' for folders
    bool is_dir = false;
  };
  struct Frame;

  LocalLister(std::string prefix, std::string what);
  Status Push(int parent_fd, std::string_view name, std::string path);
  Result<std::vector<Entry>> ReadSorted(int fd, std::string_view path);

  std::string prefix_;
  std::string what_;
  std::vector<std::unique_ptr<Frame>> stack_;
  Item last_;
  bool unread_ = false;
};

}  // namespace stocktake::store::local
