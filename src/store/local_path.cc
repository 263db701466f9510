#include "store/local_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace stocktake::store::local {
namespace {

bool IsIpv4(std::string_view s) {
  int dots = 0;
  int digits = 0;
  for (char c : s) {
    if (c == '.') {
      if (digits == 0) return false;
      ++dots;
      digits = 0;
    } else if (c >= '0' && c <= '9') {
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return dots == 3 && digits > 0;
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string Quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

Status ValidateBucketName(std::string_view bucket) {
  auto bad = [&](std::string_view why) {
    // Say why a folder needs an S3 name: it is a bucket of the local store.
    return InvalidArgument("invalid bucket name " + Quoted(bucket) + ": " + std::string(why) +
                           " (top-level folders of a local store are buckets, named by S3 rules)");
  };
  if (bucket.size() < 3 || bucket.size() > 63) return bad("must be 3-63 characters");
  for (char c : bucket) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-') {
      return bad("only lowercase letters, digits, '.' and '-' are allowed");
    }
  }
  if (!IsLowerAlnum(bucket.front()) || !IsLowerAlnum(bucket.back())) {
    return bad("must start and end with a letter or digit");
  }
  if (bucket.find("..") != std::string_view::npos) return bad("must not contain \"..\"");
  if (IsIpv4(bucket)) return bad("must not look like an IP address");
  return Status::OK();
}

Status ValidateKey(std::string_view key) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("invalid key " + Quoted(key) + " for a local store: " +
                           std::string(why));
  };
  if (key.empty()) return bad("empty key");
  if (key.size() > 1024) return bad("longer than 1024 bytes");
  if (key.find('\0') != std::string_view::npos) return bad("contains a NUL byte");
  if (key.front() == '/') return bad("absolute path");
  if (key.back() == '/') return bad("ends with '/'");
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view seg = key.substr(start, end - start);
    if (seg.empty()) return bad("empty path segment");
    if (seg == "." || seg == "..") return bad("'.' or '..' path segment");
    if (seg.size() > 255) return bad("path segment longer than 255 bytes");
    if (seg.starts_with(kTempPrefix)) return bad("segment uses the reserved temp-file prefix");
    start = end + 1;
  }
  return Status::OK();
}

std::vector<std::string_view> SplitKey(std::string_view key) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string_view::npos) end = key.size();
    out.push_back(key.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    Reset();
    fd_ = other.Release();
  }
  return *this;
}

int UniqueFd::Release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<UniqueFd> OpenSubdir(int dir_fd, std::string_view name, std::string_view what) {
  std::string n(name);
  int fd = ::openat(dir_fd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ELOOP || err == ENOTDIR) err = ENOENT;  // symlinks and files are not folders
    return ErrnoStatus(std::string(what) + ": open folder " + Quoted(name), err);
  }
  return UniqueFd(fd);
}

Result<std::vector<UniqueFd>> OpenDirChain(int dir_fd, const std::vector<std::string_view>& components,
                                           bool create, std::string_view what) {
  // A concurrent Delete may prune a folder between our mkdir and open, so
  // creation retries a few times before giving up.
  constexpr int kCreateAttempts = 4;
  std::vector<UniqueFd> chain;
  chain.reserve(components.size());
  for (std::string_view comp : components) {
    int parent = chain.empty() ? dir_fd : chain.back().get();
    std::string n(comp);
    Result<UniqueFd> sub = OpenSubdir(parent, comp, what);
    for (int attempt = 0; create && attempt < kCreateAttempts && !sub.ok() &&
                          sub.status().code() == Code::kNotFound;
         ++attempt) {
      if (::mkdirat(parent, n.c_str(), 0777) != 0 && errno != EEXIST) {
        return ErrnoStatus(std::string(what) + ": create folder " + Quoted(comp), errno);
      }
      sub = OpenSubdir(parent, comp, what);
    }
    if (!sub.ok()) {
      struct stat st;
      if (create && ::fstatat(parent, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          !S_ISDIR(st.st_mode)) {
        return FailedPrecondition(std::string(what) + ": " + Quoted(comp) +
                                  " exists and is not a folder");
      }
      return sub.status();
    }
    chain.push_back(std::move(sub).value());
  }
  return chain;
}

void PruneEmptyDirs(int base_fd, const std::vector<UniqueFd>& chain,
                    const std::vector<std::string_view>& components) {
  for (size_t i = chain.size(); i-- > 0;) {
    int parent = i == 0 ? base_fd : chain[i - 1].get();
    std::string n(components[i]);
    if (::unlinkat(parent, n.c_str(), AT_REMOVEDIR) != 0) return;
  }
}

}  // namespace stocktake::store::local
