#include "store/local_lister.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace stocktake::store::local {

struct LocalLister::Frame {
  std::shared_ptr<UniqueFd> fd;  // shared with the items read from it
  std::string path;  // "" for the bucket, else "a/b/" (ends with '/')
  std::vector<Entry> entries;
  size_t index = 0;
};

namespace {

using Kind = ListBound::Kind;

// True when the bound may fall strictly inside folder `dir` ("" = bucket).
bool Inside(const ListBound& bound, const std::string& dir) {
  if (!bound.key.starts_with(dir)) return false;
  return bound.kind != Kind::kPastPrefix || bound.key.size() > dir.size();
}

}  // namespace

unsigned char ListedEntryType(int dir_fd, const char* name, unsigned char d_type) {
  if (d_type == DT_DIR || d_type == DT_REG) return d_type;
  if (d_type != DT_UNKNOWN) return DT_UNKNOWN;  // symlinks, sockets, ... are not objects
  struct stat st;
  if (::fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return DT_UNKNOWN;
  return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
}

bool AtOrBeforeBound(const ListBound& bound, const std::string& path, bool is_dir) {
  const std::string& b = bound.key;
  if (!is_dir) {
    switch (bound.kind) {
      case Kind::kInclusive: return path < b;
      case Kind::kExclusive: return path <= b;
      case Kind::kPastPrefix: return path < b || path.starts_with(b);
    }
  }
  if (bound.kind == Kind::kPastPrefix && path.starts_with(b)) return true;
  return !b.starts_with(path) && path < b;
}

LocalLister::LocalLister(std::string prefix, std::string what)
    : prefix_(std::move(prefix)), what_(std::move(what)) {}

LocalLister::~LocalLister() = default;

Result<std::unique_ptr<LocalLister>> LocalLister::Open(UniqueFd bucket_fd, std::string prefix,
                                                       const ListBound& bound, std::string what) {
  std::unique_ptr<LocalLister> lister(new LocalLister(std::move(prefix), std::move(what)));
  auto frame = std::make_unique<Frame>();
  ASSIGN_OR_RETURN(frame->entries, lister->ReadSorted(bucket_fd.get(), ""));
  frame->fd = std::make_shared<UniqueFd>(std::move(bucket_fd));
  lister->stack_.push_back(std::move(frame));
  RETURN_IF_ERROR(lister->Seek(bound));
  return lister;
}

Result<std::vector<LocalLister::Entry>> LocalLister::ReadSorted(int fd, std::string_view path) {
  int dup_fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return ErrnoStatus(what_ + ": read folder \"" + std::string(path) + "\"", errno);
  DIR* dir = ::fdopendir(dup_fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(dup_fd);
    return ErrnoStatus(what_ + ": read folder \"" + std::string(path) + "\"", err);
  }
  std::vector<Entry> entries;
  errno = 0;
  while (struct dirent* de = ::readdir(dir)) {
    std::string_view name = de->d_name;
    if (name == "." || name == ".." || name.starts_with(kTempPrefix)) continue;
    const unsigned char type = ListedEntryType(fd, de->d_name, de->d_type);
    if (type == DT_UNKNOWN) continue;
    Entry e{std::string(name), type == DT_DIR};
    if (e.is_dir) e.sort_name.push_back('/');
    entries.push_back(std::move(e));
    errno = 0;
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return ErrnoStatus(what_ + ": read folder \"" + std::string(path) + "\"", err);
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.sort_name < b.sort_name; });
  return entries;
}

Status LocalLister::Push(int parent_fd, std::string_view name, std::string path) {
  Result<UniqueFd> fd = OpenSubdir(parent_fd, name, what_);
  if (!fd.ok()) {
    // Removed since we read its parent: it has no keys now.
    return fd.status().code() == Code::kNotFound ? Status::OK() : fd.status();
  }
  auto frame = std::make_unique<Frame>();
  ASSIGN_OR_RETURN(frame->entries, ReadSorted(fd->get(), path));
  frame->fd = std::make_shared<UniqueFd>(std::move(fd).value());
  frame->path = std::move(path);
  stack_.push_back(std::move(frame));
  return Status::OK();
}

Status LocalLister::Seek(const ListBound& bound) {
  unread_ = false;
  while (stack_.size() > 1 && !Inside(bound, stack_.back()->path)) stack_.pop_back();
  // Each round descends one level; bounded by the key's depth.
  while (!stack_.empty()) {
    Frame& frame = *stack_.back();
    auto first = frame.entries.begin() + static_cast<ptrdiff_t>(frame.index);
    auto it = std::partition_point(first, frame.entries.end(), [&](const Entry& e) {
      return AtOrBeforeBound(bound, frame.path + e.sort_name, e.is_dir);
    });
    frame.index = static_cast<size_t>(it - frame.entries.begin());
    if (it == frame.entries.end() || !it->is_dir) return Status::OK();
    std::string path = frame.path + it->sort_name;
    if (!bound.key.starts_with(path)) return Status::OK();  // whole folder is after the bound
    ++frame.index;
    size_t depth = stack_.size();
    std::string_view name(it->sort_name.data(), it->sort_name.size() - 1);
    RETURN_IF_ERROR(Push(frame.fd->get(), name, std::move(path)));
    if (stack_.size() == depth) return Status::OK();  // folder vanished
  }
  return Status::OK();
}

Result<bool> LocalLister::Next(Item* item) {
  if (unread_) {
    unread_ = false;
    *item = last_;
    return true;
  }
  while (!stack_.empty()) {
    Frame& frame = *stack_.back();
    if (frame.index == frame.entries.size()) {
      stack_.pop_back();
      continue;
    }
    const Entry& e = frame.entries[frame.index];
    std::string path = frame.path + e.sort_name;
    // Everything from here on is at or after the prefix; once an entry is
    // neither inside the prefix nor an ancestor of it, the listing is done.
    if (!path.starts_with(prefix_) && !(e.is_dir && prefix_.starts_with(path))) {
      stack_.clear();
      return false;
    }
    ++frame.index;
    if (e.is_dir) {
      std::string_view name(e.sort_name.data(), e.sort_name.size() - 1);
      RETURN_IF_ERROR(Push(frame.fd->get(), name, std::move(path)));
      continue;
    }
    last_.key = std::move(path);
    last_.dir = frame.fd;
    last_.name = e.sort_name;
    *item = last_;
    return true;
  }
  return false;
}

}  // namespace stocktake::store::local
