#include "store/local_walker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "base/hash.h"
#include "store/local_lister.h"
#include "store/local_store.h"
#include "store/local_walk_pool.h"
#include "testing/temp_dir.h"

namespace stocktake::testing {
namespace {

namespace fs = std::filesystem;
using store::ListRequest;
using store::LocalStore;
using store::LocalStoreOptions;
using store::ObjectInfo;
using store::local::ListBound;
using store::local::LocalLister;
using store::local::LocalWalker;
using store::local::UniqueFd;
using store::local::WalkOptions;
using store::local::WalkPool;

UniqueFd OpenDir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << path;
  return UniqueFd(fd);
}

// The content of a test file: its key's length in bytes, so sizes vary.
std::string ContentOf(const std::string& key) { return std::string(key.size() % 13, 'x'); }

// A tree with the S3-order traps ("a-b" < "a.b" < "a/b" < "a0"), names
// with control, space and non-ASCII bytes, a deep chain, a wide folder
// whose sub-folders fall inside and across 512-entry chunks, empty
// folders, and entries that are not objects (symlinks, a FIFO, a temp
// file). Returns the object keys in S3 byte order.
std::vector<std::string> BuildAwkwardTree(const std::string& bucket) {
  std::vector<std::string> keys = {"a",   "a-b",       "a.b", "a b",      "a/b",  "a/b-c",
                                   "a/b/c", "a/b0",    "a-b/c", "a0/x",    "a0",   "\x01" "ctl",
                                   "\xc3\xa9t\xc3\xa9", "\xff" "raw", "z/" "\xe2\x82\xac/1",
                                   "-", ".x", "0", "~"};
  std::string deep = "deep";
  for (int i = 0; i < 24; ++i) {
    deep += "/" + std::to_string(i);
    keys.push_back(deep + "/f");
    keys.push_back(deep + "-sib");
  }
  for (int i = 0; i < 1500; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "wide/f%04d", i);
    keys.push_back(name);
    if (i % 37 == 0) keys.push_back(std::string(name) + "-d/inner" + std::to_string(i));
    if (i % 101 == 0) keys.push_back(std::string(name) + "/sub/x");
  }
  for (int d = 0; d < 30; ++d) {
    for (int f = 0; f < 25; ++f) {
      keys.push_back("many/d" + std::to_string(d) + "/f" + std::to_string(f));
    }
  }
  // A file and a folder may not share a name: drop files shadowed by folders.
  std::sort(keys.begin(), keys.end());
  std::vector<std::string> files;
  for (const std::string& k : keys) {
    bool is_folder = std::any_of(keys.begin(), keys.end(), [&](const std::string& other) {
      return other.size() > k.size() && other.starts_with(k) && other[k.size()] == '/';
    });
    if (!is_folder) files.push_back(k);
  }
  for (const std::string& k : files) WriteFile(bucket + "/" + k, ContentOf(k));
  fs::create_directories(bucket + "/empty/e2/e3");
  fs::create_directories(bucket + "/wide/zz-empty");
  fs::create_symlink(bucket + "/a0", bucket + "/a0-link");
  fs::create_directory_symlink(bucket + "/wide", bucket + "/wide-link");
  EXPECT_EQ(::mkfifo((bucket + "/many/fifo").c_str(), 0600), 0);
  WriteFile(bucket + "/many/.stocktake-tmp-123", "in flight");
  return files;
}

// The sequential cursor's listing (LocalLister), as the reference.
std::vector<std::string> ListerKeys(const std::string& bucket, const std::string& prefix,
                                    const ListBound& bound) {
  Result<std::unique_ptr<LocalLister>> lister =
      LocalLister::Open(OpenDir(bucket), prefix, bound, "reference");
  EXPECT_TRUE(lister.ok()) << lister.status().ToString();
  std::vector<std::string> keys;
  if (!lister.ok()) return keys;
  LocalLister::Item item;
  for (int i = 0; i < 1000000; ++i) {
    Result<bool> more = (*lister)->Next(&item);
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    keys.push_back(item.key);
  }
  return keys;
}

class LocalWalkerTest : public ::testing::Test {
 protected:
  std::string Bucket() const { return dir_.Sub("bkt"); }

  TempDir dir_;
};

