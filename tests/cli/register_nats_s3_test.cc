// Issue 7's end-to-end test: the real S3 server (Ceph RGW) holds the source
// buckets and one collector bucket per region, a real nats-server carries
// the events. 3 accounts x 3 regions x 2 buckets; each report is written by
// `stocktake scan` into its region's collector under <accountId>/<bucket>/
// <config>/ and announced with --notify-nats; a running
// `stocktake register --nats` consumer (a child process) registers them
// into a central bucket. DuckDB's count(*) and sum(size) over the central
// store (hive partitioning) equal the sources exactly, in total and per
// account/region/bucket; every message is acked, so a restarted consumer
// has nothing left to do.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "testing/daemon.h"
#include "testing/duckdb.h"
#include "testing/nats_server.h"
#include "testing/s3_e2e.h"
#include "testing/s3_oracle.h"
#include "testing/s3_report.h"

namespace stocktake::testing {
namespace {

class RegisterNatsS3Test : public S3EndToEndTest {
 protected:
  // `stocktake register` running as a consumer of `nats` (and of nothing
  // else: no reconciliation after the one at start).
  std::unique_ptr<Daemon> StartConsumer(const std::string& central,
                                        const std::map<std::string, std::string>& collectors,
                                        const NatsServer& nats) {
    std::vector<std::string> args = {"--state",
                                     dir_.Sub("register-state"),
                                     "register",
                                     "--central",
                                     "s3://" + central + "/inventory",
                                     "--endpoint-url",
                                     server_->endpoint(),
                                     "--nats",
                                     nats.url(),
                                     "--nats-ack-wait",
                                     "5",
                                     "--interval",
                                     "3600",
                                     "--listen",
                                     "127.0.0.1:0"};
    for (const auto& [region, bucket] : collectors) {
      args.push_back("--collector");
      args.push_back(region + "=s3://" + bucket);
    }
    return Daemon::Start(args, dir_.path(), 60, S3ChildEnv(*server_));
  }
};

TEST_F(RegisterNatsS3Test, NatsEventsBuildTheCentralRegisterOfThreeAccountsAndRegions) {
  std::unique_ptr<NatsServer> nats = NatsServer::Start();
  ASSERT_NE(nats, nullptr);
  const std::vector<std::string> regions = {"eu-west-1", "us-east-1", "ap-southeast-2"};
  const std::vector<std::string> accounts = {"111111111111", "222222222222", "333333333333"};
  std::map<std::string, std::string> collector_of;  // region -> bucket
  for (const std::string& region : regions) collector_of[region] = NewBucket("coll");
  const std::string central = NewBucket("central");

  // The consumer first: it creates the stream the notifiers publish to.
  std::unique_ptr<Daemon> consumer = StartConsumer(central, collector_of, *nats);
  ASSERT_NE(consumer, nullptr);

  const ScannedEstate estate = ScanEstate(
      regions, accounts, 2, collector_of,
      [](int n) {
        std::vector<std::string> keys;
        for (int i = 0; i < 100 + 5 * n; ++i) keys.push_back("d/k " + std::to_string(i));
        return keys;
      },
      {"--notify-nats", nats->url(), "--notify-nats-subject", "inventory.reports"});
  ASSERT_FALSE(HasFailure());
  ASSERT_EQ(estate.reports, 18);
  Result<uint64_t> published = nats->StreamMessageCount("INVENTORY");
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(*published, 18u);

  // Every report arrives through NATS (bounded wait).
  std::vector<std::string> parts;
  for (int attempt = 0; attempt < 240; ++attempt) {
    Result<std::vector<std::string>> keys = ListKeys(*store_, central, "inventory/");
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    parts = *keys;
    if (parts.size() >= 18) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_EQ(parts.size(), 18u) << consumer->Log();
  EXPECT_EQ(consumer->Stop(), 0) << consumer->Log();
  // The start-up reconciliation found nothing; each report came as one event.
  const std::string log = consumer->Log();
  EXPECT_NE(log.find("reconciled: 0 registered, 0 quarantined, 0 errors"), std::string::npos)
      << log;
  int registered = 0;
  for (size_t at = log.find("manifest.checksum: registered"); at != std::string::npos;
       at = log.find("manifest.checksum: registered", at + 1)) {
    ++registered;
  }
  EXPECT_EQ(registered, 18) << log;

  std::vector<std::string> keys;
  const std::string from = DownloadCentral(central, "inventory/", &keys);
  EXPECT_EQ(keys, parts);
  Result<std::vector<std::string>> totals = DuckDbQuery("SELECT count(*), sum(size) " + from);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  EXPECT_EQ(*totals, std::vector<std::string>{"[\"" + std::to_string(estate.rows) + "\",\"" +
                                              std::to_string(estate.bytes) + "\"]"});
  Result<std::vector<std::string>> groups = DuckDbQuery(
      "SELECT account, region, bucket, count(*), sum(size) " + from + " GROUP BY ALL ORDER BY ALL");
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(*groups, estate.groups);

  // All acked: the consumer restarted (past the ack wait) finds nothing to
  // do and rewrites nothing.
  std::unique_ptr<Daemon> restarted = StartConsumer(central, collector_of, *nats);
  ASSERT_NE(restarted, nullptr);
  std::this_thread::sleep_for(std::chrono::seconds(7));
  EXPECT_EQ(restarted->Stop(), 0) << restarted->Log();
  EXPECT_EQ(restarted->Log().find("event s3://"), std::string::npos) << restarted->Log();
  Result<std::vector<std::string>> after = ListKeys(*store_, central, "inventory/");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, parts);
}

}  // namespace
}  // namespace stocktake::testing
