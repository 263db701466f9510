#include "store/local_store.h"

#include <dirent.h>
#include <sched.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <thread>

#include "base/hash.h"
#include "store/local_lister.h"
#include "store/local_walk_pool.h"
#include "store/local_walker.h"
#include "store/local_writer.h"

namespace stocktake::store {

using local::UniqueFd;

namespace {

int64_t MillisOf(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int64_t BirthOrMtimeMillis(int dir_fd, const char* name, const struct stat& st) {
  struct statx sx;
  if (::statx(dir_fd, name, AT_SYMLINK_NOFOLLOW, STATX_BTIME, &sx) == 0 &&
      (sx.stx_mask & STATX_BTIME)) {
    return static_cast<int64_t>(sx.stx_btime.tv_sec) * 1000 + sx.stx_btime.tv_nsec / 1000000;
  }
  return MillisOf(st.st_mtim);
}

}  // namespace

int DefaultListThreads() {
  cpu_set_t cpus;
  int cores = 0;
  if (::sched_getaffinity(0, sizeof(cpus), &cpus) == 0) cores = CPU_COUNT(&cpus);
  if (cores <= 0) cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(2 * cores, 1, 8);
}

Result<std::unique_ptr<LocalStore>> LocalStore::Open(LocalStoreOptions options) {
  std::string what = "open local store " + options.root;
  char resolved[PATH_MAX];
  if (::realpath(options.root.c_str(), resolved) == nullptr) return ErrnoStatus(what, errno);
  int fd = ::open(resolved, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOTDIR) return InvalidArgument(what + ": not a folder");
    return ErrnoStatus(what, errno);
  }
  UniqueFd root_fd(fd);
  ASSIGN_OR_RETURN(std::unique_ptr<local::EtagCache> etags,
                   local::EtagCache::Open(options.etag_cache_path, options.etag_cache_max_entries));
  std::string root = resolved;
  return std::unique_ptr<LocalStore>(
      new LocalStore(std::move(options), std::move(root), std::move(root_fd), std::move(etags)));
}

LocalStore::LocalStore(LocalStoreOptions options, std::string root, UniqueFd root_fd,
                       std::unique_ptr<local::EtagCache> etags)
    : options_(std::move(options)),
      root_(std::move(root)),
      root_fd_(std::move(root_fd)),
      etags_(std::move(etags)),
      list_threads_(options_.list_threads > 0 ? options_.list_threads : DefaultListThreads()),
      pool_(std::make_unique<local::WalkPool>(list_threads_)) {}

LocalStore::~LocalStore() = default;

LocalStore::Cursor::Cursor() = default;
LocalStore::Cursor::Cursor(Cursor&&) noexcept = default;
LocalStore::Cursor& LocalStore::Cursor::operator=(Cursor&&) noexcept = default;
LocalStore::Cursor::~Cursor() = default;

std::string LocalStore::Url(std::string_view bucket, std::string_view key) const {
  std::string url = root_ + "/" + std::string(bucket);
  if (!key.empty()) url += "/" + std::string(key);
  return url;
}

std::string LocalStore::Target(std::string_view bucket, std::string_view key) const {
  return "local:" + Url(bucket, key);
}

Capabilities LocalStore::capabilities() const {
  Capabilities caps;
  caps.versioning = false;
  caps.etag_is_content_md5 = true;
  caps.server_side_metadata = false;
  caps.object_acls = false;
  caps.supports_any_key = false;
  caps.key_may_also_be_prefix = false;
  caps.create_existing_bucket_is_ok = false;
  return caps;
}

Result<UniqueFd> LocalStore::OpenBucket(std::string_view bucket, const std::string& what) const {
  RETURN_IF_ERROR(local::ValidateBucketName(bucket).WithContext(what));
  Result<UniqueFd> fd = local::OpenSubdir(root_fd_.get(), bucket, what);
  if (!fd.ok() && fd.status().code() == Code::kNotFound) return NotFound(what + ": no such bucket");
  return fd;
}

Result<UniqueFd> LocalStore::OpenObject(std::string_view bucket, std::string_view key,
                                        const std::string& what) const {
  RETURN_IF_ERROR(local::ValidateKey(key).WithContext(what));
  ASSIGN_OR_RETURN(UniqueFd bucket_fd, OpenBucket(bucket, what));
  std::vector<std::string_view> parts = local::SplitKey(key);
  std::string name(parts.back());
  parts.pop_back();
  Result<std::vector<UniqueFd>> chain = local::OpenDirChain(bucket_fd.get(), parts, false, what);
  if (!chain.ok()) {
    if (chain.status().code() == Code::kNotFound) return NotFound(what + ": no such key");
    return chain.status();
  }
  int dir = chain->empty() ? bucket_fd.get() : chain->back().get();
  // O_NONBLOCK: opening a FIFO must not hang; it is rejected just below.
  int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ELOOP) return NotFound(what + ": no such key");
    return ErrnoStatus(what, errno);
  }
  UniqueFd file(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus(what, errno);
  if (!S_ISREG(st.st_mode)) return NotFound(what + ": no such key (not a regular file)");
  return file;
}