TEST_F(LocalWalkerTest, SameSequenceAsTheSequentialListerAtEveryConcurrency) {
  const std::vector<std::string> want = BuildAwkwardTree(Bucket());
  ASSERT_EQ(ListerKeys(Bucket(), "", {}), want);

  struct Case {
    std::string prefix;
    std::string start_after;
  };
  const std::vector<Case> cases = {{"", ""},       {"a", ""},         {"a/", ""},
                                   {"a-", ""},     {"wide/f01", ""},  {"deep/0/1/", ""},
                                   {"", "a/b"},    {"", "a/b/c"},     {"wide/", "wide/f0370"},
                                   {"", "deep/0/1/2"}, {"many/d1", "many/d1/f3"}, {"nope", ""}};
  for (int threads : {1, 2, 16, 64}) {
    LocalStoreOptions options;
    options.root = dir_.path();
    options.list_threads = threads;
    std::unique_ptr<LocalStore> store = std::move(LocalStore::Open(options)).value();
    for (const Case& c : cases) {
      ListBound bound{ListBound::Kind::kExclusive, c.start_after};
      if (bound.key < c.prefix) bound = ListBound{ListBound::Kind::kInclusive, c.prefix};
      const std::vector<std::string> reference = ListerKeys(Bucket(), c.prefix, bound);
      for (int page_size : {1, 7, 1000, 100000}) {
        if (page_size == 1 && threads != 2) continue;  // keeps the test short
        ListRequest req;
        req.prefix = c.prefix;
        req.start_after = c.start_after;
        req.max_keys = page_size;
        req.fetch_etag = false;
        std::vector<std::string> got;
        for (int round = 0; round < 100000; ++round) {
          Result<store::ListPage> page = store->List("bkt", req);
          ASSERT_TRUE(page.ok()) << page.status().ToString();
          ASSERT_LE(page->objects.size(), static_cast<size_t>(page_size));
          for (const ObjectInfo& o : page->objects) {
            ASSERT_EQ(o.size, static_cast<int64_t>(ContentOf(o.key).size())) << o.key;
            got.push_back(o.key);
          }
          if (page->next_token.empty()) break;
          ASSERT_FALSE(page->objects.empty());
          req.continuation_token = page->next_token;
        }
        EXPECT_EQ(got, reference) << "threads " << threads << " page " << page_size
                                  << " prefix '" << c.prefix << "' after '" << c.start_after
                                  << "'";
      }
    }
  }
}

TEST_F(LocalWalkerTest, EtagsSizesAndTimesMatchHead) {
  const std::vector<std::string> want = BuildAwkwardTree(Bucket());
  LocalStoreOptions options;
  options.root = dir_.path();
  options.list_threads = 16;
  std::unique_ptr<LocalStore> store = std::move(LocalStore::Open(options)).value();
  ListRequest req;
  req.max_keys = 100000;
  req.fetch_etag = true;
  Result<store::ListPage> page = store->List("bkt", req);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const ObjectInfo& o = page->objects[i];
    ASSERT_EQ(o.key, want[i]);
    EXPECT_EQ(o.etag, Md5Hex(ContentOf(o.key))) << o.key;
    EXPECT_EQ(o.storage_class, "STANDARD");
    struct stat st;
    ASSERT_EQ(::lstat((Bucket() + "/" + o.key).c_str(), &st), 0);
    EXPECT_EQ(o.size, st.st_size);
    EXPECT_EQ(o.last_modified_ms,
              static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000);
  }
}

// A describe function like LocalStore's (size only), with a hook that runs
// before each file is described.
WalkOptions StatOptions(std::function<Status(const std::string& key)> hook) {
  WalkOptions options;
  options.what = "walk test";
  options.describe = [hook](int dir_fd, const std::string& name, ObjectInfo* info) -> Result<bool> {
    if (hook) RETURN_IF_ERROR(hook(info->key));
    struct stat st;
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) return false;
      return ErrnoStatus("stat " + info->key, errno);
    }
    if (!S_ISREG(st.st_mode)) return false;
    info->size = st.st_size;
    return true;
  };
  return options;
}

TEST_F(LocalWalkerTest, FoldersThatVanishOrTurnIntoFilesMidWalkAreSkipped) {
  for (const char* k : {"a/1", "a/2", "b/1", "b/2", "c/1", "c/d/2", "d/1", "e/1"}) {
    WriteFile(Bucket() + "/" + k, "x");
  }
  WalkPool pool(1);
  // Window 1: nothing is read before the walk needs it, so "c" and "d" are
  // still unread when "b/1" is described.
  WalkOptions options = StatOptions([this](const std::string& key) {
    if (key == "b/1") {
      fs::remove_all(Bucket() + "/c");
      fs::remove_all(Bucket() + "/d");
      WriteFile(Bucket() + "/d", "now a file");
    }
    return Status::OK();
  });
  options.window = 1;
  Result<std::unique_ptr<LocalWalker>> walker =
      LocalWalker::Open(&pool, OpenDir(Bucket()), std::move(options));
  ASSERT_TRUE(walker.ok()) << walker.status().ToString();
  std::vector<ObjectInfo> out;
  Result<bool> more = (*walker)->Next(1000, &out);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_FALSE(*more);
  std::vector<std::string> keys;
  for (const ObjectInfo& o : out) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a/2", "b/1", "b/2", "e/1"}));
}

