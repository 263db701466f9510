#include "schedule/scheduler.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "base/time_util.h"
#include "store/local_store.h"
#include "store/store_wrapper.h"
#include "testing/temp_dir.h"

namespace stocktake::schedule {
namespace {

using config::Frequency;
using config::RunRecord;
using config::RunStatus;

constexpr char kStoreId[] = "local:test";
constexpr int64_t kWaitMs = 60000;

int64_t At(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return DaysFromCivil(y, m, d) * kDayMs + (hh * 60LL + mm) * 60000;
}

// Passes everything through; while armed, the first List blocks until
// Release() (so a test can hold a report in the middle of its listing).
class GateStore : public store::StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  void Arm() {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = true;
    entered_ = false;
    released_ = false;
  }
  void WaitEntered() {
    std::unique_lock<std::mutex> lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, std::chrono::seconds(60), [&] { return entered_; }));
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
  }
  Result<store::ListPage> List(std::string_view bucket, const store::ListRequest& request) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (armed_) {
        armed_ = false;
        entered_ = true;
        cv_.notify_all();
        cv_.wait(lock, [&] { return released_; });
      }
    }
    return StoreWrapper::List(bucket, request);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool armed_ = false, entered_ = false, released_ = false;
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::LocalStoreOptions options;
    options.root = dir_.Sub("root");
    std::filesystem::create_directories(options.root);
    auto local = store::LocalStore::Open(options);
    ASSERT_TRUE(local.ok()) << local.status().ToString();
    local_ = std::shared_ptr<store::ObjectStore>(std::move(local).value());
    gate_ = std::make_unique<GateStore>(local_);
    for (const char* bucket : {"src", "src2", "dst"}) ASSERT_TRUE(local_->CreateBucket(bucket).ok());
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(local_->Put("src", "obj/" + std::to_string(i), std::string(10 + i, 'x')).ok());
    }
    auto configs = config::ConfigStore::Open(dir_.Sub("state"), &clock_);
    ASSERT_TRUE(configs.ok()) << configs.status().ToString();
    configs_ = std::move(configs).value();
    auto runs = config::RunStore::Open(dir_.Sub("state"));
    ASSERT_TRUE(runs.ok()) << runs.status().ToString();
    runs_ = std::move(runs).value();
    options_.schedule.minutes_of_day = 2 * 60;
    options_.run_threads = 2;
  }

  void TearDown() override {
    if (scheduler_) scheduler_->Stop();
  }

  void Put(const std::string& bucket, const std::string& id, Frequency frequency,
           bool enabled = true) {
    config::InventoryConfig c;
    c.id = id;
    c.is_enabled = enabled;
    c.frequency = frequency;
    c.destination.SetBucket("arn:aws:s3:::dst");
    c.destination.prefix = "inv";
    c.optional_fields = {InventoryField::kSize};
    ASSERT_TRUE(configs_->Put(kStoreId, bucket, c, config::Profile::kS3).ok());
  }

  void StartScheduler() {
    ScheduledStore store;
    store.store = gate_.get();
    store.store_id = kStoreId;
    store.region = "eu-west-1";
    store.owner_account = "123456789012";
    executor_ = std::make_unique<RunExecutor>(
        std::vector<ScheduledStore>{store}, runs_.get(), &clock_,
        [this](const ReportDelivered& event) {
          std::lock_guard<std::mutex> lock(events_mu_);
          events_.push_back(event);
        });
    scheduler_ = std::make_unique<Scheduler>(executor_.get(), configs_.get(), runs_.get(), &clock_,
                                             options_);
    ASSERT_TRUE(scheduler_->Start().ok());
  }

  // Ticks at `now` and waits for the runs it queued; returns how many.
  int TickAt(int64_t now) {
    clock_.Set(now);
    Result<int> queued = scheduler_->Tick();
    EXPECT_TRUE(queued.ok()) << queued.status().ToString();
    EXPECT_TRUE(scheduler_->WaitIdle(kWaitMs));
    return queued.ok() ? *queued : -1;
  }

  std::vector<RunRecord> Runs(const std::string& bucket = "") {
    config::RunQuery query;
    query.bucket = bucket;
    query.limit = 100;
    Result<std::vector<RunRecord>> runs = runs_->List(query);
    EXPECT_TRUE(runs.ok()) << runs.status().ToString();
    return runs.ok() ? *runs : std::vector<RunRecord>{};
  }

  std::vector<std::string> DstKeys() {
    std::vector<std::string> keys;
    store::ListRequest req;
    Result<store::ListPage> page = local_->List("dst", req);
    EXPECT_TRUE(page.ok());
    if (page.ok()) {
      for (const auto& o : page->objects) keys.push_back(o.key);
    }
    return keys;
  }

  testing::TempDir dir_;
  FakeClock clock_{At(2026, 1, 4, 10, 0)};  // a Sunday
  std::shared_ptr<store::ObjectStore> local_;
  std::unique_ptr<GateStore> gate_;
  std::unique_ptr<config::ConfigStore> configs_;
  std::unique_ptr<config::RunStore> runs_;
  SchedulerOptions options_;
  std::unique_ptr<RunExecutor> executor_;
  std::unique_ptr<Scheduler> scheduler_;
  std::mutex events_mu_;
  std::vector<ReportDelivered> events_;
};

