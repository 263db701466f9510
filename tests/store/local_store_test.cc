#include "store/local_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <thread>

#include "base/hash.h"
#include "store/object_store_conformance.h"
#include "testing/temp_dir.h"

namespace stocktake::testing {
namespace {

using store::ListRequest;
using store::LocalStore;
using store::LocalStoreOptions;

std::unique_ptr<LocalStore> OpenOrDie(const std::string& root, std::string cache_path = "") {
  LocalStoreOptions options;
  options.root = root;
  options.etag_cache_path = std::move(cache_path);
  Result<std::unique_ptr<LocalStore>> store = LocalStore::Open(options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

StoreUnderTest MakeLocal() {
  auto dir = std::make_shared<TempDir>();
  std::shared_ptr<LocalStore> store = OpenOrDie(dir->path());
  EXPECT_TRUE(store->CreateBucket("conformance").ok());
  return {store, "conformance", dir};
}

INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreConformanceTest,
                         ::testing::Values(ConformanceTarget{"Local", &MakeLocal}),
                         ConformanceTargetName);

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenOrDie(dir_.path());
    ASSERT_TRUE(store_->CreateBucket("bkt").ok());
  }
  std::string PathOf(const std::string& key) { return dir_.Sub("bkt/" + key); }
  std::vector<std::string> Keys(ListRequest req = {}) {
    std::vector<std::string> keys;
    for (int round = 0; round < 100000; ++round) {
      Result<store::ListPage> page = store_->List("bkt", req);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const auto& o : page->objects) keys.push_back(o.key);
      if (page->next_token.empty()) break;
      req.continuation_token = page->next_token;
    }
    return keys;
  }

  TempDir dir_;
  std::unique_ptr<LocalStore> store_;
};

TEST_F(LocalStoreTest, RefusesKeysAndBucketsThatEscapeTheRoot) {
  WriteFile(dir_.Sub("secret"), "top secret");
  for (std::string key : std::vector<std::string>{"../secret", "a/../../secret", "/etc/passwd", "a//b", "a/", "./a",
                          std::string("a\0b", 3), "", ".stocktake-tmp-x"}) {
    Status put = store_->Put("bkt", key, "x");
    EXPECT_EQ(put.code(), Code::kInvalidArgument) << key;
    EXPECT_EQ(store_->Get("bkt", key).status().code(), Code::kInvalidArgument) << key;
    EXPECT_EQ(store_->Delete("bkt", key).code(), Code::kInvalidArgument) << key;
  }
  for (std::string bucket : std::vector<std::string>{"..", ".", "a/b", "UPPER", "ab", "-abc", "has_underscore",
                             "192.168.1.1", std::string(64, 'a')}) {
    EXPECT_EQ(store_->HeadBucket(bucket).code(), Code::kInvalidArgument) << bucket;
    EXPECT_EQ(store_->Get(bucket, "secret").status().code(), Code::kInvalidArgument) << bucket;
    EXPECT_EQ(store_->CreateBucket(bucket).code(), Code::kInvalidArgument) << bucket;
  }
  EXPECT_EQ(ReadFile(dir_.Sub("secret")), "top secret");
}

TEST_F(LocalStoreTest, SymlinksAreNeitherListedNorFollowed) {
  WriteFile(dir_.Sub("outside/file"), "outside");
  WriteFile(PathOf("real"), "inside");
  ASSERT_EQ(::symlink(dir_.Sub("outside").c_str(), PathOf("linkdir").c_str()), 0);
  ASSERT_EQ(::symlink(PathOf("real").c_str(), PathOf("linkfile").c_str()), 0);
  EXPECT_EQ(Keys(), std::vector<std::string>{"real"});
  EXPECT_EQ(store_->Get("bkt", "linkdir/file").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->Get("bkt", "linkfile").status().code(), Code::kNotFound);
}

TEST_F(LocalStoreTest, TempFilesAndEmptyFoldersAreInvisible) {
  WriteFile(PathOf("d/.stocktake-tmp-0123"), "in flight");
  std::filesystem::create_directories(PathOf("empty/deeper"));
  WriteFile(PathOf("d/visible"), "v");
  EXPECT_EQ(Keys(), std::vector<std::string>{"d/visible"});
  ListRequest req;
  req.delimiter = "/";
  Result<store::ListPage> page = store_->List("bkt", req);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"d/"});

  Result<std::unique_ptr<store::ObjectWriter>> w = store_->NewWriter("bkt", "d/new");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("pending").ok());
  EXPECT_EQ(Keys(), std::vector<std::string>{"d/visible"});
  (*w)->Abort();
}

