// LocalStore listing throughput over a generated tree of 100k empty files
// (100 folders x 1000 files, with sibling names that exercise S3 order).
// Reports keys/s for a full paged listing with and without ETags.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "store/local_store.h"

namespace stocktake::store {
namespace {

constexpr int kFolders = 100;
constexpr int kFilesPerFolder = 1000;

// The tree is built once per process and removed at exit.
class Tree {
 public:
  Tree() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/stocktake-bench-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    root_ = tmpl;
    for (int d = 0; d < kFolders; ++d) {
      std::string dir = root_ + "/bench/d" + std::to_string(d) + (d % 2 ? "-x" : "");
      std::filesystem::create_directories(dir);
      for (int f = 0; f < kFilesPerFolder; ++f) {
        std::string path = dir + "/file-" + std::to_string(f) + ".dat";
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || ::write(fd, "x", 1) != 1) std::abort();
        ::close(fd);
      }
    }
  }
  ~Tree() { std::filesystem::remove_all(root_); }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

const Tree& SharedTree() {
  static Tree tree;
  return tree;
}

void BM_ListAllPaged(benchmark::State& state) {
  LocalStoreOptions options;
  options.root = SharedTree().root();
  std::unique_ptr<LocalStore> store = std::move(LocalStore::Open(options)).value();
  int64_t keys = 0;
  for (auto _ : state) {
    ListRequest req;
    req.max_keys = 1000;
    req.fetch_etag = state.range(0) != 0;
    for (int page = 0; page < 10 * kFolders * kFilesPerFolder; ++page) {
      Result<ListPage> result = store->List("bench", req);
      if (!result.ok()) {
        state.SkipWithError(result.status().ToString().c_str());
        return;
      }
      keys += static_cast<int64_t>(result->objects.size());
      if (result->next_token.empty()) break;
      req.continuation_token = result->next_token;
    }
  }
  state.SetItemsProcessed(keys);
  state.counters["keys/s"] = benchmark::Counter(static_cast<double>(keys), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ListAllPaged)->Arg(0)->Arg(1)->ArgNames({"etag"})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace stocktake::store