Result<std::vector<BucketInfo>> LocalStore::ListBuckets() {
  std::string what = "list buckets " + Name();
  // A fresh open file description: a dup() would share (and leave at the
  // end) the directory position of root_fd_, so a second listing saw nothing.
  int dup_fd = ::openat(root_fd_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup_fd < 0) return ErrnoStatus(what, errno);
  DIR* dir = ::fdopendir(dup_fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(dup_fd);
    return ErrnoStatus(what, err);
  }
  std::vector<BucketInfo> buckets;
  errno = 0;
  while (struct dirent* de = ::readdir(dir)) {
    struct stat st;
    if (local::ValidateBucketName(de->d_name).ok() &&
        ::fstatat(root_fd_.get(), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISDIR(st.st_mode)) {
      buckets.push_back({de->d_name, BirthOrMtimeMillis(root_fd_.get(), de->d_name, st)});
    }
    errno = 0;
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return ErrnoStatus(what, err);
  std::sort(buckets.begin(), buckets.end(),
            [](const BucketInfo& a, const BucketInfo& b) { return a.name < b.name; });
  return buckets;
}

Status LocalStore::HeadBucket(std::string_view bucket) {
  return OpenBucket(bucket, "head bucket " + Target(bucket, "")).status();
}

Status LocalStore::CreateBucket(std::string_view bucket) {
  std::string what = "create bucket " + Target(bucket, "");
  RETURN_IF_ERROR(local::ValidateBucketName(bucket).WithContext(what));
  std::string name(bucket);
  if (::mkdirat(root_fd_.get(), name.c_str(), 0777) != 0) {
    if (errno == EEXIST) return AlreadyExists(what + ": bucket already exists");
    return ErrnoStatus(what, errno);
  }
  return Status::OK();
}

Result<std::string> LocalStore::GetBucketLocation(std::string_view bucket) {
  RETURN_IF_ERROR(HeadBucket(bucket));
  return options_.region;
}

Result<std::string> LocalStore::EtagOf(int fd, const struct stat& st, const std::string& what) {
  const local::FileIdentity id = local::IdentityOf(st);
  if (std::optional<std::string> hit = etags_->Lookup(id)) return *hit;
  // One buffer per thread, not per file: listings hash many small files.
  constexpr size_t kReadChunk = 256 * 1024;
  thread_local std::unique_ptr<char[]> buf;
  if (!buf) buf = std::make_unique_for_overwrite<char[]>(kReadChunk);
  Md5Hasher md5;
  off_t offset = 0;
  // Hashes the `st.st_size` bytes described alongside the ETag (fewer if
  // the file shrank). Bounded by the size: every round reads a byte or ends.
  while (offset < st.st_size) {
    size_t want = static_cast<size_t>(std::min<off_t>(st.st_size - offset, kReadChunk));
    ssize_t n = ::pread(fd, buf.get(), want, offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(what + ": read for ETag", errno);
    }
    if (n == 0) break;
    md5.Update(std::string_view(buf.get(), static_cast<size_t>(n)));
    offset += n;
  }
  std::string hex = md5.FinishHex();
  etags_->Insert(id, hex);
  return hex;
}

Result<ObjectInfo> LocalStore::Head(std::string_view bucket, std::string_view key,
                                    std::string_view version_id) {
  std::string what = "head " + Target(bucket, key);
  RETURN_IF_ERROR(CheckVersion(version_id, what));
  ASSIGN_OR_RETURN(UniqueFd fd, OpenObject(bucket, key, what));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(what, errno);
  ObjectInfo info;
  info.key = std::string(key);
  info.size = st.st_size;
  info.last_modified_ms = MillisOf(st.st_mtim);
  info.storage_class = "STANDARD";
  info.encryption_status = "NOT-SSE";
  info.version_id = "null";
  Result<std::string> etag = EtagOf(fd.get(), st, what);
  etags_->Flush();
  ASSIGN_OR_RETURN(info.etag, std::move(etag));
  return info;
}

// A folder tree has no ACLs; POSIX mode bits and uids are no S3 grants or
// canonical ids, so the honest answer is "unavailable" (the report then
// says UNAVAILABLE, as AWS does for objects whose ACL it cannot give).
Result<ObjectAcl> LocalStore::GetObjectAcl(std::string_view bucket, std::string_view key,
                                           std::string_view version_id) {
  std::string what = "get acl " + Target(bucket, key);
  RETURN_IF_ERROR(CheckVersion(version_id, what));
  RETURN_IF_ERROR(OpenObject(bucket, key, what).status());
  ObjectAcl acl;
  acl.available = false;
  return acl;
}

Status LocalStore::CheckVersion(std::string_view version_id, const std::string& what) {
  if (version_id.empty() || version_id == "null") return Status::OK();
  return NotFound(what + ": no version " + std::string(version_id) +
                  " (local stores keep only the null version)");
}

Result<std::string> LocalStore::Get(std::string_view bucket, std::string_view key,
                                    ByteRange range) {
  std::string what = "get " + Target(bucket, key);
  if (range.offset < 0 || range.length < -1) return InvalidArgument(what + ": invalid byte range");
  ASSIGN_OR_RETURN(UniqueFd fd, OpenObject(bucket, key, what));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(what, errno);
  int64_t size = st.st_size;
  if (range.offset > size || (range.offset == size && range.offset > 0)) {
    return InvalidArgument(what + ": byte range starts at " + std::to_string(range.offset) +
                           ", past the end (" + std::to_string(size) + " bytes)");
  }
  int64_t want = size - range.offset;
  if (range.length >= 0) want = std::min(want, range.length);
  std::string out(static_cast<size_t>(want), '\0');
  int64_t got = 0;
  // Bounded by `want`: every round reads at least one byte or stops.
  while (got < want) {
    ssize_t n = ::pread(fd.get(), out.data() + got, static_cast<size_t>(want - got),
                        range.offset + got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(what + ": read", errno);
    }
    if (n == 0) break;  // truncated concurrently
    got += n;
  }
  out.resize(static_cast<size_t>(got));
  return out;
}

Result<std::unique_ptr<ObjectWriter>> LocalStore::NewWriter(std::string_view bucket,
                                                            std::string_view key,
                                                            const WriteOptions& options) {
  std::string what = "put " + Target(bucket, key);
  RETURN_IF_ERROR(local::ValidateKey(key).WithContext(what));
  ASSIGN_OR_RETURN(UniqueFd bucket_fd, OpenBucket(bucket, what));
  ASSIGN_OR_RETURN(std::unique_ptr<local::LocalWriter> writer,
                   local::LocalWriter::Create(bucket_fd.get(), key, options_.fsync, what, tree_mu_));
  return std::unique_ptr<ObjectWriter>(std::move(writer));
}

Status LocalStore::Delete(std::string_view bucket, std::string_view key) {
  std::string what = "delete " + Target(bucket, key);
  RETURN_IF_ERROR(local::ValidateKey(key).WithContext(what));
  ASSIGN_OR_RETURN(UniqueFd bucket_fd, OpenBucket(bucket, what));
  std::vector<std::string_view> parts = local::SplitKey(key);
  std::string name(parts.back());
  parts.pop_back();
  Result<std::vector<UniqueFd>> chain = local::OpenDirChain(bucket_fd.get(), parts, false, what);
  if (!chain.ok()) {
    return chain.status().code() == Code::kNotFound ? Status::OK() : chain.status();
  }
  int dir = chain->empty() ? bucket_fd.get() : chain->back().get();
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
    return Status::OK();  // no such object: S3 deletes are idempotent
  }
  if (::unlinkat(dir, name.c_str(), 0) != 0 && errno != ENOENT) return ErrnoStatus(what, errno);
  std::unique_lock<std::shared_mutex> pruning(*tree_mu_);
  local::PruneEmptyDirs(bucket_fd.get(), *chain, parts);
  return Status::OK();
}

}  // namespace stocktake::store
