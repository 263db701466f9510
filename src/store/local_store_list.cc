// LocalStore listings: List, ListVersions and the resumable-cursor cache.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>

#include "store/local_lister.h"
#include "store/local_store.h"
#include "store/local_walker.h"

namespace stocktake::store {

using local::ListBound;
using local::ListedFile;
using local::LocalLister;
using local::LocalWalker;
using local::UniqueFd;

namespace {

// Tokens are opaque to callers: a kind letter plus the key or common prefix
// the previous page ended on.
std::string EncodeToken(const ListBound& bound) {
  return (bound.kind == ListBound::Kind::kPastPrefix ? "p" : "k") + bound.key;
}

Result<ListBound> DecodeToken(const std::string& token, const std::string& what) {
  if (token.size() < 2 || (token[0] != 'k' && token[0] != 'p')) {
    return InvalidArgument(what + ": invalid continuation token");
  }
  ListBound::Kind kind = token[0] == 'p' ? ListBound::Kind::kPastPrefix : ListBound::Kind::kExclusive;
  return ListBound{kind, token.substr(1)};
}

// The first bound of a request: after the token or start_after, and never
// before the prefix.
Result<ListBound> StartBound(const ListRequest& request, const std::string& what) {
  ListBound bound{ListBound::Kind::kExclusive, request.start_after};
  if (!request.continuation_token.empty()) {
    ASSIGN_OR_RETURN(bound, DecodeToken(request.continuation_token, what));
  }
  if (bound.key < request.prefix) bound = ListBound{ListBound::Kind::kInclusive, request.prefix};
  return bound;
}

std::string ListerKey(std::string_view bucket, const ListRequest& request, const std::string& token) {
  std::string key(bucket);
  key.push_back(request.fetch_etag ? 'e' : '-');
  for (const std::string* part : {&request.prefix, &request.delimiter, &token}) {
    key.push_back('\0');
    key += *part;
  }
  return key;
}

}  // namespace

LocalStore::Cursor LocalStore::TakeCursor(const std::string& cache_key) {
  std::lock_guard<std::mutex> lock(listers_mu_);
  auto it = listers_.find(cache_key);
  if (it == listers_.end()) return {};
  Cursor cursor = std::move(it->second);
  listers_.erase(it);
  std::erase(lister_order_, cache_key);
  return cursor;
}

void LocalStore::KeepCursor(std::string cache_key, Cursor cursor) {
  if (options_.max_resumable_listings == 0) return;
  Cursor evicted;  // destroyed after the lock is released
  std::lock_guard<std::mutex> lock(listers_mu_);
  // Bounded: each round removes one entry.
  while (listers_.size() >= options_.max_resumable_listings && !lister_order_.empty()) {
    auto it = listers_.find(lister_order_.front());
    evicted = std::move(it->second);
    listers_.erase(it);
    lister_order_.pop_front();
  }
  if (listers_.emplace(cache_key, std::move(cursor)).second) lister_order_.push_back(cache_key);
}

Result<bool> LocalStore::Describe(int dir_fd, const std::string& name, bool fetch_etag,
                                  const std::string& what, ObjectInfo* info) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return false;
    return ErrnoStatus(what + ": stat " + info->key, errno);
  }
  if (!S_ISREG(st.st_mode)) return false;
  // A file whose identity is cached needs no open: its content is known.
  std::optional<std::string> cached;
  if (fetch_etag) cached = etags_->Lookup(local::IdentityOf(st));
  if (cached) {
    info->etag = std::move(*cached);
  } else if (fetch_etag) {
    int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT || errno == ELOOP) return false;
      return ErrnoStatus(what + ": open " + info->key, errno);
    }
    UniqueFd file(fd);
    // Describe what we hash, even if the file changed since the stat above.
    if (::fstat(fd, &st) != 0) return ErrnoStatus(what + ": stat " + info->key, errno);
    if (!S_ISREG(st.st_mode)) return false;
    ASSIGN_OR_RETURN(info->etag, EtagOf(fd, st, what));
  }
  info->size = st.st_size;
  info->last_modified_ms =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  info->storage_class = "STANDARD";
  info->encryption_status = "NOT-SSE";  // a local tree has no server-side encryption
  return true;
}