TEST_F(SchedulerTest, DailyRunsOnceAtEachSlot) {
  Put("src", "daily", Frequency::kDaily);  // at 10:00, after today's 02:00 slot
  StartScheduler();
  EXPECT_EQ(TickAt(At(2026, 1, 4, 12, 0)), 0);  // created after the latest slot
  EXPECT_EQ(TickAt(At(2026, 1, 5, 1, 59)), 0);
  EXPECT_EQ(TickAt(At(2026, 1, 5, 2, 0)), 1);
  EXPECT_EQ(TickAt(At(2026, 1, 5, 2, 1)), 0);
  EXPECT_EQ(TickAt(At(2026, 1, 5, 23, 0)), 0);
  EXPECT_EQ(TickAt(At(2026, 1, 6, 2, 0)), 1);
  std::vector<RunRecord> runs = Runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].slot_ms, At(2026, 1, 5, 2, 0));
  EXPECT_EQ(runs[0].slot_ms, At(2026, 1, 6, 2, 0));
  for (const RunRecord& run : runs) {
    EXPECT_EQ(run.status, RunStatus::kSucceeded) << run.error;
    EXPECT_EQ(run.trigger, config::RunTrigger::kSchedule);
    EXPECT_EQ(run.objects, 5);
    EXPECT_EQ(run.bytes, 10 + 11 + 12 + 13 + 14);
    EXPECT_NE(run.report_location.find("/dst/inv/src/daily/"), std::string::npos)
        << run.report_location;
  }
}

TEST_F(SchedulerTest, WeeklyRunsOnTheConfiguredWeekday) {
  options_.schedule.weekday = 3;  // Wednesday 2026-01-07
  Put("src", "weekly", Frequency::kWeekly);
  StartScheduler();
  EXPECT_EQ(TickAt(At(2026, 1, 5, 3, 0)), 0);
  EXPECT_EQ(TickAt(At(2026, 1, 6, 3, 0)), 0);
  EXPECT_EQ(TickAt(At(2026, 1, 7, 1, 59)), 0);
  EXPECT_EQ(TickAt(At(2026, 1, 7, 2, 0)), 1);
  EXPECT_EQ(TickAt(At(2026, 1, 8, 2, 0)), 0);
  EXPECT_EQ(TickAt(At(2026, 1, 13, 23, 0)), 0);
  EXPECT_EQ(TickAt(At(2026, 1, 14, 2, 0)), 1);
  std::vector<RunRecord> runs = Runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].slot_ms, At(2026, 1, 7, 2, 0));
  EXPECT_EQ(runs[0].slot_ms, At(2026, 1, 14, 2, 0));
}

TEST_F(SchedulerTest, JitteredRunWaitsForItsDelay) {
  options_.schedule.jitter_ms = 3600 * 1000;
  Put("src", "daily", Frequency::kDaily);
  StartScheduler();
  const int64_t jitter = JitterMs(std::string(kStoreId) + "\nsrc\ndaily", options_.schedule.jitter_ms);
  ASSERT_GT(jitter, 0);
  EXPECT_EQ(TickAt(At(2026, 1, 5, 2, 0) + jitter - 1), 0);
  EXPECT_EQ(TickAt(At(2026, 1, 5, 2, 0) + jitter), 1);
  ASSERT_EQ(Runs().size(), 1u);
  EXPECT_EQ(Runs()[0].slot_ms, At(2026, 1, 5, 2, 0) + jitter);
}

