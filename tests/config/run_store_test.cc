#include "config/run_store.h"

#include <gtest/gtest.h>

#include "config/config_store.h"
#include "testing/temp_dir.h"

namespace stocktake::config {
namespace {

class RunStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = RunStore::Open(dir_.Sub("state"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  int64_t Begin(const std::string& bucket, const std::string& id, RunTrigger trigger,
                int64_t slot) {
    RunRecord run;
    run.store_id = "local:/r";
    run.bucket = bucket;
    run.config_id = id;
    run.trigger = trigger;
    run.slot_ms = slot;
    run.started_at_ms = slot + 5;
    Result<int64_t> id_or = store_->Begin(run);
    EXPECT_TRUE(id_or.ok()) << id_or.status().ToString();
    return id_or.ok() ? *id_or : -1;
  }

  testing::TempDir dir_;
  std::unique_ptr<RunStore> store_;
};

TEST_F(RunStoreTest, RecordsARunFromStartToEnd) {
  const int64_t id = Begin("photos", "daily", RunTrigger::kSchedule, 1000);
  Result<std::vector<RunRecord>> runs = store_->List({});
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].status, RunStatus::kRunning);
  EXPECT_EQ((*runs)[0].ended_at_ms, 0);

  RunRecord done = (*runs)[0];
  done.ended_at_ms = 9000;
  done.status = RunStatus::kSucceeded;
  done.objects = 42;
  done.bytes = 4200;
  done.report_location = "s3://dst/inv/photos/daily/x/manifest.json";
  ASSERT_TRUE(store_->Finish(done).ok());
  runs = store_->List({});
  ASSERT_TRUE(runs.ok());
  const RunRecord& got = (*runs)[0];
  EXPECT_EQ(got.run_id, id);
  EXPECT_EQ(got.store_id, "local:/r");
  EXPECT_EQ(got.bucket, "photos");
  EXPECT_EQ(got.config_id, "daily");
  EXPECT_EQ(got.trigger, RunTrigger::kSchedule);
  EXPECT_EQ(got.slot_ms, 1000);
  EXPECT_EQ(got.started_at_ms, 1005);
  EXPECT_EQ(got.ended_at_ms, 9000);
  EXPECT_EQ(got.status, RunStatus::kSucceeded);
  EXPECT_EQ(got.objects, 42);
  EXPECT_EQ(got.bytes, 4200);
  EXPECT_EQ(got.report_location, "s3://dst/inv/photos/daily/x/manifest.json");

  RunRecord missing;
  missing.run_id = 999;
  EXPECT_EQ(store_->Finish(missing).code(), Code::kNotFound);
}

TEST_F(RunStoreTest, ListsNewestFirstAndFilters) {
  Begin("a", "x", RunTrigger::kSchedule, 1);
  Begin("b", "x", RunTrigger::kRemote, 2);
  Begin("a", "y", RunTrigger::kSchedule, 3);
  Begin("a", "x", RunTrigger::kRemote, 4);
  RunQuery query;
  Result<std::vector<RunRecord>> all = store_->List(query);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].slot_ms, 4);
  EXPECT_EQ((*all)[3].slot_ms, 1);
  query.bucket = "a";
  EXPECT_EQ(store_->List(query)->size(), 3u);
  query.config_id = "x";
  EXPECT_EQ(store_->List(query)->size(), 2u);
  query.limit = 1;
  ASSERT_EQ(store_->List(query)->size(), 1u);
  EXPECT_EQ((*store_->List(query))[0].trigger, RunTrigger::kRemote);
}

TEST_F(RunStoreTest, LastScheduledSlotIgnoresRemoteRuns) {
  EXPECT_FALSE(*store_->LastScheduledSlot("local:/r", "a", "x"));
  Begin("a", "x", RunTrigger::kSchedule, 100);
  Begin("a", "x", RunTrigger::kSchedule, 300);
  Begin("a", "x", RunTrigger::kRemote, 500);
  Begin("a", "y", RunTrigger::kSchedule, 700);
  Result<std::optional<int64_t>> last = store_->LastScheduledSlot("local:/r", "a", "x");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, 300);
  EXPECT_FALSE(*store_->LastScheduledSlot("local:/other", "a", "x"));
}

TEST_F(RunStoreTest, RunsLeftRunningByADeadDaemonAreClosed) {
  Begin("a", "x", RunTrigger::kSchedule, 1);
  const int64_t second = Begin("a", "y", RunTrigger::kSchedule, 2);
  RunRecord done;
  done.run_id = second;
  done.ended_at_ms = 10;
  done.status = RunStatus::kSucceeded;
  ASSERT_TRUE(store_->Finish(done).ok());
  Result<int> closed = store_->AbandonRunning(50, "daemon stopped during the run");
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(*closed, 1);
  RunQuery query;
  query.config_id = "x";
  const RunRecord run = (*store_->List(query))[0];
  EXPECT_EQ(run.status, RunStatus::kFailed);
  EXPECT_EQ(run.ended_at_ms, 50);
  EXPECT_EQ(run.error, "daemon stopped during the run");
}

TEST_F(RunStoreTest, SharesTheDatabaseWithTheConfigStore) {
  FakeClock clock(1);
  auto configs = ConfigStore::Open(dir_.Sub("state"), &clock);
  ASSERT_TRUE(configs.ok()) << configs.status().ToString();
  Begin("a", "x", RunTrigger::kSchedule, 1);
  auto again = RunStore::Open(dir_.Sub("state"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->List({})->size(), 1u);
}

}  // namespace
}  // namespace stocktake::config
