// LocalStore: the embedded ObjectStore over a folder tree. The root folder's
// top-level folders are buckets (named by S3 rules; other folders are not
// listed); a key is the path of a regular file relative to its bucket folder.
//
// Listings come in S3 byte order of the full key, streamed by LocalLister;
// a page resumes from its token by descending straight to it, and the
// cursor of an unfinished listing is kept (a few, LRU) so the next page
// continues without re-reading folders (like S3, a paged listing is not a
// snapshot: folders are read when the walk reaches them). max_keys is not
// capped at 1000. Folders, empty or not, are not
// objects; temp files of in-flight writes, symlinks and special files are
// skipped and never followed, so nothing outside the root is reachable.
// Keys that are not plain relative paths ("a//b", "a/", "../x", NUL) are
// InvalidArgument (see Capabilities::supports_any_key), as are bucket names
// breaking S3 rules. CreateBucket on an existing bucket is AlreadyExists.
// There is no versioning: each object is one version "null". There are no
// ACLs either: GetObjectAcl answers "unavailable" for an existing object.
//
// ETags are the hex MD5 of the content, always computed by Head and by List
// only when ListRequest::fetch_etag is set, and cached by file identity (see
// etag_cache.h), optionally in a persistent file.
//
// A flat listing (no delimiter) is walked by LocalWalker on the store's
// pool of `list_threads` threads: folders are read and files stat-ed (and
// hashed) ahead of the caller, in key order, and the walk goes on between
// pages of the same listing. A delimiter listing uses LocalLister (it
// reads one folder per level and skips the rest), its page's files stat-ed
// by up to `list_threads` threads. Writes go to a temp file renamed into
// place on Close (local_writer.h). Thread-safe.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "store/etag_cache.h"
#include "store/local_path.h"
#include "store/object_store.h"

namespace stocktake::store {

namespace local {
class LocalLister;
class LocalWalker;
class WalkPool;
struct ListedFile;
}

struct LocalStoreOptions {
  std::string root;                      // must exist; stored as an absolute, resolved path
  std::string etag_cache_path;           // "" = in-memory ETag cache only
  size_t etag_cache_max_entries = 1 << 20;
  bool fsync = false;                    // writers fsync file and folder on Close
  std::string region;                    // what GetBucketLocation returns
  size_t max_resumable_listings = 8;     // unfinished listing cursors kept
  // Threads reading folders and stat-ing (and hashing) files for listings;
  // 0 = DefaultListThreads().
  int list_threads = 0;
};

// min(8, 2 x the cores this process may use): stats are short system calls
// that also wait on the disk, so a few more threads than cores pay off.
int DefaultListThreads();

class LocalStore : public ObjectStore {
 public:
  // NotFound if the root does not exist, InvalidArgument if not a folder,
  // or the error opening the ETag cache file.
  static Result<std::unique_ptr<LocalStore>> Open(LocalStoreOptions options);
  ~LocalStore() override;

  std::string Name() const override { return "local:" + root_; }
  std::string Url(std::string_view bucket, std::string_view key) const override;
  Capabilities capabilities() const override;

  Result<std::vector<BucketInfo>> ListBuckets() override;
  Status HeadBucket(std::string_view bucket) override;
  Status CreateBucket(std::string_view bucket) override;
  Result<std::string> GetBucketLocation(std::string_view bucket) override;

  Result<ListPage> List(std::string_view bucket, const ListRequest& request) override;
  Result<VersionPage> ListVersions(std::string_view bucket,
                                   const VersionListRequest& request) override;
  Result<ObjectInfo> Head(std::string_view bucket, std::string_view key,
                          std::string_view version_id = {}) override;
  Result<ObjectAcl> GetObjectAcl(std::string_view bucket, std::string_view key,
                                 std::string_view version_id = {}) override;
  Result<std::string> Get(std::string_view bucket, std::string_view key,
                          ByteRange range = {}) override;
  Result<std::unique_ptr<ObjectWriter>> NewWriter(std::string_view bucket, std::string_view key,
                                                  const WriteOptions& options = {}) override;
  Status Delete(std::string_view bucket, std::string_view key) override;

  // Entries in the in-memory ETag cache (for tests and diagnostics).
  size_t etag_cache_size() { return etags_->size(); }

 private:
  LocalStore(LocalStoreOptions options, std::string root, local::UniqueFd root_fd,
             std::unique_ptr<local::EtagCache> etags);
  std::string Target(std::string_view bucket, std::string_view key) const;
  // OK for "" and "null" (the only version a local object has), else NotFound.
  static Status CheckVersion(std::string_view version_id, const std::string& what);
  Result<local::UniqueFd> OpenBucket(std::string_view bucket, const std::string& what) const;
  // Opens a regular file for reading; NotFound names `what`.
  Result<local::UniqueFd> OpenObject(std::string_view bucket, std::string_view key,
                                     const std::string& what) const;
  Result<std::string> EtagOf(int fd, const struct stat& st, const std::string& what);
  // Fills size/mtime (and the ETag when asked) of a listed file. false when
  // the file vanished or is no longer a regular file.
  Result<bool> Describe(int dir_fd, const std::string& name, bool fetch_etag,
                        const std::string& what, ObjectInfo* info);
  // Describes `files` (listed in key order; their keys are moved out),
  // appending to `*out` in the same order and leaving out vanished ones.
  Status DescribeAll(std::vector<local::ListedFile>* files, bool fetch_etag,
                     const std::string& what, std::vector<ObjectInfo>* out);
  // A flat listing's page, walked by LocalWalker.
  Result<ListPage> ListFlat(std::string_view bucket, const ListRequest& request,
                            const std::string& what, local::UniqueFd bucket_fd);
  // An unfinished listing: a LocalLister (delimiter) or a LocalWalker (flat).
  struct Cursor {
    std::unique_ptr<local::LocalLister> lister;
    std::unique_ptr<local::LocalWalker> walker;
    Cursor();
    Cursor(Cursor&&) noexcept;
    Cursor& operator=(Cursor&&) noexcept;
    ~Cursor();
  };
  Cursor TakeCursor(const std::string& cache_key);
  void KeepCursor(std::string cache_key, Cursor cursor);

  const LocalStoreOptions options_;
  const std::string root_;
  const local::UniqueFd root_fd_;
  std::unique_ptr<local::EtagCache> etags_;
  // Shared while a writer creates its folders and temp file, exclusive
  // while empty folders are pruned (see LocalWriter).
  const std::shared_ptr<std::shared_mutex> tree_mu_ = std::make_shared<std::shared_mutex>();

  const int list_threads_;
  // Declared before the cursors: destroyed after them, so walker units
  // still queued are dropped and running ones finish while etags_ lives.
  const std::unique_ptr<local::WalkPool> pool_;

  std::mutex listers_mu_;
  std::map<std::string, Cursor> listers_;
  std::deque<std::string> lister_order_;  // oldest first
};

}  // namespace stocktake::store