TEST_F(SchedulerTest, DisabledConfigurationsNeverRunOnSchedule) {
  Put("src", "off", Frequency::kDaily, /*enabled=*/false);
  StartScheduler();
  EXPECT_EQ(TickAt(At(2026, 1, 5, 2, 0)), 0);
  EXPECT_EQ(TickAt(At(2026, 1, 12, 2, 0)), 0);
  EXPECT_TRUE(Runs().empty());
  EXPECT_TRUE(DstKeys().empty());
}

TEST_F(SchedulerTest, MissedSlotsAreCaughtUpOnceAfterDowntime) {
  Put("src", "daily", Frequency::kDaily);
  Put("src2", "weekly", Frequency::kWeekly);  // Sundays 02:00
  StartScheduler();
  EXPECT_EQ(TickAt(At(2026, 1, 5, 2, 0)), 1);  // daily's first slot
  scheduler_->Stop();
  scheduler_.reset();
  // Down for 16 days: 16 daily slots and 2 weekly slots missed.
  StartScheduler();
  EXPECT_EQ(TickAt(At(2026, 1, 21, 12, 0)), 2);
  EXPECT_EQ(TickAt(At(2026, 1, 21, 12, 1)), 0);
  std::vector<RunRecord> daily = Runs("src");
  ASSERT_EQ(daily.size(), 2u);
  EXPECT_EQ(daily[0].slot_ms, At(2026, 1, 21, 2, 0));  // the latest slot, once
  std::vector<RunRecord> weekly = Runs("src2");
  ASSERT_EQ(weekly.size(), 1u);
  EXPECT_EQ(weekly[0].slot_ms, At(2026, 1, 18, 2, 0));
  EXPECT_EQ(weekly[0].status, RunStatus::kSucceeded) << weekly[0].error;
}

TEST_F(SchedulerTest, AConfigurationNeverRunsTwiceAtOnce) {
  Put("src", "daily", Frequency::kDaily);
  StartScheduler();
  clock_.Set(At(2026, 1, 5, 2, 0));
  gate_->Arm();
  Result<std::shared_ptr<RunTicket>> first = scheduler_->RunNow(kStoreId, "src", "daily");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  gate_->WaitEntered();
  Result<std::shared_ptr<RunTicket>> second = scheduler_->RunNow(kStoreId, "src", "daily");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->get(), second->get());  // joined the running one
  Result<int> ticked = scheduler_->Tick();  // its slot is due, but it is running
  ASSERT_TRUE(ticked.ok());
  EXPECT_EQ(*ticked, 0);
  EXPECT_EQ(scheduler_->Stats().running, 1);
  gate_->Release();
  std::optional<Result<RunRecord>> done = (*first)->Wait(kWaitMs);
  ASSERT_TRUE(done && done->ok());
  EXPECT_EQ((*done)->status, RunStatus::kSucceeded) << (*done)->error;
  ASSERT_TRUE(scheduler_->WaitIdle(kWaitMs));
  EXPECT_EQ(Runs().size(), 1u);
  // The slot it ran over was not a scheduled run, so the schedule still owes it.
  EXPECT_EQ(TickAt(At(2026, 1, 5, 2, 5)), 1);
}

TEST_F(SchedulerTest, RunNowOfAnUnknownConfigurationIsNotFound) {
  StartScheduler();
  EXPECT_EQ(scheduler_->RunNow(kStoreId, "src", "nope").status().code(), Code::kNotFound);
}