TEST_F(LocalWalkerTest, AFailureIsReturnedWhereTheWalkReachesItAndStays) {
  for (const char* k : {"a/1", "a/2", "b/1", "b/2", "b/3", "c/1"}) WriteFile(Bucket() + "/" + k, "x");
  for (int threads : {1, 2, 16, 64}) {
    WalkPool pool(threads);
    WalkOptions options = StatOptions([](const std::string& key) {
      return key == "b/2" ? IOError("stat b/2: injected") : Status::OK();
    });
    Result<std::unique_ptr<LocalWalker>> walker =
        LocalWalker::Open(&pool, OpenDir(Bucket()), std::move(options));
    ASSERT_TRUE(walker.ok());
    std::vector<ObjectInfo> out;
    Result<bool> first = (*walker)->Next(1000, &out);
    ASSERT_FALSE(first.ok());
    EXPECT_NE(first.status().ToString().find("stat b/2: injected"), std::string::npos);
    std::vector<std::string> keys;
    for (const ObjectInfo& o : out) keys.push_back(o.key);
    // Everything before the failing file, in order, and nothing after it.
    EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a/2", "b/1"})) << threads;
    out.clear();
    EXPECT_FALSE((*walker)->Next(1000, &out).ok());
    EXPECT_TRUE(out.empty());
  }
}

TEST_F(LocalWalkerTest, LooksAheadOnlyAWindowOfUnits) {
  constexpr int kFolders = 12;
  constexpr int kFilesPerFolder = 520;  // two chunks each
  for (int d = 0; d < kFolders; ++d) {
    for (int f = 0; f < kFilesPerFolder; ++f) {
      WriteFile(Bucket() + "/d" + std::to_string(d) + "/f" + std::to_string(f), "");
    }
  }
  WalkPool pool(4);
  auto described = std::make_shared<std::atomic<int>>(0);
  WalkOptions options = StatOptions([described](const std::string&) {
    described->fetch_add(1);
    return Status::OK();
  });
  options.window = 2;
  Result<std::unique_ptr<LocalWalker>> walker =
      LocalWalker::Open(&pool, OpenDir(Bucket()), std::move(options));
  ASSERT_TRUE(walker.ok());
  std::vector<ObjectInfo> out;
  ASSERT_TRUE(*(*walker)->Next(1, &out));
  // Give the pool time to run ahead as far as it may (an upper bound holds
  // whatever the timing): the chunk being walked plus a window of two.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_LE(described->load(), 3 * static_cast<int>(LocalWalker::kChunkEntries));
  int total = 1;
  for (int i = 0; i < kFolders * kFilesPerFolder; ++i) {
    out.clear();
    Result<bool> more = (*walker)->Next(1000, &out);
    ASSERT_TRUE(more.ok());
    total += static_cast<int>(out.size());
    if (!*more) break;
  }
  EXPECT_EQ(total, kFolders * kFilesPerFolder);
  EXPECT_EQ(described->load(), kFolders * kFilesPerFolder);
}

TEST_F(LocalWalkerTest, DroppingAWalkerMidWayCancelsItsLookahead) {
  for (int d = 0; d < 50; ++d) {
    for (int f = 0; f < 20; ++f) WriteFile(Bucket() + "/d" + std::to_string(d) + "/f" + std::to_string(f), "");
  }
  WalkPool pool(4);
  for (int round = 0; round < 20; ++round) {
    Result<std::unique_ptr<LocalWalker>> walker =
        LocalWalker::Open(&pool, OpenDir(Bucket()), StatOptions(nullptr));
    ASSERT_TRUE(walker.ok());
    std::vector<ObjectInfo> out;
    ASSERT_TRUE(*(*walker)->Next(static_cast<size_t>(round * 7 + 1), &out));
    EXPECT_EQ(out.size(), static_cast<size_t>(round * 7 + 1));
  }  // each walker is destroyed with units queued or running
}

}  // namespace
}  // namespace stocktake::testing
