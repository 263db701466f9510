#include "config/config_store.h"

#include <atomic>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "config/config_error.h"
#include "testing/temp_dir.h"

namespace stocktake::config {
namespace {

constexpr std::string_view kStore = "local:/data/root";

InventoryConfig S3Config(const std::string& id, std::optional<std::string> prefix = {}) {
  InventoryConfig c;
  c.id = id;
  c.filter_prefix = std::move(prefix);
  c.destination.SetBucket("arn:aws:s3:::dest");
  c.optional_fields = {InventoryField::kSize, InventoryField::kETag};
  return c;
}

InventoryConfig ObsConfig(const std::string& id, std::optional<std::string> prefix) {
  InventoryConfig c;
  c.id = id;
  c.filter_prefix = std::move(prefix);
  c.destination.SetBucket("dest");
  return c;
}

class ConfigStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<ConfigStore> OpenStore() {
    Result<std::unique_ptr<ConfigStore>> store = ConfigStore::Open(dir_.Sub("state"), &clock_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  testing::TempDir dir_;
  FakeClock clock_{1700000000000};
};

TEST_F(ConfigStoreTest, PutGetReplaceDelete) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Put(kStore, "src", S3Config("r1", "logs/"), Profile::kS3).ok());
  Result<StoredConfig> got = store->Get(kStore, "src", "r1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->config, S3Config("r1", "logs/"));
  EXPECT_EQ(got->bucket, "src");
  EXPECT_EQ(got->profile, Profile::kS3);
  EXPECT_EQ(got->updated_at_ms, 1700000000000);

  clock_.Advance(5000);
  InventoryConfig replaced = S3Config("r1");
  replaced.is_enabled = false;
  ASSERT_TRUE(store->Put(kStore, "src", replaced, Profile::kS3).ok());
  got = store->Get(kStore, "src", "r1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->config, replaced);
  EXPECT_EQ(got->updated_at_ms, 1700000005000);

  ASSERT_TRUE(store->Delete(kStore, "src", "r1").ok());
  Result<StoredConfig> gone = store->Get(kStore, "src", "r1");
  EXPECT_EQ(gone.status().code(), Code::kNotFound);
  EXPECT_EQ(gone.status().message(), "no inventory configuration 'r1' on bucket 'src'");
  Status again = store->Delete(kStore, "src", "r1");
  EXPECT_EQ(again.code(), Code::kNotFound);
  EXPECT_EQ(again.message(), "no inventory configuration 'r1' on bucket 'src'");
}

TEST_F(ConfigStoreTest, PutValidatesTheConfig) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  InventoryConfig bad = S3Config("r1");
  bad.destination.account_id = "42";
  Status st = store->Put(kStore, "src", bad, Profile::kS3);
  EXPECT_EQ(S3ErrorCodeOf(st), S3ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "put inventory configuration 'r1' on bucket 'src': InvalidArgument: Destination "
            "AccountId '42' must be 12 digits");
  EXPECT_EQ(store->Get(kStore, "src", "r1").status().code(), Code::kNotFound);
}

TEST_F(ConfigStoreTest, StoresAndBucketsDoNotMix) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Put(kStore, "a", S3Config("x"), Profile::kS3).ok());
  ASSERT_TRUE(store->Put("s3:http://127.0.0.1:9000", "a", S3Config("y"), Profile::kS3).ok());
  ASSERT_TRUE(store->Put(kStore, "b", S3Config("z"), Profile::kS3).ok());
  EXPECT_EQ(store->Get(kStore, "a", "y").status().code(), Code::kNotFound);
  EXPECT_EQ(store->Get(kStore, "b", "x").status().code(), Code::kNotFound);
  Result<std::vector<StoredConfig>> all = store->ListAll(kStore);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].bucket, "a");
  EXPECT_EQ((*all)[0].config.id, "x");
  EXPECT_EQ((*all)[1].bucket, "b");
  EXPECT_EQ((*all)[1].config.id, "z");
}

TEST_F(ConfigStoreTest, ListPagesInIdOrder) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  for (std::string id : {"d", "a", "e", "c", "b"}) {
    ASSERT_TRUE(store->Put(kStore, "src", S3Config(id), Profile::kS3).ok());
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  for (; pages < 10; ++pages) {
    Result<ConfigPage> page = store->List(kStore, "src", token, 2);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    EXPECT_LE(page->configs.size(), 2u);
    for (const StoredConfig& c : page->configs) seen.push_back(c.config.id);
    token = page->next_token;
    if (token.empty()) break;
    EXPECT_EQ(token, page->configs.back().config.id);
  }
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d", "e"}));

  Result<ConfigPage> exact = store->List(kStore, "src", "", 5);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->configs.size(), 5u);
  EXPECT_TRUE(exact->next_token.empty());
  Result<ConfigPage> empty = store->List(kStore, "other", "");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->configs.empty());
  EXPECT_EQ(store->List(kStore, "src", "", 0).status().code(), Code::kInvalidArgument);
}

