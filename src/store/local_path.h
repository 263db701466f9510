// Path helpers for LocalStore: validation of bucket names and keys, an
// owning file descriptor, and symlink-free descent below a directory fd.
//
// Every path LocalStore opens is reached component by component with
// openat(O_NOFOLLOW), starting from the root's fd, after the key has been
// validated; so no request can name a file outside the root, and symlinks
// inside the tree are never followed (they are not objects). All functions
// are thread-safe; UniqueFd is a move-only value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace stocktake::store::local {

// Files whose name starts with this are LocalStore's in-flight writes;
// listings skip them and keys may not use it as a path segment prefix.
inline constexpr std::string_view kTempPrefix = ".stocktake-tmp-";

// S3 bucket naming: 3-63 chars of [a-z0-9.-], starting and ending with a
// letter or digit, no "..", not an IPv4 address. InvalidArgument otherwise.
Status ValidateBucketName(std::string_view bucket);
// A key that maps to a relative path: non-empty, <= 1024 bytes, no NUL, no
// leading or trailing '/', no empty, "." or ".." segment, segments <= 255
// bytes, no segment starting with kTempPrefix. InvalidArgument otherwise.
Status ValidateKey(std::string_view key);
// "a/b/c" -> {"a", "b", "c"}. REQUIRES: ValidateKey(key).ok().
std::vector<std::string_view> SplitKey(std::string_view key);

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release();
  void Reset();

 private:
  int fd_ = -1;
};

// Opens `name` (one path component) below `dir_fd` as a directory without
// following symlinks. A missing entry, a non-directory or a symlink is
// NotFound; `what` prefixes the message.
Result<UniqueFd> OpenSubdir(int dir_fd, std::string_view name, std::string_view what);

// Opens each of `components` in turn below `dir_fd`; returns one fd per
// component (the last is the deepest). With `create`, missing directories
// are made (mode 0777 & ~umask); a component that exists as a non-directory
// is then FailedPrecondition.
Result<std::vector<UniqueFd>> OpenDirChain(int dir_fd, const std::vector<std::string_view>& components,
                                           bool create, std::string_view what);

// Removes now-empty directories of a chain from the deepest up; chain[i] is
// the fd of components[i] and base_fd the parent of components[0]. Stops at
// the first directory that is not empty. Best effort.
void PruneEmptyDirs(int base_fd, const std::vector<UniqueFd>& chain,
                    const std::vector<std::string_view>& components);

}  // namespace stocktake::store::local
