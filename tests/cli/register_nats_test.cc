// `stocktake register --nats` as a process, killed with SIGKILL at random
// points while the events of `stocktake scan --notify-nats` flow (seeded,
// so a failure replays): after the last restart the central store holds
// exactly the objects, byte for byte, of a clean `register --once`, and
// every message is acked (a consumer started past the ack wait gets
// nothing). Local folders for the collectors; a real nats-server.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "cli/cli_test_util.h"
#include "testing/daemon.h"
#include "testing/nats_server.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace stocktake::cli_test {
namespace {

using testing::RunResult;

class RegisterNatsTest : public ::testing::Test {
 protected:
  std::string Coll() const { return dir_.Sub("coll"); }

  std::vector<std::string> RegisterArgs(const std::string& central) const {
    return {"register",
            "--central",
            central,
            "--collector",
            "eu-west-1=" + Coll() + "/coll-eu",
            "--collector",
            "us-east-1=" + Coll() + "/coll-us"};
  }

  std::unique_ptr<testing::Daemon> StartConsumer(const std::string& central) {
    std::vector<std::string> args = {"--state", dir_.Sub("state")};
    for (const std::string& a : RegisterArgs(central)) args.push_back(a);
    for (const std::string& a :
         {std::string("--nats"), nats_->url(), std::string("--nats-ack-wait"), std::string("1"),
          std::string("--interval"), std::string("3600"), std::string("--listen"),
          std::string("127.0.0.1:0")}) {
      args.push_back(a);
    }
    return testing::Daemon::Start(args, dir_.path());
  }

  // A report of bucket n into its collector, announced on NATS. --local
  // makes the event name the collector bucket (coll-eu/coll-us).
  void Scan(int n) {
    const std::string bucket = "src-" + std::to_string(n);
    for (int i = 0; i < 50 + 10 * n; ++i) {
      testing::WriteFile(dir_.Sub("estate/" + bucket + "/k/" + std::to_string(i)),
                         std::string(i % 7 + n, 'z'));
    }
    const std::string collector = n % 2 ? "coll-eu" : "coll-us";
    const std::string account = n % 3 ? "111111111111" : "222222222222";
    RunResult scan =
        Stocktake(dir_.Sub("scan-state"),
                  {"scan", "--local", Coll(), dir_.Sub("estate/" + bucket), "--dest",
                   Coll() + "/" + collector + "/" + account, "--id", "inventory", "--format",
                   n % 2 ? "parquet" : "csv", "--fields", "Size,ETag", "--notify-nats",
                   nats_->url(), "--notify-nats-subject", "inventory.reports"});
    ASSERT_EQ(scan.exit_code, 0) << scan.err;
  }

  std::map<std::string, std::string> Objects(const std::string& central) {
    std::map<std::string, std::string> out;
    if (!std::filesystem::exists(central)) return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(central)) {
      if (!e.is_regular_file()) continue;
      if (e.path().filename().string().rfind(".stocktake-tmp-", 0) == 0) continue;
      out[e.path().string().substr(central.size() + 1)] = testing::ReadFile(e.path().string());
    }
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::NatsServer> nats_;
};

TEST_F(RegisterNatsTest, KilledConsumerRestartsFromItsLastAckAndRegistersEachReportOnce) {
  nats_ = testing::NatsServer::Start();
  ASSERT_NE(nats_, nullptr);
  std::filesystem::create_directories(Coll() + "/coll-eu");
  std::filesystem::create_directories(Coll() + "/coll-us");
  const std::string central = dir_.Sub("central");
  constexpr int kReports = 6;
  std::mt19937 rng(7);

  // The first consumer creates the stream, then dies during the scans.
  std::unique_ptr<testing::Daemon> consumer = StartConsumer(central);
  ASSERT_NE(consumer, nullptr);
  const int kill_after = static_cast<int>(rng() % kReports);
  for (int n = 0; n < kReports; ++n) {
    Scan(n);
    if (n == kill_after) ::kill(consumer->pid(), SIGKILL);
  }
  EXPECT_EQ(consumer->Stop(), 128 + SIGKILL);
  // Restarted and killed again at random points.
  for (int round = 0; round < 3; ++round) {
    consumer = StartConsumer(central);
    ASSERT_NE(consumer, nullptr);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
    ::kill(consumer->pid(), SIGKILL);
    consumer->Stop();
  }
  // The last one runs until every report is in and every message settled
  // (past the ack wait of what the killed ones held).
  consumer = StartConsumer(central);
  ASSERT_NE(consumer, nullptr);
  size_t parts = 0;
  for (int attempt = 0; attempt < 120 && parts < kReports; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    parts = Objects(central).size();
  }
  ASSERT_EQ(parts, static_cast<size_t>(kReports)) << consumer->Log();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(consumer->Stop(), 0) << consumer->Log();

  // Byte for byte what a clean run gives.
  const std::string clean = dir_.Sub("central-clean");
  std::vector<std::string> once = RegisterArgs(clean);
  once.push_back("--once");
  RunResult clean_run = Stocktake(dir_.Sub("state-clean"), once);
  ASSERT_EQ(clean_run.exit_code, 0) << clean_run.err;
  EXPECT_EQ(Objects(central), Objects(clean));

  // Every message acked: a consumer past the ack wait handles no event.
  consumer = StartConsumer(central);
  ASSERT_NE(consumer, nullptr);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(consumer->Stop(), 0);
  EXPECT_EQ(consumer->Log().find("event s3://"), std::string::npos) << consumer->Log();
  Result<uint64_t> published = nats_->StreamMessageCount("INVENTORY");
  ASSERT_TRUE(published.ok());
  EXPECT_EQ(*published, static_cast<uint64_t>(kReports));
}

}  // namespace
}  // namespace stocktake::cli_test