TEST_F(LocalStoreTest, DeleteRemovesEmptyFoldersButNotTheBucket) {
  ASSERT_TRUE(store_->Put("bkt", "x/y/z", "1").ok());
  ASSERT_TRUE(store_->Put("bkt", "x/keep", "2").ok());
  ASSERT_TRUE(store_->Delete("bkt", "x/y/z").ok());
  EXPECT_FALSE(std::filesystem::exists(PathOf("x/y")));
  EXPECT_TRUE(std::filesystem::exists(PathOf("x/keep")));
  ASSERT_TRUE(store_->Delete("bkt", "x/keep").ok());
  EXPECT_FALSE(std::filesystem::exists(PathOf("x")));
  EXPECT_TRUE(std::filesystem::is_directory(dir_.Sub("bkt")));
}

TEST_F(LocalStoreTest, OnlyTheNullVersionExistsAndAclsAreUnavailable) {
  ASSERT_TRUE(store_->Put("bkt", "k", "abc").ok());
  EXPECT_EQ(store_->Head("bkt", "k", "null")->size, 3);
  Status other = store_->Head("bkt", "k", "3HL4kqtJlcpXroDTDmJ").status();
  EXPECT_EQ(other.code(), Code::kNotFound);
  EXPECT_NE(other.message().find("no version 3HL4kqtJlcpXroDTDmJ"), std::string::npos)
      << other.message();
  EXPECT_EQ(store_->GetObjectAcl("bkt", "k", "v2").status().code(), Code::kNotFound);
  Result<store::ObjectAcl> acl = store_->GetObjectAcl("bkt", "k");
  ASSERT_TRUE(acl.ok()) << acl.status().ToString();
  EXPECT_FALSE(acl->available);
  Status missing = store_->GetObjectAcl("bkt", "nope").status();
  EXPECT_EQ(missing.code(), Code::kNotFound);
  EXPECT_NE(missing.message().find("get acl "), std::string::npos) << missing.message();
}

TEST_F(LocalStoreTest, NameUrlAndBuckets) {
  EXPECT_EQ(store_->Name(), "local:" + std::filesystem::canonical(dir_.path()).string());
  EXPECT_EQ(store_->Url("bkt", "a/b"),
            std::filesystem::canonical(dir_.path()).string() + "/bkt/a/b");
  std::filesystem::create_directories(dir_.Sub("Not_A_Bucket"));
  WriteFile(dir_.Sub("file-at-root"), "x");
  ASSERT_TRUE(store_->CreateBucket("abc").ok());
  Result<std::vector<store::BucketInfo>> buckets = store_->ListBuckets();
  ASSERT_TRUE(buckets.ok());
  ASSERT_EQ(buckets->size(), 2u);
  EXPECT_EQ((*buckets)[0].name, "abc");
  EXPECT_EQ((*buckets)[1].name, "bkt");
  EXPECT_EQ(*store_->GetBucketLocation("bkt"), "");
}

TEST_F(LocalStoreTest, ListBucketsTwiceSeesTheSameBuckets) {
  ASSERT_TRUE(store_->CreateBucket("abc").ok());
  Result<std::vector<store::BucketInfo>> first = store_->ListBuckets();
  Result<std::vector<store::BucketInfo>> second = store_->ListBuckets();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(first->size(), 2u);
  ASSERT_EQ(second->size(), 2u);
  EXPECT_EQ((*second)[0].name, "abc");
}

TEST_F(LocalStoreTest, FsyncAndRegionOptions) {
  LocalStoreOptions options;
  options.root = dir_.path();
  options.fsync = true;
  options.region = "eu-local-1";
  std::unique_ptr<LocalStore> store = std::move(LocalStore::Open(options)).value();
  ASSERT_TRUE(store->Put("bkt", "synced/k", "durable").ok());
  EXPECT_EQ(ReadFile(PathOf("synced/k")), "durable");
  EXPECT_EQ(*store->GetBucketLocation("bkt"), "eu-local-1");
  EXPECT_EQ(store->GetBucketLocation("nobucket").status().code(), Code::kNotFound);
  options.root = dir_.Sub("missing-root");
  EXPECT_EQ(LocalStore::Open(options).status().code(), Code::kNotFound);
}

TEST_F(LocalStoreTest, ListSkipsEtagUnlessAsked) {
  ASSERT_TRUE(store_->Put("bkt", "k", "abc").ok());
  ListRequest req;
  req.fetch_etag = false;
  Result<store::ListPage> page = store_->List("bkt", req);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].etag, "");
  EXPECT_EQ(page->objects[0].storage_class, "STANDARD");
  EXPECT_EQ(store_->etag_cache_size(), 0u);
  Result<store::ObjectInfo> head = store_->Head("bkt", "k");
  EXPECT_EQ(head->etag, Md5Hex("abc"));
  EXPECT_EQ(head->encryption_status, "NOT-SSE");
  EXPECT_EQ(store_->etag_cache_size(), 1u);
}

// Rewrites a file in place (same inode) with same-size content and puts its
// mtime back, which is exactly what the ETag cache key cannot see.
void RewriteKeepingIdentity(const std::string& path, const std::string& data) {
  struct stat before;
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::futimens(fd, times), 0);
  ::close(fd);
}

