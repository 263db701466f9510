// Chaos test of the register (issue 7): events dropped, duplicated and
// reordered, racing the start-up reconciliation, and the consumer killed
// with SIGKILL at a random point, 20 times; after one `register --once`
// each time the central store holds exactly the objects, byte for byte,
// of a clean run. Seeds are fixed, so a failure replays.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "cli/cli_test_util.h"
#include "testing/daemon.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace stocktake::cli_test {
namespace {

using testing::RunResult;

class RegisterChaosTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int n = 0;
    for (const char* collector : {"coll-eu", "coll-us"}) {
      for (const char* account : {"111111111111", "222222222222"}) {
        for (int b = 0; b < 2; ++b, ++n) {
          const std::string bucket = "src-" + std::to_string(n);
          for (int i = 0; i < 200 + n * 40; ++i) {
            testing::WriteFile(dir_.Sub("estate/" + bucket + "/k/" + std::to_string(i)),
                               std::string(i % 13 + n, 'z'));
          }
          std::filesystem::create_directories(dir_.Sub(collector));
          RunResult scan = Stocktake(
              dir_.Sub("scan-state"),
              {"scan", dir_.Sub("estate/" + bucket), "--dest",
               dir_.Sub(collector) + "/" + account, "--id", "inventory", "--format",
               n % 2 ? "parquet" : "csv", "--fields", "Size,LastModifiedDate,ETag"});
          ASSERT_EQ(scan.exit_code, 0) << scan.err;
        }
      }
    }
    for (const char* collector : {"coll-eu", "coll-us"}) {
      const std::string base = dir_.Sub(collector);
      for (const auto& e : std::filesystem::recursive_directory_iterator(base)) {
        if (e.path().filename() == "manifest.checksum") {
          events_.push_back({collector, e.path().string().substr(base.size() + 1)});
        }
      }
    }
    ASSERT_EQ(events_.size(), 8u);
  }

  std::vector<std::string> RegisterArgs(const std::string& central) {
    return {"register", "--central", central, "--collector", "eu-west-1=" + dir_.Sub("coll-eu"),
            "--collector", "us-east-1=" + dir_.Sub("coll-us")};
  }

  // What the central store holds (temp files of interrupted writes are not
  // objects): path below the central folder -> bytes.
  std::map<std::string, std::string> Objects(const std::string& central) {
    std::map<std::string, std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(central)) {
      if (!e.is_regular_file()) continue;
      if (e.path().filename().string().rfind(".stocktake-tmp-", 0) == 0) continue;
      out[e.path().string().substr(central.size() + 1)] = testing::ReadFile(e.path().string());
    }
    return out;
  }

  void PostEvent(const std::string& url, const std::pair<std::string, std::string>& event) {
    const std::string body =
        R"({"Records":[{"eventVersion":"2.1","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":")" +
        event.first + R"("},"object":{"key":")" + event.second + R"("}}}]})";
    testing::RunOptions options;
    options.stdin_data = body;
    options.timeout_seconds = 60;
    testing::RunProgram({"curl", "-sS", "-o", "/dev/null", "-X", "POST", "--data-binary", "@-",
                         url + "/"},
                        options);
  }

  testing::TempDir dir_;
  std::vector<std::pair<std::string, std::string>> events_;  // collector folder, key
};

TEST_F(RegisterChaosTest, KilledConsumerAndBadEventsEndInTheCleanCentralStore) {
  const std::string clean = dir_.Sub("central-clean");
  std::vector<std::string> args = RegisterArgs(clean);
  args.push_back("--once");
  RunResult once = Stocktake(dir_.Sub("state-clean"), args);
  ASSERT_EQ(once.exit_code, 0) << once.err;
  const auto expected = Objects(clean);
  ASSERT_EQ(expected.size(), 8u);

  int interrupted = 0;
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::mt19937 rng(1000 + round);
    const std::string central = dir_.Sub("central-" + std::to_string(round));
    const std::string state = dir_.Sub("state-" + std::to_string(round));
    // Dropped, duplicated, reordered.
    std::vector<std::pair<std::string, std::string>> events;
    for (const auto& e : events_) {
      const int copies = static_cast<int>(rng() % 3);  // 0: dropped
      for (int c = 0; c < copies; ++c) events.push_back(e);
    }
    std::shuffle(events.begin(), events.end(), rng);
    const int kill_after_ms = static_cast<int>(rng() % 120);

    std::vector<std::string> daemon_args = {"--state", state, "-q"};
    for (const std::string& a : RegisterArgs(central)) daemon_args.push_back(a);
    for (const char* a : {"--listen", "127.0.0.1:0", "--interval", "3600"}) daemon_args.push_back(a);
    std::unique_ptr<testing::Daemon> daemon = testing::Daemon::Start(daemon_args, dir_.path());
    ASSERT_NE(daemon, nullptr);
    std::thread poster([&] {
      for (const auto& e : events) PostEvent(daemon->url(), e);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
    ::kill(daemon->pid(), SIGKILL);
    poster.join();
    const int code = daemon->Stop();
    EXPECT_TRUE(code == 128 + SIGKILL || code == 0) << code;

    // How far the killed consumer got (for the log; timing decides it).
    const size_t before = std::filesystem::exists(central) ? Objects(central).size() : 0;
    interrupted += before != expected.size();
    std::vector<std::string> reconcile = RegisterArgs(central);
    reconcile.push_back("--reconcile");
    RunResult after = Stocktake(state, reconcile);
    ASSERT_EQ(after.exit_code, 0) << after.err;
    EXPECT_EQ(Objects(central), expected);
  }
  std::printf("chaos: %d of 20 rounds were killed before the central store was complete\n",
              interrupted);
}

}  // namespace
}  // namespace stocktake::cli_test
