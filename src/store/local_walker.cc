#include "store/local_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace stocktake::store::local {

namespace {

enum class Step { kNew, kRunning, kDone };

}  // namespace

struct LocalWalker::State : std::enable_shared_from_this<LocalWalker::State> {
  struct Node;

  struct Entry {
    std::string sort_name;  // the name, plus '/' for folders
    bool is_dir = false;
    std::unique_ptr<Node> child;  // folders; reset once walked
  };

  // Entries [c x kChunkEntries, (c+1) x kChunkEntries) of a read folder.
  struct Chunk {
    Step step = Step::kNew;
    size_t files = 0;                // regular files in the range
    std::vector<ObjectInfo> infos;   // one per entry of the range
    std::vector<char> exists;        // the file was described (not gone)
    Status error;
    size_t error_at = SIZE_MAX;  // the entry whose description failed
  };

  struct Node {
    std::string path;  // "" for the bucket, else "a/b/"
    std::shared_ptr<const UniqueFd> parent_fd;
    bool filter = false;  // entries may lie outside the prefix or before the bound
    Step step = Step::kNew;
    bool vanished = false;
    Status error;
    std::shared_ptr<const UniqueFd> fd;
    std::vector<Entry> entries;  // sorted by sort_name
    std::vector<size_t> dirs;    // indices of folder entries
    std::vector<Chunk> chunks;
  };

  struct Frame {
    Node* node;
    size_t pos;  // next entry to walk
  };

  WalkPool* pool = nullptr;
  WalkOptions options;
  int window = 8;

  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> cancelled{false};
  Status failed;  // sticky: the walk stopped here
  std::unique_ptr<Node> root;
  std::vector<Frame> stack;  // the caller's position; guarded by mu

  // Reads `node` (no lock held). Fills everything but `step`.
  void Read(Node* node);
  // Describes chunk `c` of `node` (no lock held), except its `step`.
  void Describe(Node* node, size_t c);
  // Hands the next units after the caller's position to the pool.
  // REQUIRES: mu held.
  void Schedule();
  // Visits `node` (read) from entry `from`; false once the window is full.
  bool Visit(Node* node, size_t from, int* budget);
  void Submit(Node* node);
  void Submit(Node* node, size_t c);
};

void LocalWalker::State::Read(Node* node) {
  const std::string folder = "\"" + node->path + "\"";
  if (!node->fd) {
    std::string_view name(node->path);
    name.remove_suffix(1);  // the '/'
    name.remove_prefix(name.rfind('/') == std::string_view::npos ? 0 : name.rfind('/') + 1);
    Result<UniqueFd> fd = OpenSubdir(node->parent_fd->get(), name, options.what);
    if (!fd.ok()) {
      // Removed since its parent was read: it has no keys now.
      if (fd.status().code() == Code::kNotFound) {
        node->vanished = true;
      } else {
        node->error = fd.status();
      }
      return;
    }
    node->fd = std::make_shared<const UniqueFd>(std::move(fd).value());
  }
  node->parent_fd.reset();
  const int fd = node->fd->get();
  // One buffer per pool thread: folders are read in full, one call per 32 KB.
  constexpr size_t kDentsBytes = 32 * 1024;
  thread_local std::unique_ptr<char[]> buf;
  if (!buf) buf = std::make_unique_for_overwrite<char[]>(kDentsBytes);
  std::vector<Entry>& entries = node->entries;
  // Each round reads a batch of entries; bounded by the folder's size.
  for (;;) {
    ssize_t n = ::getdents64(fd, buf.get(), kDentsBytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      // A folder removed after it was opened reads as ENOENT: it has no
      // keys any more (glibc's readdir treats it as the end, too).
      if (errno == ENOENT) break;
      node->error = ErrnoStatus(options.what + ": read folder " + folder, errno);
      return;
    }
    if (n == 0) break;
    for (ssize_t off = 0; off < n;) {
      const auto* de = reinterpret_cast<const struct dirent64*>(buf.get() + off);
      off += de->d_reclen;
      std::string_view name = de->d_name;
      if (name == "." || name == ".." || name.starts_with(kTempPrefix)) continue;
      const unsigned char type = ListedEntryType(fd, de->d_name, de->d_type);
      if (type == DT_UNKNOWN) continue;
      Entry e;
      e.sort_name.reserve(name.size() + 1);
      e.sort_name = name;
      e.is_dir = type == DT_DIR;
      if (e.is_dir) e.sort_name.push_back('/');
      if (node->filter) {
        const std::string path = node->path + e.sort_name;
        const bool in_prefix = path.starts_with(options.prefix) ||
                               (e.is_dir && options.prefix.starts_with(path));
        if (!in_prefix || AtOrBeforeBound(options.bound, path, e.is_dir)) continue;
      }
      entries.push_back(std::move(e));
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.sort_name < b.sort_name; });
  node->chunks.resize((entries.size() + kChunkEntries - 1) / kChunkEntries);
  for (size_t i = 0; i < entries.size(); ++i) {
    Entry& e = entries[i];
    if (!e.is_dir) {
      ++node->chunks[i / kChunkEntries].files;
      continue;
    }
    node->dirs.push_back(i);
    e.child = std::make_unique<Node>();
    Node& child = *e.child;
    child.path = node->path + e.sort_name;
    child.parent_fd = node->fd;
    // Below a folder inside the prefix and wholly after the bound, every
    // key qualifies.
    child.filter = node->filter && !(child.path.starts_with(options.prefix) &&
                                     !options.bound.key.starts_with(child.path));
  }
  for (Chunk& chunk : node->chunks) {
    if (chunk.files == 0) chunk.step = Step::kDone;
  }
}