Status LocalStore::DescribeAll(std::vector<ListedFile>* files, bool fetch_etag,
                               const std::string& what, std::vector<ObjectInfo>* out) {
  // A stat costs ~1 us, a thread start ~20 us: small pages stay serial.
  constexpr size_t kFilesPerThread = 64;
  constexpr size_t kChunk = 16;
  const size_t n = files->size();
  const size_t base = out->size();
  out->resize(base + n);  // described in place, then vanished files removed
  ObjectInfo* infos = out->data() + base;
  std::vector<char> exists(n, 0);
  const size_t threads = std::clamp<size_t>(n / kFilesPerThread, 1,
                                            static_cast<size_t>(list_threads_));
  std::vector<Status> errors(threads);
  std::atomic<size_t> next{0};
  auto work = [&](size_t slot) {
    // Each round claims a chunk; bounded by n / kChunk rounds.
    for (size_t begin = next.fetch_add(kChunk); begin < n; begin = next.fetch_add(kChunk)) {
      for (size_t i = begin; i < std::min(begin + kChunk, n); ++i) {
        ListedFile& file = (*files)[i];
        infos[i].key = std::move(file.key);
        Result<bool> found = Describe(file.dir->get(), file.name, fetch_etag, what, &infos[i]);
        if (!found.ok()) {
          errors[slot] = found.status();
          return;
        }
        exists[i] = *found;
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& th : pool) th.join();
  for (const Status& st : errors) RETURN_IF_ERROR(st);
  size_t kept = base;
  for (size_t i = 0; i < n; ++i) {
    if (!exists[i]) continue;
    if (kept != base + i) (*out)[kept] = std::move(infos[i]);
    ++kept;
  }
  out->resize(kept);
  return Status::OK();
}

Result<ListPage> LocalStore::List(std::string_view bucket, const ListRequest& request) {
  std::string what = "list " + Target(bucket, request.prefix);
  ASSIGN_OR_RETURN(UniqueFd bucket_fd, OpenBucket(bucket, what));
  ListPage page;
  if (request.max_keys <= 0) return page;
  if (request.delimiter.empty()) return ListFlat(bucket, request, what, std::move(bucket_fd));
  ASSIGN_OR_RETURN(ListBound bound, StartBound(request, what));

  std::unique_ptr<LocalLister> lister;
  if (!request.continuation_token.empty()) {
    lister = TakeCursor(ListerKey(bucket, request, request.continuation_token)).lister;
  }
  if (lister == nullptr) {
    ASSIGN_OR_RETURN(lister, LocalLister::Open(std::move(bucket_fd), request.prefix, bound, what));
  }

  const std::string& delim = request.delimiter;
  int count = 0;
  ListBound last;
  LocalLister::Item item;
  // Files are described after the walk, in parallel; a file that vanishes
  // in between is left out, so a page may hold fewer than max_keys.
  std::vector<ListedFile> files;
  // Bounded by the number of files below the bucket.
  for (;;) {
    ASSIGN_OR_RETURN(bool more, lister->Next(&item));
    if (!more) break;
    if (count == request.max_keys) {
      lister->Unread();
      page.next_token = EncodeToken(last);
      break;
    }
    size_t pos = delim.empty() ? std::string::npos : item.key.find(delim, request.prefix.size());
    if (pos != std::string::npos) {
      last = ListBound{ListBound::Kind::kPastPrefix, item.key.substr(0, pos + delim.size())};
      page.common_prefixes.push_back(last.key);
      ++count;
      RETURN_IF_ERROR(lister->Seek(last));
      continue;
    }
    last = ListBound{ListBound::Kind::kExclusive, item.key};
    files.push_back(std::move(item));
    ++count;
  }
  Status described = DescribeAll(&files, request.fetch_etag, what, &page.objects);
  etags_->Flush();  // a page's new ETags are persisted before it returns
  RETURN_IF_ERROR(described);
  if (!page.next_token.empty()) {
    Cursor cursor;
    cursor.lister = std::move(lister);
    KeepCursor(ListerKey(bucket, request, page.next_token), std::move(cursor));
  }
  return page;
}

Result<ListPage> LocalStore::ListFlat(std::string_view bucket, const ListRequest& request,
                                      const std::string& what, UniqueFd bucket_fd) {
  ListPage page;
  std::unique_ptr<LocalWalker> walker;
  if (!request.continuation_token.empty()) {
    walker = TakeCursor(ListerKey(bucket, request, request.continuation_token)).walker;
  }
  if (walker == nullptr) {
    local::WalkOptions options;
    ASSIGN_OR_RETURN(options.bound, StartBound(request, what));
    options.prefix = request.prefix;
    options.what = what;
    options.describe = [this, fetch_etag = request.fetch_etag, what](
                           int dir_fd, const std::string& name, ObjectInfo* info) {
      return Describe(dir_fd, name, fetch_etag, what, info);
    };
    ASSIGN_OR_RETURN(walker, LocalWalker::Open(pool_.get(), std::move(bucket_fd), std::move(options)));
  }
  // Room for a usual page up front: ObjectInfo is large to move around.
  page.objects.reserve(static_cast<size_t>(std::min(request.max_keys, 1000)));
  Result<bool> more = walker->Next(static_cast<size_t>(request.max_keys), &page.objects);
  etags_->Flush();  // a page's new ETags are persisted before it returns
  RETURN_IF_ERROR(more.status());
  if (*more) {
    page.next_token = EncodeToken(ListBound{ListBound::Kind::kExclusive, page.objects.back().key});
    Cursor cursor;
    cursor.walker = std::move(walker);
    KeepCursor(ListerKey(bucket, request, page.next_token), std::move(cursor));
  }
  return page;
}

Result<VersionPage> LocalStore::ListVersions(std::string_view bucket,
                                             const VersionListRequest& request) {
  // One "null" version per key: a key marker means "keys after it".
  ListRequest list;
  list.prefix = request.prefix;
  list.start_after = request.key_marker;
  list.max_keys = request.max_keys;
  list.fetch_etag = true;
  ASSIGN_OR_RETURN(ListPage page, List(bucket, list));
  VersionPage out;
  out.versions = std::move(page.objects);
  for (ObjectInfo& v : out.versions) {
    v.version_id = "null";
    v.is_latest = true;
  }
  out.truncated = !page.next_token.empty();
  if (out.truncated) {
    // The token is "k" + the page's last listed key (vanished files included).
    out.next_key_marker = page.next_token.substr(1);
    out.next_version_id_marker = "null";
  }
  return out;
}

}  // namespace stocktake::store
