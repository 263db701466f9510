// RegisterService's delivery queue, in process: the daemon's report hook
// (OnReportDelivered) only queues, a thread of the service ingests, the
// queue is bounded, and what is left at a stop is logged for the next
// reconciliation. Reports are made by the built binary's `scan`.
#include "cli/register_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "cli/cli_test_util.h"
#include "testing/temp_dir.h"

namespace stocktake::cli_test {
namespace {

constexpr char kAccount[] = "111122223333";

class RegisterServiceTest : public ::testing::Test {
 protected:
  std::string Root() const { return dir_.Sub("estate"); }
  std::string Collector() const { return Root() + "/collector"; }
  std::string Central() const { return dir_.Sub("central"); }

  void SetUp() override {
    std::filesystem::create_directories(Collector());
    std::filesystem::create_directories(dir_.Sub("state"));
    settings_.central = Central();
    settings_.collectors = {"eu-west-1=" + Collector()};
    settings_.interval_seconds = 3600;  // only the start-up reconciliation
  }

  // Scans a new bucket of `count` objects into the collector; returns the
  // report's manifest.checksum key, relative to the collector bucket.
  std::string MakeReport(const std::string& bucket, int count) {
    for (int i = 0; i < count; ++i) {
      testing::WriteFile(Root() + "/" + bucket + "/f" + std::to_string(i), "x");
    }
    testing::RunResult r =
        Stocktake(dir_.Sub("scan-state"), {"scan", Root() + "/" + bucket, "--dest",
                                           Collector() + "/" + kAccount, "--id", "inventory",
                                           "--fields", "Size"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const auto& e : std::filesystem::recursive_directory_iterator(Collector())) {
      std::string path = e.path().string();
      if (path.ends_with("/manifest.checksum") &&
          path.find("/" + bucket + "/inventory/") != std::string::npos) {
        return path.substr(Collector().size() + 1);
      }
    }
    ADD_FAILURE() << "no report of " << bucket;
    return "";
  }

  schedule::ReportDelivered Delivered(const std::string& key) const {
    schedule::ReportDelivered report;
    report.bucket = "collector";
    report.region = "eu-west-1";
    report.object_key = key;
    return report;
  }

  size_t Parts() const {
    size_t parts = 0;
    if (!std::filesystem::exists(Central())) return 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(Central())) {
      if (e.is_regular_file() && e.path().extension() == ".parquet") ++parts;
    }
    return parts;
  }

  // The log lines so far containing `part`.
  size_t Logged(const std::string& part) {
    std::lock_guard<std::mutex> lock(log_mu_);
    size_t n = 0;
    for (const std::string& line : log_) n += line.find(part) != std::string::npos;
    return n;
  }

  reg::LogFn LogFn() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_.push_back(line);
    };
  }

  // Polls `done` every 20 ms for up to 30 s.
  template <typename Pred>
  bool WaitFor(Pred done) {
    for (int i = 0; i < 1500; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
  }

  testing::TempDir dir_;
  cli::RegisterSettings settings_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(RegisterServiceTest, DeliveredReportsAreQueuedAndIngestedOnTheServicesThread) {
  Result<std::unique_ptr<cli::RegisterService>> opened =
      cli::RegisterService::Open(settings_, dir_.Sub("state"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  cli::RegisterService& service = **opened;
  ASSERT_TRUE(service.Start(LogFn()).ok());
  ASSERT_TRUE(WaitFor([&] { return Logged("reconciled:") == 1; }));

  const std::string key_a = MakeReport("alpha", 3);
  const std::string key_b = MakeReport("beta", 2);
  service.OnReportDelivered(Delivered(key_a));
  service.OnReportDelivered(Delivered(key_b));
  service.OnReportDelivered(Delivered(key_a));  // the same report again: registered once
  ASSERT_TRUE(WaitFor([&] { return Logged("delivered report") == 3; }));
  EXPECT_EQ(service.QueuedDeliveries(), 0u);
  EXPECT_EQ(Logged(key_a + ": registered"), 1u);
  EXPECT_EQ(Logged(key_b + ": registered"), 1u);
  EXPECT_EQ(Logged(key_a + ": already known"), 1u);
  EXPECT_EQ(Parts(), 2u);

  service.Stop();
  service.OnReportDelivered(Delivered(key_b));
  EXPECT_EQ(Logged(key_b + ": stopping (the next reconciliation registers it)"), 1u);
}

TEST_F(RegisterServiceTest, QueueIsBoundedAndWhatIsLeftAtStopIsLogged) {
  const std::string key = MakeReport("alpha", 1);
  Result<std::unique_ptr<cli::RegisterService>> opened =
      cli::RegisterService::Open(settings_, dir_.Sub("state"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  cli::RegisterService& service = **opened;
  // Before Start() nothing takes from the queue.
  const size_t max = cli::RegisterService::kMaxQueuedDeliveries;
  for (size_t i = 0; i < max + 5; ++i) service.OnReportDelivered(Delivered(key));
  EXPECT_EQ(service.QueuedDeliveries(), max);
  service.Stop();
  // Stopped before it started: the queue stays, and the report is still in
  // its collector for the next reconciliation.
  EXPECT_EQ(service.QueuedDeliveries(), max);
  EXPECT_EQ(Parts(), 0u);

  Result<std::unique_ptr<cli::RegisterService>> again =
      cli::RegisterService::Open(settings_, dir_.Sub("state"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE((*again)->Start(LogFn()).ok());
  ASSERT_TRUE(WaitFor([&] { return Logged("reconciled: 1 registered") == 1; }));
  for (size_t i = 0; i < max + 5; ++i) (*again)->OnReportDelivered(Delivered(key));
  (*again)->Stop();
  // Every delivery is accounted for: ingested (a no-op, the content is
  // known), refused because the queue was full, or left queued at the stop.
  size_t left = 0;
  {
    std::lock_guard<std::mutex> lock(log_mu_);
    for (const std::string& line : log_) {
      if (line.find(" delivered reports left to the next reconciliation at stop") !=
          std::string::npos) {
        left = std::stoul(line);
      }
    }
  }
  EXPECT_EQ(Logged(key + ": already known") + Logged("delivery queue full") + left, max + 5);
  EXPECT_EQ(Logged(": stopping"), 0u);
  EXPECT_EQ(Parts(), 1u);
}

}  // namespace
}  // namespace stocktake::cli_test