TEST_F(SchedulerTest, StopAbandonsTheRunningReport) {
  for (int i = 0; i < 1500; ++i) {  // two listing pages
    ASSERT_TRUE(local_->Put("src", "many/" + std::to_string(i), "x").ok());
  }
  Put("src", "daily", Frequency::kDaily);
  Put("src2", "daily", Frequency::kDaily);
  options_.run_threads = 1;
  StartScheduler();
  clock_.Set(At(2026, 1, 5, 2, 0));
  gate_->Arm();
  Result<std::shared_ptr<RunTicket>> running = scheduler_->RunNow(kStoreId, "src", "daily");
  ASSERT_TRUE(running.ok());
  gate_->WaitEntered();
  Result<std::shared_ptr<RunTicket>> queued = scheduler_->RunNow(kStoreId, "src2", "daily");
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(scheduler_->Stats().queued, 1);
  scheduler_->BeginStop();
  gate_->Release();
  scheduler_->Stop();

  std::optional<Result<RunRecord>> done = (*running)->Wait(kWaitMs);
  ASSERT_TRUE(done && done->ok());
  EXPECT_EQ((*done)->status, RunStatus::kCancelled);
  std::optional<Result<RunRecord>> dropped = (*queued)->Wait(kWaitMs);
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->status().code(), Code::kCancelled);
  std::vector<RunRecord> runs = Runs();
  ASSERT_EQ(runs.size(), 1u);  // the dropped run never began
  EXPECT_EQ(runs[0].status, RunStatus::kCancelled);
  EXPECT_EQ(runs[0].error, "report src/daily: cancelled");
  EXPECT_NE(runs[0].ended_at_ms, 0);
  EXPECT_TRUE(DstKeys().empty());  // no manifest, data files deleted
  EXPECT_TRUE(events_.empty());
  EXPECT_EQ(scheduler_->Stats().cancelled, 1);
  EXPECT_EQ(scheduler_->RunNow(kStoreId, "src", "daily").status().code(), Code::kCancelled);
}

TEST_F(SchedulerTest, DeliveredReportsAreAnnouncedOnce) {
  Put("src", "daily", Frequency::kDaily);
  StartScheduler();
  EXPECT_EQ(TickAt(At(2026, 1, 5, 2, 0)), 1);
  std::lock_guard<std::mutex> lock(events_mu_);
  ASSERT_EQ(events_.size(), 1u);
  const ReportDelivered& e = events_[0];
  EXPECT_EQ(e.store_id, kStoreId);
  EXPECT_EQ(e.bucket, "dst");
  EXPECT_EQ(e.region, "eu-west-1");
  EXPECT_EQ(e.account_id, "123456789012");
  EXPECT_EQ(e.source_bucket, "src");
  EXPECT_EQ(e.config_id, "daily");
  EXPECT_EQ(e.objects, 5);
  EXPECT_EQ(e.object_key, e.checksum_key);
  EXPECT_EQ(e.checksum_key, "inv/src/daily/2026-01-05T02-00Z/manifest.checksum");
  EXPECT_EQ(e.manifest_key, "inv/src/daily/2026-01-05T02-00Z/manifest.json");
  Result<std::string> checksum = local_->Get("dst", e.checksum_key);
  ASSERT_TRUE(checksum.ok());
  EXPECT_EQ(e.object_size, static_cast<int64_t>(checksum->size()));
  EXPECT_FALSE(e.object_etag.empty());
  EXPECT_EQ(e.event_time_ms, At(2026, 1, 5, 2, 0));
  std::vector<RunRecord> runs = Runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(e.run_id, runs[0].run_id);
  EXPECT_EQ(e.manifest_url, runs[0].report_location);
}

TEST_F(SchedulerTest, StatsCountRunsObjectsAndDurations) {
  Put("src", "daily", Frequency::kDaily);
  StartScheduler();
  EXPECT_EQ(TickAt(At(2026, 1, 5, 2, 0)), 1);
  RunStats stats = scheduler_->Stats();
  EXPECT_EQ(stats.succeeded, 1);
  EXPECT_EQ(stats.failed, 0);
  EXPECT_EQ(stats.objects, 5);
  EXPECT_EQ(stats.bytes, 60);
  EXPECT_EQ(stats.duration_count, 1);
  EXPECT_EQ(stats.duration_counts[0], 1);  // the FakeClock did not move: 0 s
  EXPECT_EQ(stats.queued, 0);
  EXPECT_EQ(stats.running, 0);
}

}  // namespace
}  // namespace stocktake::schedule
