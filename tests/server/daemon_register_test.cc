// The central asset register embedded in `stocktake serve` (issue 7): with
// --register-* flags, or a [register] table in the --config file, the
// daemon reconciles, consumes NATS, and hands every report it delivers
// straight to the register. Each test starts a real daemon, makes reports
// with remote runs (POST /_stocktake/run, through `stocktake run --remote`)
// and reads the central store back with DuckDB.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "serve_test_util.h"
#include "testing/duckdb.h"
#include "testing/nats_server.h"

namespace stocktake::server {
namespace {

class DaemonRegisterTest : public ServeTest {
 protected:
  std::string Central() const { return dir_.Sub("central"); }
  std::string Collector() const { return "eu-west-1=" + dir_.Sub("root/dest"); }

  // Configuration "daily" on src, delivering to dest under the account id
  // (the collector layout), through the AWS CLI.
  void PutConfig() {
    testing::RunResult put = Aws(
        {"s3api", "put-bucket-inventory-configuration", "--bucket", "src", "--id", "daily",
         "--inventory-configuration",
         std::string(
             "{\"Id\":\"daily\",\"IsEnabled\":true,\"Destination\":{\"S3BucketDestination\":{"
             "\"Bucket\":\"arn:aws:s3:::dest\",\"Format\":\"CSV\",\"Prefix\":\"") +
             kMainAccount +
             "\"}},\"Schedule\":{\"Frequency\":\"Daily\"},\"IncludedObjectVersions\":\"Current\","
             "\"OptionalFields\":[\"Size\",\"ETag\"]}"});
    ASSERT_EQ(put.exit_code, 0) << put.err;
  }

  void PutObjects(const std::string& bucket, int count) {
    for (int i = 0; i < count; ++i) {
      testing::WriteFile(dir_.Sub("root/" + bucket + "/obj/" + std::to_string(i)),
                         std::string(i + 1, 'x'));
    }
  }

  testing::RunResult RemoteRun() const {
    testing::RunOptions options = ClientEnv();
    return testing::RunStocktake({"--state", dir_.Sub("client-state"), "run", "--remote",
                                  daemon_->url(), "--bucket", "src", "--id", "daily"},
                                 options);
  }

  // The parts in the central folder, waiting (bounded) until there are `n`.
  size_t WaitForParts(size_t n) {
    size_t parts = 0;
    for (int attempt = 0; attempt < 120; ++attempt) {
      parts = 0;
      if (std::filesystem::exists(Central())) {
        for (const auto& e : std::filesystem::recursive_directory_iterator(Central())) {
          if (e.is_regular_file() && e.path().extension() == ".parquet") ++parts;
        }
      }
      if (parts >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return parts;
  }

  std::vector<std::string> Query(const std::string& select) {
    Result<std::vector<std::string>> rows = testing::DuckDbQuery(
        "SELECT " + select + " FROM read_parquet(" +
        testing::SqlQuote(Central() + "/dt=*/account=*/region=*/bucket=*/*.parquet") +
        ", hive_partitioning = true, union_by_name = true) GROUP BY ALL ORDER BY ALL");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<std::string>{};
  }
};

TEST_F(DaemonRegisterTest, RemoteRunReportIsRegisteredThroughTheDaemonsOwnHook) {
  PutObjects("src", 3);
  // An hour between reconciliations: only the start-up one (nothing there
  // yet) runs, so the report can reach the register only through the hook.
  StartDaemon({"--no-scheduler", "--register-central", Central(), "--register-collector",
               Collector(), "--register-interval", "3600"});
  PutConfig();
  testing::RunResult run = RemoteRun();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(WaitForParts(1), 1u) << daemon_->Log();
  EXPECT_EQ(Query("account, region, bucket, count(*), sum(size)"),
            std::vector<std::string>{std::string("[\"") + kMainAccount +
                                     "\",\"eu-west-1\",\"src\",\"3\",\"6\"]"});
  EXPECT_EQ(daemon_->Stop(), 0);
  const std::string log = daemon_->Log();
  EXPECT_NE(log.find("delivered report s3://dest/" + std::string(kMainAccount) + "/src/daily/"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("manifest.checksum: registered"), std::string::npos) << log;
}

TEST_F(DaemonRegisterTest, ConfigFileRegisterConsumesNatsAndTheDaemonsReports) {
  std::unique_ptr<testing::NatsServer> nats = testing::NatsServer::Start();
  ASSERT_NE(nats, nullptr);
  for (const char* bucket : {"root/src", "root/dest", "root/other"}) {
    std::filesystem::create_directories(dir_.Sub(bucket));
  }
  PutObjects("src", 4);
  PutObjects("other", 2);
  const std::string config = dir_.Sub("serve.toml");
  testing::WriteFile(config,
                     "listen = \"127.0.0.1:0\"\nscheduler = false\n"
                     "[[stores]]\nlocal = \"" +
                         dir_.Sub("root") +
                         "\"\nregion = \"eu-west-1\"\n"
                         "[[accounts]]\nid = \"" +
                         kMainAccount + "\"\naccess_key = \"" + kMainKey + "\"\nsecret_key = \"" +
                         kMainSecret +
                         "\"\n"
                         "[register]\ncentral = \"" +
                         Central() + "\"\ncollectors = [\"" + Collector() +
                         "\"]\ninterval_seconds = 3600\nnats = \"" + nats->url() +
                         "\"\nnats_durable = \"daemon\"\n");
  // The daemon also announces its reports on NATS: the register gets each
  // of them twice (hook and event) and registers it once.
  StartWith({"serve", "--config", config, "--state", dir_.Sub("state"), "--notify-nats",
             nats->url(), "--notify-nats-subject", "inventory.reports"});
  PutConfig();
  testing::RunResult run = RemoteRun();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(WaitForParts(1), 1u) << daemon_->Log();

  // A report made elsewhere (`stocktake scan`) and announced on NATS; with
  // --local the event names bucket "dest", key "<account>/other/...".
  testing::RunResult scan = testing::RunStocktake(
      {"--state", dir_.Sub("scan-state"), "-q", "scan", "--local", dir_.Sub("root"),
       dir_.Sub("root/other"), "--dest", dir_.Sub("root/dest") + "/" + kMainAccount, "--id",
       "inventory", "--fields", "Size", "--notify-nats", nats->url(), "--notify-nats-subject",
       "inventory.reports"});
  ASSERT_EQ(scan.exit_code, 0) << scan.err;
  ASSERT_EQ(WaitForParts(2), 2u) << daemon_->Log();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the duplicate event, if any, is in
  EXPECT_EQ(Query("bucket, count(*), sum(size)"),
            (std::vector<std::string>{"[\"other\",\"2\",\"3\"]", "[\"src\",\"4\",\"10\"]"}));
  EXPECT_EQ(WaitForParts(2), 2u);
  EXPECT_EQ(daemon_->Stop(), 0);
  const std::string log = daemon_->Log();
  EXPECT_NE(log.find("consuming " + nats->url() +
                     " stream INVENTORY subject inventory.reports "
                     "durable daemon"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("/other/inventory/"), std::string::npos) << log;
}

}  // namespace
}  // namespace stocktake::server
