#include "store/etag_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <fstream>

namespace stocktake::store::local {
namespace {

bool IsMd5Hex(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

size_t EtagCache::IdHash::operator()(const FileIdentity& id) const {
  uint64_t h = id.ino * 0x9E3779B97F4A7C15ULL;
  h ^= id.dev + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
  h ^= static_cast<uint64_t>(id.size) + (h << 6) + (h >> 2);
  h ^= static_cast<uint64_t>(id.mtime_ns) + (h << 6) + (h >> 2);
  return static_cast<size_t>(h);
}

Result<std::unique_ptr<EtagCache>> EtagCache::Open(const std::string& path, size_t max_entries) {
  if (path.empty()) return std::unique_ptr<EtagCache>(new EtagCache(max_entries, UniqueFd()));
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return ErrnoStatus("open etag cache " + path, errno);
  std::unique_ptr<EtagCache> cache(new EtagCache(max_entries, UniqueFd(fd)));
  std::ifstream in(path);
  std::string line;
  // Bounded by the file's line count.
  while (std::getline(in, line)) {
    FileIdentity id;
    char md5[33] = {};
    if (std::sscanf(line.c_str(), "v1 %" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %32s", &id.dev,
                    &id.ino, &id.size, &id.mtime_ns, md5) != 5) {
      continue;
    }
    std::string hex(md5);
    if (IsMd5Hex(hex)) cache->InsertLocked(id, hex);
  }
  return cache;
}

std::optional<std::string> EtagCache::Lookup(const FileIdentity& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = map_.find(id);
  if (it == map_.end()) return std::nullopt;
  return it->second;
}

void EtagCache::InsertLocked(const FileIdentity& id, const std::string& md5_hex) {
  if (map_.size() >= max_entries_) map_.clear();
  map_[id] = md5_hex;
}

void EtagCache::Insert(const FileIdentity& id, const std::string& md5_hex) {
  std::lock_guard<std::mutex> lock(mu_);
  InsertLocked(id, md5_hex);
  if (!file_.valid()) return;
  char line[160];
  int n = std::snprintf(line, sizeof(line), "v1 %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %s\n",
                        id.dev, id.ino, id.size, id.mtime_ns, md5_hex.c_str());
  // One write() per line keeps concurrent appenders from interleaving; a
  // failed or short write only costs a re-hash later.
  if (n > 0 && n < static_cast<int>(sizeof(line))) {
    ssize_t written = ::write(file_.get(), line, static_cast<size_t>(n));
    (void)written;
  }
}

size_t EtagCache::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return map_.size();
}

}  // namespace stocktake::store::local