void LocalWalker::State::Describe(Node* node, size_t c) {
  Chunk& chunk = node->chunks[c];
  const size_t begin = c * kChunkEntries;
  const size_t end = std::min(begin + kChunkEntries, node->entries.size());
  chunk.infos.resize(end - begin);
  chunk.exists.assign(end - begin, 0);
  const int fd = node->fd->get();
  for (size_t i = begin; i < end; ++i) {
    const Entry& e = node->entries[i];
    if (e.is_dir) continue;
    ObjectInfo& info = chunk.infos[i - begin];
    info.key.reserve(node->path.size() + e.sort_name.size());
    info.key = node->path;
    info.key += e.sort_name;
    Result<bool> found = options.describe(fd, e.sort_name, &info);
    if (!found.ok()) {
      chunk.error = found.status();
      chunk.error_at = i;
      return;
    }
    chunk.exists[i - begin] = *found;
  }
}

void LocalWalker::State::Submit(Node* node) {
  node->step = Step::kRunning;
  pool->Submit([self = shared_from_this(), node] {
    if (!self->cancelled.load()) self->Read(node);
    std::lock_guard<std::mutex> lock(self->mu);
    node->step = Step::kDone;
    if (!self->cancelled.load()) self->Schedule();
    self->cv.notify_all();
  });
}

void LocalWalker::State::Submit(Node* node, size_t c) {
  node->chunks[c].step = Step::kRunning;
  pool->Submit([self = shared_from_this(), node, c] {
    if (!self->cancelled.load()) self->Describe(node, c);
    std::lock_guard<std::mutex> lock(self->mu);
    node->chunks[c].step = Step::kDone;
    if (!self->cancelled.load()) self->Schedule();
    self->cv.notify_all();
  });
}

bool LocalWalker::State::Visit(Node* node, size_t from, int* budget) {
  auto dir = std::lower_bound(node->dirs.begin(), node->dirs.end(), from);
  // Bounded by the window: each unit counted lowers the budget.
  for (size_t c = from / kChunkEntries; c < node->chunks.size(); ++c) {
    Chunk& chunk = node->chunks[c];
    if (chunk.files > 0) {
      if (chunk.step == Step::kNew) Submit(node, c);
      if (--*budget <= 0) return false;
    }
    const size_t chunk_end = (c + 1) * kChunkEntries;
    for (; dir != node->dirs.end() && *dir < chunk_end; ++dir) {
      Node* child = node->entries[*dir].child.get();
      if (child == nullptr) continue;  // walked already
      if (child->step == Step::kNew) Submit(child);
      if (--*budget <= 0) return false;
      if (child->step == Step::kDone && child->error.ok() && !child->vanished &&
          !Visit(child, 0, budget)) {
        return false;
      }
    }
  }
  return true;
}

void LocalWalker::State::Schedule() {
  int budget = window;
  // Deepest frame first: its rest comes before the rest of its parents.
  for (size_t i = stack.size(); i-- > 0;) {
    if (!Visit(stack[i].node, stack[i].pos, &budget)) return;
  }
}