TEST_F(LocalStoreTest, EtagCacheKeyIsInodeSizeAndMtime) {
  ASSERT_TRUE(store_->Put("bkt", "k", "aaaa").ok());
  EXPECT_EQ(store_->Head("bkt", "k")->etag, Md5Hex("aaaa"));
  RewriteKeepingIdentity(PathOf("k"), "bbbb");
  EXPECT_EQ(store_->Head("bkt", "k")->etag, Md5Hex("aaaa")) << "served from cache, not re-hashed";
  ASSERT_TRUE(store_->Put("bkt", "k", "cccc").ok());  // new inode via rename
  EXPECT_EQ(store_->Head("bkt", "k")->etag, Md5Hex("cccc"));
}

TEST_F(LocalStoreTest, PersistentEtagCacheSurvivesReopen) {
  std::string cache = dir_.Sub("etags.cache");
  store_ = OpenOrDie(dir_.path(), cache);
  ASSERT_TRUE(store_->Put("bkt", "k", "aaaa").ok());
  ListRequest req;
  req.fetch_etag = true;
  EXPECT_EQ(store_->List("bkt", req)->objects.at(0).etag, Md5Hex("aaaa"));
  RewriteKeepingIdentity(PathOf("k"), "bbbb");

  std::unique_ptr<LocalStore> reopened = OpenOrDie(dir_.path(), cache);
  EXPECT_EQ(reopened->etag_cache_size(), 1u);
  EXPECT_EQ(reopened->List("bkt", req)->objects.at(0).etag, Md5Hex("aaaa"));
  std::unique_ptr<LocalStore> no_cache = OpenOrDie(dir_.path());
  EXPECT_EQ(no_cache->Head("bkt", "k")->etag, Md5Hex("bbbb"));
}

TEST_F(LocalStoreTest, ManyFilesPageToTheSameByteOrderedListing) {
  std::vector<std::string> want;
  const char* names[] = {"a", "a-b", "a0", "b", "b.x", "c"};
  for (int i = 0; i < 10000; ++i) {
    std::string dir = std::string(names[i % 6]) + "/" + std::to_string(i % 37) + "/";
    std::string key = dir + names[(i / 6) % 6] + std::to_string(i);
    want.push_back(key);
    WriteFile(PathOf(key), "");
  }
  std::sort(want.begin(), want.end());
  ListRequest one_page;
  one_page.max_keys = 20000;
  one_page.fetch_etag = false;
  EXPECT_EQ(Keys(one_page), want);
  ListRequest paged;
  paged.max_keys = 997;
  paged.fetch_etag = false;
  EXPECT_EQ(Keys(paged), want);
  ListRequest from_middle = paged;
  from_middle.start_after = want[5000];
  EXPECT_EQ(Keys(from_middle), std::vector<std::string>(want.begin() + 5001, want.end()));
}

TEST_F(LocalStoreTest, TokenResumesWithoutTheCachedCursor) {
  for (std::string k : {"a/1", "a/2", "b", "c/d/e"}) ASSERT_TRUE(store_->Put("bkt", k, "").ok());
  LocalStoreOptions options;
  options.root = dir_.path();
  options.max_resumable_listings = 0;
  std::unique_ptr<LocalStore> uncached = std::move(LocalStore::Open(options)).value();
  ListRequest req;
  req.max_keys = 1;
  req.delimiter = "/";
  std::vector<std::string> seen;
  for (int round = 0; round < 10; ++round) {
    Result<store::ListPage> page = uncached->List("bkt", req);
    ASSERT_TRUE(page.ok());
    for (const auto& o : page->objects) seen.push_back(o.key);
    for (const auto& cp : page->common_prefixes) seen.push_back(cp);
    if (page->next_token.empty()) break;
    req.continuation_token = page->next_token;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a/", "b", "c/"}));
  req.continuation_token = "garbage";
  EXPECT_EQ(uncached->List("bkt", req).status().code(), Code::kInvalidArgument);
}

TEST_F(LocalStoreTest, ConcurrentWritersDeletersAndListersDoNotInterfere) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 150;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  std::mutex mu;
  std::vector<std::string> errors;
  auto check = [&](int t, const Status& st) {
    if (st.ok()) return;
    ++failures[t];
    std::lock_guard<std::mutex> lock(mu);
    if (errors.size() < 5) errors.push_back(st.ToString());
  };
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        // Shared folders: one thread's Delete prunes what another may be filling.
        std::string key = "shared/" + std::to_string(i % 3) + "/t" + std::to_string(t);
        check(t, store_->Put("bkt", key, "v"));
        check(t, store_->List("bkt", {}).status());
        check(t, store_->Delete("bkt", key));
      }
      check(t, store_->Put("bkt", "final/t" + std::to_string(t), "v"));
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(kThreads, 0)) << ::testing::PrintToString(errors);
  EXPECT_EQ(Keys(), (std::vector<std::string>{"final/t0", "final/t1", "final/t2", "final/t3"}));
}

}  // namespace
}  // namespace stocktake::testing
