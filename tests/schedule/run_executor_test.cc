// RunExecutor against the real S3 server (Ceph RGW): a scheduled or remote
// run of an S3 store lists in parallel by default, like `scan` and `run`,
// and sequentially when its store asks for one listing call at a time.
#include "schedule/run_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/s3_store.h"
#include "store/store_wrapper.h"
#include "testing/s3_server.h"
#include "testing/temp_dir.h"

namespace stocktake::schedule {
namespace {

constexpr char kStoreId[] = "s3:test";

// Counts the listing calls that start after a key or group keys by a
// delimiter: only a parallel listing makes them (its split ranges, its
// discovery of common prefixes); a sequential one pages by token alone.
class ProbeCountingStore : public store::StoreWrapper {
 public:
  using StoreWrapper::StoreWrapper;
  Result<store::ListPage> List(std::string_view bucket,
                               const store::ListRequest& request) override {
    ++lists_;
    if (!request.start_after.empty() || !request.delimiter.empty()) ++probes_;
    return StoreWrapper::List(bucket, request);
  }
  int lists() const { return lists_; }
  int probes() const { return probes_; }
  void Reset() { lists_ = probes_ = 0; }

 private:
  std::atomic<int> lists_{0};
  std::atomic<int> probes_{0};
};

class RunExecutorS3Test : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<testing::S3TestServer*> server = testing::S3TestServer::Get();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    auto s3 = store::S3Store::Open((*server)->StoreOptions());
    ASSERT_TRUE(s3.ok()) << s3.status().ToString();
    s3_ = std::shared_ptr<store::ObjectStore>(std::move(s3).value());
    probe_ = std::make_unique<ProbeCountingStore>(s3_);
    src_ = testing::S3TestServer::UniqueBucket("exec-src");
    dst_ = testing::S3TestServer::UniqueBucket("exec-dst");
    ASSERT_TRUE(s3_->CreateBucket(src_).ok());
    ASSERT_TRUE(s3_->CreateBucket(dst_).ok());
    auto runs = config::RunStore::Open(dir_.Sub("state"));
    ASSERT_TRUE(runs.ok()) << runs.status().ToString();
    runs_ = std::move(runs).value();
  }

  void PutObjects(int count) {
    std::atomic<int> next{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < 8; ++t) {
      writers.emplace_back([&] {
        for (int i = next++; i < count; i = next++) {
          Status st = s3_->Put(src_, "k/" + std::to_string(i * 7919 % 100003), "x");
          EXPECT_TRUE(st.ok()) << st.ToString();
        }
      });
    }
    for (std::thread& t : writers) t.join();
  }

  // Runs configuration "daily" (CSV, Size) of src_ once with a store that
  // lists with `list_concurrency`; returns the run's record.
  config::RunRecord RunOnce(int list_concurrency) {
    ScheduledStore store;
    store.store = probe_.get();
    store.store_id = kStoreId;
    store.region = "us-east-1";
    store.owner_account = "123456789012";
    store.list_concurrency = list_concurrency;
    RunExecutor executor({store}, runs_.get(), Clock::Real(), {});
    RunRequest request;
    request.store_id = kStoreId;
    request.config.bucket = src_;
    request.config.config.id = "daily";
    request.config.config.destination.SetBucket("arn:aws:s3:::" + dst_);
    request.config.config.optional_fields = {InventoryField::kSize};
    request.trigger = config::RunTrigger::kRemote;
    Result<config::RunRecord> run = executor.Execute(request, nullptr);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : config::RunRecord{};
  }

  testing::TempDir dir_;
  std::shared_ptr<store::ObjectStore> s3_;
  std::unique_ptr<ProbeCountingStore> probe_;
  std::unique_ptr<config::RunStore> runs_;
  std::string src_, dst_;
};

TEST_F(RunExecutorS3Test, S3RunsListInParallelByDefaultAndSequentiallyWhenAsked) {
  PutObjects(1500);  // two pages of 1,000

  config::RunRecord parallel = RunOnce(/*list_concurrency=*/0);
  EXPECT_EQ(parallel.status, config::RunStatus::kSucceeded) << parallel.error;
  EXPECT_EQ(parallel.objects, 1500);
  EXPECT_GT(probe_->probes(), 0) << "the default listing of an S3 store did not split its range";

  probe_->Reset();
  config::RunRecord sequential = RunOnce(/*list_concurrency=*/1);
  EXPECT_EQ(sequential.status, config::RunStatus::kSucceeded) << sequential.error;
  EXPECT_EQ(sequential.objects, 1500);
  EXPECT_EQ(probe_->probes(), 0);
  EXPECT_EQ(probe_->lists(), 2);
}

}  // namespace
}  // namespace stocktake::schedule
