// LocalWalker: a flat listing (no delimiter) of the regular files below
// one bucket folder, in S3 key order, with the folder reads and file stats
// done ahead of the caller by a WalkPool.
//
// Order is that of LocalLister (see local_lister.h): a depth-first walk of
// sorted folder listings, where a folder sorts as "name/". Work is split
// into units: reading one folder (open relative to its parent's fd,
// getdents64, filter, sort; files are not stat-ed yet) and describing one
// chunk of up to kChunkEntries consecutive entries of a read folder
// (fstatat relative to the folder's fd, plus the ETag when asked, through
// `describe`). After every step the units that come next in key order, up
// to a window of units read or in flight ahead of the caller, are handed to
// the pool (a unit the caller needs that no thread has started yet runs on
// the caller's thread); so memory holds the caller's path of folder listings plus the
// window (at most window x kChunkEntries described files), never the tree.
// A folder listing itself is held whole while it is walked (as
// LocalLister does), so one folder of N entries costs N names.
//
// Semantics match LocalLister + LocalStore::Describe exactly: keys outside
// `prefix` or at/before `bound` are skipped (without stat-ing them);
// symlinks, special files and LocalStore temp files are not objects; a
// folder or file that vanishes before it is read is skipped; any other
// failure (an unreadable folder, a failed stat) is returned by Next() when
// the walk reaches that point in key order, and again by every later call.
// Folders are read when the lookahead reaches them, so the listing is not a
// snapshot (as with S3). One caller at a time; destroying the walker
// cancels its queued units (running ones finish on their own).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/local_lister.h"
#include "store/local_path.h"
#include "store/local_walk_pool.h"
#include "store/object_store.h"

namespace stocktake::store::local {

struct WalkOptions {
  std::string prefix;  // only keys starting with it
  ListBound bound;     // only keys after it
  std::string what;    // prefixes error messages, e.g. "list local:/r/b"
  // Fills `info` (its key already set) for file `name` in folder `dir_fd`;
  // false when it is gone or no longer a regular file. Runs on pool threads.
  std::function<Result<bool>(int dir_fd, const std::string& name, ObjectInfo* info)> describe;
  // Units read or in flight ahead of the caller; 0 = 4 x the pool's threads
  // (between 8 and 64).
  int window = 0;
};

class LocalWalker {
 public:
  static constexpr size_t kChunkEntries = 512;

  // Reads the bucket folder on the calling thread (its failure is
  // returned) and starts the lookahead. `pool` must outlive the walker's
  // units: keep it alive until the pool is destroyed.
  static Result<std::unique_ptr<LocalWalker>> Open(WalkPool* pool, UniqueFd bucket_fd,
                                                   WalkOptions options);
  ~LocalWalker();
  LocalWalker(const LocalWalker&) = delete;
  LocalWalker& operator=(const LocalWalker&) = delete;

  // Appends the next objects in key order to `*out`, at most `max` (>= 1).
  // Returns true when at least one more object follows.
  Result<bool> Next(size_t max, std::vector<ObjectInfo>* out);

 private:
  struct State;
  explicit LocalWalker(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace stocktake::store::local