TEST_F(ConfigStoreTest, EnforcesTheS3LimitOfAThousand) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(store->Put(kStore, "src", S3Config("c" + std::to_string(i)), Profile::kS3).ok());
  }
  Status st = store->Put(kStore, "src", S3Config("one-more"), Profile::kS3);
  EXPECT_EQ(S3ErrorCodeOf(st), S3ErrorCode::kTooManyConfigurations) << st.ToString();
  EXPECT_TRUE(store->Put(kStore, "src", S3Config("c7", "new/"), Profile::kS3).ok());
  EXPECT_TRUE(store->Put(kStore, "other", S3Config("one-more"), Profile::kS3).ok());
  Result<ConfigPage> page = store->List(kStore, "src");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->configs.size(), 100u);
  EXPECT_FALSE(page->next_token.empty());
}

TEST_F(ConfigStoreTest, EnforcesObsPrefixRules) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Put(kStore, "src", ObsConfig("a", "logs/"), Profile::kObs).ok());
  Status st = store->Put(kStore, "src", ObsConfig("b", "logs/2024/"), Profile::kObs);
  EXPECT_EQ(S3ErrorCodeOf(st), S3ErrorCode::kPrefixExistInclusionRelationship);
  st = store->Put(kStore, "src", ObsConfig("b", std::nullopt), Profile::kObs);
  EXPECT_EQ(S3ErrorCodeOf(st), S3ErrorCode::kPrefixExistInclusionRelationship);
  EXPECT_TRUE(store->Put(kStore, "src", ObsConfig("a", std::nullopt), Profile::kObs).ok());
  Result<StoredConfig> got = store->Get(kStore, "src", "a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->config, ObsConfig("a", std::nullopt));
  EXPECT_EQ(got->profile, Profile::kObs);
}

TEST_F(ConfigStoreTest, PersistsAcrossReopen) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Put(kStore, "src", S3Config("r1", ""), Profile::kS3).ok());
  }
  auto store = OpenStore();
  ASSERT_TRUE(store);
  Result<StoredConfig> got = store->Get(kStore, "src", "r1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->config, S3Config("r1", ""));
}

TEST_F(ConfigStoreTest, RefusesANewerSchema) {
  { ASSERT_TRUE(OpenStore()); }
  std::string path = dir_.Sub("state/stocktake.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  Result<std::unique_ptr<ConfigStore>> store = ConfigStore::Open(dir_.Sub("state"), &clock_);
  EXPECT_EQ(store.status().code(), Code::kFailedPrecondition);
}

TEST_F(ConfigStoreTest, ConcurrentPutsRespectTheLimit) {
  constexpr int kThreads = 4;
  constexpr int kPutsPerThread = 6;
  std::vector<std::unique_ptr<ConfigStore>> stores;  // one connection each, as separate processes
  for (int t = 0; t < kThreads; ++t) {
    stores.push_back(OpenStore());
    ASSERT_TRUE(stores.back());
  }
  std::atomic<int> accepted{0};
  std::atomic<int> over_limit{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPutsPerThread; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        Status st = stores[t]->Put(kStore, "src", ObsConfig(id, id + "/"), Profile::kObs);
        if (st.ok()) {
          ++accepted;
        } else if (S3ErrorCodeOf(st) == S3ErrorCode::kInventoryCountOverLimit) {
          ++over_limit;
        } else {
          ++other;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(accepted.load(), 10);
  EXPECT_EQ(over_limit.load(), kThreads * kPutsPerThread - 10);
  EXPECT_EQ(other.load(), 0);
  Result<ConfigPage> page = stores[0]->List(kStore, "src");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->configs.size(), 10u);
}

TEST(DefaultStateDirTest, FollowsTheEnvironment) {
  auto get = [](const char* name) {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  auto restore = [](const char* name, const std::optional<std::string>& v) {
    if (v) {
      setenv(name, v->c_str(), 1);
    } else {
      unsetenv(name);
    }
  };
  std::optional<std::string> state = get("STOCKTAKE_STATE"), xdg = get("XDG_STATE_HOME"),
                             home = get("HOME");
  setenv("STOCKTAKE_STATE", "/s", 1);
  setenv("XDG_STATE_HOME", "/x", 1);
  setenv("HOME", "/h", 1);
  EXPECT_EQ(*DefaultStateDir(), "/s");
  unsetenv("STOCKTAKE_STATE");
  EXPECT_EQ(*DefaultStateDir(), "/x/stocktake");
  unsetenv("XDG_STATE_HOME");
  EXPECT_EQ(*DefaultStateDir(), "/h/.local/state/stocktake");
  unsetenv("HOME");
  EXPECT_EQ(DefaultStateDir().status().code(), Code::kInvalidArgument);
  restore("STOCKTAKE_STATE", state);
  restore("XDG_STATE_HOME", xdg);
  restore("HOME", home);
}

}  // namespace
}  // namespace stocktake::config
