#include "store/etag_cache.h"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace stocktake::testing {
namespace {

using store::local::EtagCache;
using store::local::FileIdentity;

std::unique_ptr<EtagCache> OpenOrDie(const std::string& path, size_t max_entries = 1 << 20) {
  Result<std::unique_ptr<EtagCache>> cache = EtagCache::Open(path, max_entries);
  EXPECT_TRUE(cache.ok()) << cache.status().ToString();
  return cache.ok() ? std::move(cache).value() : nullptr;
}

std::string Md5Of(int i) {
  std::string hex = std::to_string(i);
  return std::string(32 - hex.size(), '0') + hex;
}

size_t LineCount(const std::string& path) {
  std::ifstream in(path);
  size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

TEST(EtagCacheTest, LookupNeedsTheWholeIdentity) {
  TempDir dir;
  auto cache = OpenOrDie(dir.Sub("etags"));
  cache->Insert({1, 2, 3, 4}, Md5Of(1));
  EXPECT_EQ(cache->Lookup({1, 2, 3, 4}), Md5Of(1));
  EXPECT_EQ(cache->Lookup({1, 2, 3, 5}), std::nullopt) << "mtime differs";
  EXPECT_EQ(cache->Lookup({1, 2, 9, 4}), std::nullopt) << "size differs";
  EXPECT_EQ(cache->Lookup({1, 7, 3, 4}), std::nullopt) << "inode differs";
  EXPECT_EQ(cache->Lookup({8, 2, 3, 4}), std::nullopt) << "device differs";
  cache->Insert({1, 2, 3, 4}, "not an md5");
  EXPECT_EQ(cache->Lookup({1, 2, 3, 4}), Md5Of(1));
}

TEST(EtagCacheTest, NewerIdentityOfAnInodeReplacesTheOldEntry) {
  TempDir dir;
  std::string path = dir.Sub("etags");
  {
    auto cache = OpenOrDie(path);
    cache->Insert({1, 2, 3, 4}, Md5Of(1));
    cache->Insert({1, 2, 3, 5}, Md5Of(2));  // edited in place
    EXPECT_EQ(cache->size(), 1u);
    EXPECT_EQ(cache->Lookup({1, 2, 3, 4}), std::nullopt);
    EXPECT_EQ(cache->Lookup({1, 2, 3, 5}), Md5Of(2));
  }
  auto reopened = OpenOrDie(path);
  EXPECT_EQ(reopened->size(), 1u) << "the later line wins on load";
  EXPECT_EQ(reopened->Lookup({1, 2, 3, 5}), Md5Of(2));
  EXPECT_EQ(reopened->Lookup({1, 2, 3, 4}), std::nullopt);
}

TEST(EtagCacheTest, TornAndMalformedLinesAreSkipped) {
  TempDir dir;
  std::string path = dir.Sub("etags");
  {
    std::ofstream out(path);
    out << "v1 1 2 3 4 " << Md5Of(1) << "\n"
        << "garbage\n"
        << "v1 1 x 3 4 " << Md5Of(2) << "\n"
        << "v1 1 5 3 4 " << Md5Of(3).substr(0, 31) << "\n"
        << "v1 1 6 3 4 " << Md5Of(4);  // torn: no newline
  }
  auto cache = OpenOrDie(path);
  EXPECT_EQ(cache->size(), 1u);
  EXPECT_EQ(cache->Lookup({1, 2, 3, 4}), Md5Of(1));
  EXPECT_EQ(cache->Lookup({1, 6, 3, 4}), std::nullopt);
}

// A file edited over and over (or inodes reused by new files) appends a
// line per version; loading compacts the file back to the live entries.
TEST(EtagCacheTest, ChurnIsCompactedOnLoad) {
  TempDir dir;
  std::string path = dir.Sub("etags");
  constexpr int kFiles = 100;
  constexpr int kVersions = 200;  // 20,000 lines > 2 * 100 + slack
  for (int round = 0; round < 2; ++round) {
    {
      auto cache = OpenOrDie(path);
      for (int v = 0; v < kVersions; ++v) {
        for (int f = 0; f < kFiles; ++f) {
          cache->Insert({7, uint64_t(f), 10, round * 1000 + v}, Md5Of(v));
        }
      }
    }
    EXPECT_GE(LineCount(path), size_t{kFiles * kVersions});
    auto cache = OpenOrDie(path);
    const size_t live = kFiles + round;  // round 1 also has the extra entry below
    EXPECT_EQ(cache->size(), live);  // loads and compacts
    EXPECT_EQ(LineCount(path), live);
    for (int f = 0; f < kFiles; ++f) {
      EXPECT_EQ(cache->Lookup({7, uint64_t(f), 10, round * 1000 + kVersions - 1}),
                Md5Of(kVersions - 1));
    }
    // Appends after a compaction land in the new file.
    cache->Insert({7, 1000, 10, 1}, Md5Of(5));
    cache->Flush();
    EXPECT_EQ(LineCount(path), live + 1);
  }
  auto cache = OpenOrDie(path);
  EXPECT_EQ(cache->size(), size_t{kFiles + 1});
  EXPECT_EQ(cache->Lookup({7, 1000, 10, 1}), Md5Of(5));
}

TEST(EtagCacheTest, SmallChurnIsLeftAlone) {
  TempDir dir;
  std::string path = dir.Sub("etags");
  {
    auto cache = OpenOrDie(path);
    for (int v = 0; v < 100; ++v) cache->Insert({7, 1, 10, v}, Md5Of(v));
  }
  struct stat before;
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  auto cache = OpenOrDie(path);
  EXPECT_EQ(cache->size(), 1u);
  struct stat after;
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "below the slack, the file is not rewritten";
  EXPECT_EQ(LineCount(path), 100u);
}

TEST(EtagCacheTest, MoreFilesThanTheMemoryBoundStillBoundTheFile) {
  TempDir dir;
  std::string path = dir.Sub("etags");
  constexpr size_t kMax = 1000;
  {
    auto cache = OpenOrDie(path, kMax);
    for (int f = 0; f < 20000; ++f) cache->Insert({7, uint64_t(f), 10, 1}, Md5Of(f));
    EXPECT_LE(cache->size(), kMax);
  }
  auto cache = OpenOrDie(path, kMax);
  EXPECT_LE(cache->size(), kMax);
  EXPECT_LE(LineCount(path), kMax);
  EXPECT_EQ(cache->Lookup({7, 19999, 10, 1}), Md5Of(19999)) << "the newest entries are kept";
}

TEST(EtagCacheTest, MemoryOnlyCacheNeedsNoFile) {
  auto cache = OpenOrDie("");
  cache->Insert({1, 2, 3, 4}, Md5Of(1));
  cache->Flush();
  EXPECT_EQ(cache->Lookup({1, 2, 3, 4}), Md5Of(1));
}

}  // namespace
}  // namespace stocktake::testing
