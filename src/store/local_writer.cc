#include "store/local_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <mutex>
#include <random>

namespace stocktake::store::local {
namespace {

std::string TempName() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
  return std::string(kTempPrefix) + buf;
}

}  // namespace

Result<std::unique_ptr<LocalWriter>> LocalWriter::Create(int bucket_fd, std::string_view key,
                                                         bool fsync, std::string what,
                                                         std::shared_ptr<std::shared_mutex> tree_mu) {
  std::unique_ptr<LocalWriter> w(new LocalWriter());
  w->tree_mu_ = std::move(tree_mu);
  w->what_ = std::move(what);
  w->fsync_ = fsync;
  int dup_fd = ::fcntl(bucket_fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return ErrnoStatus(w->what_ + ": dup bucket fd", errno);
  w->bucket_fd_ = UniqueFd(dup_fd);
  std::vector<std::string_view> parts = SplitKey(key);
  w->final_name_ = std::string(parts.back());
  parts.pop_back();
  for (std::string_view p : parts) w->folders_.emplace_back(p);

  // A concurrent Delete may prune a folder on our path before our temp file
  // pins it; start over (a bounded number of times) in that case.
  constexpr int kAttempts = 16;
  std::shared_lock<std::shared_mutex> creating(*w->tree_mu_);
  for (int attempt = 0; attempt < kAttempts && !w->file_.valid(); ++attempt) {
    Result<std::vector<UniqueFd>> chain = OpenDirChain(dup_fd, parts, /*create=*/true, w->what_);
    if (!chain.ok()) {
      // NotFound: a folder we hold was removed; start again from the bucket.
      if (chain.status().code() == Code::kNotFound && attempt + 1 < kAttempts) continue;
      return chain.status();
    }
    w->chain_ = std::move(chain).value();
    int dir = w->chain_.empty() ? dup_fd : w->chain_.back().get();
    for (int name_try = 0; name_try < 8; ++name_try) {
      w->temp_name_ = TempName();
      int fd = ::openat(dir, w->temp_name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd >= 0) {
        w->file_ = UniqueFd(fd);
        break;
      }
      if (errno == ENOENT) break;  // folder pruned under us: retry the chain
      if (errno != EEXIST) return ErrnoStatus(w->what_ + ": create temp file", errno);
    }
  }
  if (!w->file_.valid()) return IOError(w->what_ + ": could not create a temp file");
  return w;
}

LocalWriter::~LocalWriter() {
  if (!done_) Abort();
}

Status LocalWriter::Fail(Status status) {
  Abort();
  return status;
}

Status LocalWriter::Append(std::string_view data) {
  if (done_) return FailedPrecondition(what_ + ": append after Close or Abort");
  // Bounded: every round writes at least one byte or fails.
  while (!data.empty()) {
    ssize_t n = ::write(file_.get(), data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(what_ + ": write", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
    bytes_ += n;
  }
  return Status::OK();
}

Status LocalWriter::Close() {
  if (done_) return FailedPrecondition(what_ + ": Close after Close or Abort");
  if (fsync_ && ::fsync(file_.get()) != 0) return Fail(ErrnoStatus(what_ + ": fsync", errno));
  int fd = file_.Release();
  if (::close(fd) != 0) return Fail(ErrnoStatus(what_ + ": close", errno));
  int dir = chain_.empty() ? bucket_fd_.get() : chain_.back().get();
  if (::renameat(dir, temp_name_.c_str(), dir, final_name_.c_str()) != 0) {
    int err = errno;
    if (err == EISDIR || err == ENOTEMPTY || err == EEXIST) {
      return Fail(FailedPrecondition(what_ + ": a folder of that name holds other keys"));
    }
    return Fail(ErrnoStatus(what_ + ": publish (rename)", err));
  }
  done_ = true;
  if (fsync_ && ::fsync(dir) != 0) return ErrnoStatus(what_ + ": fsync folder", errno);
  return Status::OK();
}

void LocalWriter::Abort() {
  if (done_) return;
  done_ = true;
  file_.Reset();
  int dir = chain_.empty() ? bucket_fd_.get() : chain_.back().get();
  ::unlinkat(dir, temp_name_.c_str(), 0);
  std::vector<std::string_view> names(folders_.begin(), folders_.end());
  std::unique_lock<std::shared_mutex> pruning(*tree_mu_);
  PruneEmptyDirs(bucket_fd_.get(), chain_, names);
}

}  // namespace stocktake::store::local
