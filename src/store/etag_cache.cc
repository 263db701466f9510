#include "store/etag_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace stocktake::store::local {
namespace {

bool IsMd5Hex(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Consumes one space-terminated integer field from `*line`.
template <typename T>
bool TakeNumber(std::string_view* line, T* value) {
  const char* end = line->data() + line->size();
  auto [ptr, ec] = std::from_chars(line->data(), end, *value);
  if (ec != std::errc() || ptr == end || *ptr != ' ') return false;
  line->remove_prefix(static_cast<size_t>(ptr + 1 - line->data()));
  return true;
}

// Parses "v1 <dev> <ino> <size> <mtime_ns> <md5hex>" (no newline).
bool ParseLine(std::string_view line, FileIdentity* id, std::string_view* md5) {
  if (!line.starts_with("v1 ")) return false;
  line.remove_prefix(3);
  if (!TakeNumber(&line, &id->dev) || !TakeNumber(&line, &id->ino) ||
      !TakeNumber(&line, &id->size) || !TakeNumber(&line, &id->mtime_ns)) {
    return false;
  }
  *md5 = line;
  return IsMd5Hex(line);
}

// Appends "v1 <dev> <ino> <size> <mtime_ns> <md5hex>\n" to `out`.
void AppendLine(const FileIdentity& id, std::string_view md5_hex, std::string* out) {
  char line[160];
  int n = std::snprintf(line, sizeof(line),
                        "v1 %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %.*s\n", id.dev,
                        id.ino, id.size, id.mtime_ns, static_cast<int>(md5_hex.size()),
                        md5_hex.data());
  if (n > 0 && n < static_cast<int>(sizeof(line))) out->append(line, static_cast<size_t>(n));
}

}  // namespace

FileIdentity IdentityOf(const struct stat& st) {
  return FileIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                      static_cast<int64_t>(st.st_size),
                      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

size_t EtagCache::InodeHash::operator()(const Inode& id) const {
  uint64_t h = id.ino * 0x9E3779B97F4A7C15ULL;
  h ^= id.dev + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
  return static_cast<size_t>(h);
}

Result<std::unique_ptr<EtagCache>> EtagCache::Open(const std::string& path, size_t max_entries) {
  if (path.empty()) {
    return std::unique_ptr<EtagCache>(new EtagCache(max_entries, path, UniqueFd()));
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return ErrnoStatus("open etag cache " + path, errno);
  return std::unique_ptr<EtagCache>(new EtagCache(max_entries, path, UniqueFd(fd)));
}

EtagCache::~EtagCache() {
  std::lock_guard<std::mutex> lock(mu_);
  WriteLocked();
}

void EtagCache::WriteLocked() {
  if (unwritten_.empty()) return;
  // One write() of whole lines keeps concurrent appenders (O_APPEND) from
  // splitting each other's lines; a failed or short write only costs a
  // re-hash later.
  ssize_t written = ::write(file_.get(), unwritten_.data(), unwritten_.size());
  (void)written;
  unwritten_.clear();
}

void EtagCache::LoadLocked() {
  if (loaded_) return;
  loaded_ = true;
  if (path_.empty()) return;
  // Unreadable now (removed, permissions): start empty, as for a new file.
  UniqueFd in(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return;
  struct stat st;
  constexpr size_t kMinLineBytes = 50;  // "v1 " + 4 numbers + 32 hex digits + spaces
  if (::fstat(in.get(), &st) == 0) {
    map_.reserve(std::min(max_entries_, static_cast<size_t>(st.st_size) / kMinLineBytes));
  }
  size_t lines = 0;
  std::string pending;  // a line split across reads
  char buf[1 << 16];
  // Bounded by the file size: every round reads at least one byte or ends.
  for (;;) {
    ssize_t n = ::read(in.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    std::string_view rest = pending;
    for (size_t nl = rest.find('\n'); nl != std::string_view::npos; nl = rest.find('\n')) {
      FileIdentity id;
      std::string_view md5;
      if (ParseLine(rest.substr(0, nl), &id, &md5)) InsertLocked(id, md5);
      rest.remove_prefix(nl + 1);
      ++lines;
    }
    pending.erase(0, pending.size() - rest.size());
  }
  // A final line without '\n' is a torn append: skipped (and dropped by a
  // compaction).
  if (lines + (pending.empty() ? 0 : 1) > 2 * map_.size() + kCompactSlackLines) CompactLocked();
}

void EtagCache::CompactLocked() {
  if (!file_.valid()) return;
  std::string text;
  text.reserve(map_.size() * 80);
  for (const auto& [inode, entry] : map_) {
    AppendLine(FileIdentity{inode.dev, inode.ino, entry.size, entry.mtime_ns},
               std::string_view(entry.md5_hex.data(), entry.md5_hex.size()), &text);
  }
  // A name no other compaction (another process, or another cache on the
  // same file in this one) can be writing.
  std::string tmp = path_ + ".compact-XXXXXX";
  UniqueFd out(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!out.valid()) return;
  size_t done = 0;
  while (done < text.size()) {  // bounded: each round writes >= 1 byte or stops
    ssize_t n = ::write(out.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  if (done != text.size() || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return;
  }
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return;  // keeps appending to the old (unlinked) file: harmless
  file_ = UniqueFd(fd);
}

std::optional<std::string> EtagCache::Lookup(const FileIdentity& id) {
  std::lock_guard<std::mutex> lock(mu_);
  LoadLocked();
  auto it = map_.find(Inode{id.dev, id.ino});
  if (it == map_.end() || it->second.size != id.size || it->second.mtime_ns != id.mtime_ns) {
    return std::nullopt;
  }
  return std::string(it->second.md5_hex.data(), it->second.md5_hex.size());
}

void EtagCache::InsertLocked(const FileIdentity& id, std::string_view md5_hex) {
  Inode inode{id.dev, id.ino};
  auto it = map_.find(inode);
  if (it == map_.end()) {
    if (map_.size() >= max_entries_) map_.clear();
    it = map_.emplace(inode, Entry{}).first;
  }
  it->second.size = id.size;
  it->second.mtime_ns = id.mtime_ns;
  std::memcpy(it->second.md5_hex.data(), md5_hex.data(), it->second.md5_hex.size());
}

void EtagCache::Insert(const FileIdentity& id, const std::string& md5_hex) {
  if (!IsMd5Hex(md5_hex)) return;  // not an MD5: nothing worth remembering
  std::lock_guard<std::mutex> lock(mu_);
  LoadLocked();
  InsertLocked(id, md5_hex);
  if (!file_.valid()) return;
  AppendLine(id, md5_hex, &unwritten_);
  constexpr size_t kWriteBytes = 64 * 1024;
  if (unwritten_.size() >= kWriteBytes) WriteLocked();
}

void EtagCache::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  WriteLocked();
}

size_t EtagCache::size() {
  std::lock_guard<std::mutex> lock(mu_);
  LoadLocked();
  return map_.size();
}

}  // namespace stocktake::store::local