LocalWalker::LocalWalker(std::shared_ptr<State> state) : state_(std::move(state)) {}

LocalWalker::~LocalWalker() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->cancelled.store(true);
}

Result<std::unique_ptr<LocalWalker>> LocalWalker::Open(WalkPool* pool, UniqueFd bucket_fd,
                                                       WalkOptions options) {
  auto state = std::make_shared<State>();
  state->pool = pool;
  state->window = options.window > 0 ? options.window : std::clamp(4 * pool->threads(), 8, 64);
  state->options = std::move(options);
  state->root = std::make_unique<State::Node>();
  State::Node* root = state->root.get();
  root->fd = std::make_shared<const UniqueFd>(std::move(bucket_fd));
  root->filter = !state->options.prefix.empty() || !state->options.bound.key.empty();
  state->Read(root);
  RETURN_IF_ERROR(root->error);
  root->step = Step::kDone;
  std::lock_guard<std::mutex> lock(state->mu);
  state->stack.push_back({root, 0});
  state->Schedule();
  return std::unique_ptr<LocalWalker>(new LocalWalker(std::move(state)));
}

Result<bool> LocalWalker::Next(size_t max, std::vector<ObjectInfo>* out) {
  State& s = *state_;
  std::unique_lock<std::mutex> lock(s.mu);
  RETURN_IF_ERROR(s.failed);
  size_t emitted = 0;
  // Each round walks one entry or one run of files; bounded by the tree.
  while (!s.stack.empty()) {
    State::Frame& frame = s.stack.back();
    State::Node* node = frame.node;
    if (frame.pos == node->entries.size()) {
      s.stack.pop_back();
      // Free the walked folder (its fd, listing and chunks).
      if (!s.stack.empty()) s.stack.back().node->entries[s.stack.back().pos - 1].child.reset();
      continue;
    }
    State::Entry& entry = node->entries[frame.pos];
    if (entry.is_dir) {
      State::Node* child = entry.child.get();
      if (child->step == Step::kNew) {
        // Needed now and not started: read it here rather than wait for a
        // pool thread (no hand-off, no context switch).
        child->step = Step::kRunning;
        lock.unlock();
        s.Read(child);
        lock.lock();
        child->step = Step::kDone;
      } else if (child->step != Step::kDone) {
        s.Schedule();
        s.cv.wait(lock, [child] { return child->step == Step::kDone; });
      }
      if (!child->error.ok()) {
        s.failed = child->error;
        return s.failed;
      }
      ++frame.pos;
      if (child->vanished) {
        entry.child.reset();
        continue;
      }
      s.stack.push_back({child, 0});  // `frame` is invalid from here
      s.Schedule();
      continue;
    }
    const size_t c = frame.pos / kChunkEntries;
    State::Chunk& chunk = node->chunks[c];
    if (chunk.step == Step::kNew) {
      chunk.step = Step::kRunning;  // described here, as above
      lock.unlock();
      s.Describe(node, c);
      lock.lock();
      chunk.step = Step::kDone;
    } else if (chunk.step != Step::kDone) {
      s.Schedule();
      s.cv.wait(lock, [&chunk] { return chunk.step == Step::kDone; });
    }
    if (frame.pos >= chunk.error_at) {
      s.failed = chunk.error;
      return s.failed;
    }
    // The chunk is ours alone now: emit its run of files unlocked.
    const size_t begin = c * kChunkEntries;
    const size_t end = std::min(begin + kChunkEntries, node->entries.size());
    const size_t stop = std::min(end, chunk.error_at);
    size_t pos = frame.pos;
    lock.unlock();
    bool full = false;
    for (; pos < stop && !node->entries[pos].is_dir; ++pos) {
      if (!chunk.exists[pos - begin]) continue;
      if (emitted == max) {
        full = true;
        break;
      }
      out->push_back(std::move(chunk.infos[pos - begin]));
      ++emitted;
    }
    const bool chunk_walked = pos == end;
    if (chunk_walked) {
      // Release the described files before taking the lock again.
      std::vector<ObjectInfo>().swap(chunk.infos);
      std::vector<char>().swap(chunk.exists);
    }
    lock.lock();
    frame.pos = pos;
    if (full) return true;
    if (chunk_walked) s.Schedule();
  }
  return false;
}

}  // namespace stocktake::store::local
