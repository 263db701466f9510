// `stocktake register --once` against the real S3 server (Ceph RGW): two
// regional collector buckets, two accounts, two source buckets per account
// and region, reports made by `stocktake scan` (CSV and Parquet) into the
// collectors as the seed's scripts lay them out, one consolidation into a
// central bucket, and DuckDB's count(*) and sum(size) over the central
// store (hive partitioning) equal to the sources exactly.
#include <gtest/gtest.h>

#include <filesystem>

#include "testing/duckdb.h"
#include "testing/s3_e2e.h"
#include "testing/s3_report.h"

namespace stocktake::testing {
namespace {

class RegisterS3Test : public S3EndToEndTest {};

TEST_F(RegisterS3Test, OnceConsolidatesTwoRegionsTwoAccountsIntoTheCentralBucket) {
  const std::vector<std::string> regions = {"eu-west-1", "us-east-1"};
  const std::vector<std::string> accounts = {"111111111111", "222222222222"};
  std::map<std::string, std::string> collector_of;  // region -> bucket
  for (const std::string& region : regions) collector_of[region] = NewBucket("coll");
  const std::string central = NewBucket("central");

  const ScannedEstate estate =
      ScanEstate(regions, accounts, 2, collector_of, [](int n) {
        std::vector<std::string> keys;
        for (int i = 0; i < 20 + n; ++i) keys.push_back("k " + std::to_string(i) + "+x");
        return keys;
      });
  ASSERT_FALSE(HasFailure());

  std::vector<std::string> args = {"register", "--central", "s3://" + central + "/inventory",
                                   "--endpoint-url", server_->endpoint(), "--once"};
  for (const std::string& region : regions) {
    args.push_back("--collector");
    args.push_back(region + "=s3://" + collector_of[region]);
  }
  RunResult once = Stocktake(args);
  ASSERT_EQ(once.exit_code, 0) << once.err;
  EXPECT_EQ(once.out,
            "reconciled: 8 reports seen, 8 registered, 0 quarantined, 0 already known, 0 errors\n");

  // Read the central bucket back as users would, partitions and all.
  std::vector<std::string> keys;
  const std::string from = DownloadCentral(central, "inventory/", &keys);
  ASSERT_EQ(keys.size(), 8u);
  for (const std::string& key : keys) EXPECT_EQ(key.rfind("inventory/dt=", 0), 0u) << key;
  Result<std::vector<std::string>> totals = DuckDbQuery("SELECT count(*), sum(size) " + from);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  EXPECT_EQ(*totals, std::vector<std::string>{"[\"" + std::to_string(estate.rows) + "\",\"" +
                                              std::to_string(estate.bytes) + "\"]"});
  Result<std::vector<std::string>> groups = DuckDbQuery(
      "SELECT account, region, bucket, count(*), sum(size) " + from + " GROUP BY ALL ORDER BY ALL");
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(*groups, estate.groups);
  Result<std::vector<std::string>> decoded =
      DuckDbQuery("SELECT count(*) " + from + " WHERE key = 'k 1+x'");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, std::vector<std::string>{"[\"8\"]"});

  // A second pass registers nothing and rewrites nothing.
  RunResult again = Stocktake(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("0 registered"), std::string::npos) << again.out;
  Result<std::vector<std::string>> after = ListKeys(*store_, central, "inventory/");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, keys);
}

TEST_F(RegisterS3Test, AReportRegeneratedAtTheSameKeyReplacesTheRegisteredOne) {
  const std::string collector = NewBucket("coll");
  const std::string central = NewBucket("central");
  const std::string src = NewBucket("src");
  const std::string account = "111111111111";
  std::vector<std::string> keys;
  for (int i = 0; i < 30; ++i) keys.push_back("k " + std::to_string(i));
  PutAll(src, keys, [](const std::string& k) { return std::string(k.size(), 'a'); });
  const std::vector<std::string> scan = {"scan", "s3://" + src, "--dest",
                                         "s3://" + collector + "/" + account, "--id", "inventory",
                                         "--format", "parquet", "--fields", "Size,ETag",
                                         "--endpoint-url", server_->endpoint()};
  const std::vector<std::string> once = {"register", "--central", "s3://" + central + "/inventory",
                                         "--endpoint-url", server_->endpoint(), "--once",
                                         "--collector", "eu-west-1=s3://" + collector};
  ASSERT_EQ(Stocktake(scan).exit_code, 0);
  RunResult first = Stocktake(once);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out,
            "reconciled: 1 reports seen, 1 registered, 0 quarantined, 0 already known, 0 errors\n");
  std::vector<std::string> first_parts;
  DownloadCentral(central, "inventory/", &first_parts);
  ASSERT_EQ(first_parts.size(), 1u);

  // The bucket changes and is scanned again: same minute, same folder; if
  // the minute turned, the second report is copied over the first folder.
  std::vector<std::string> more = {"more 1", "more 2", "more 3"};
  PutAll(src, more, [](const std::string& k) { return std::string(100, 'b'); });
  ASSERT_EQ(Stocktake(scan).exit_code, 0);
  const std::string base = account + "/" + src + "/inventory/";
  std::vector<std::string> checksums;
  Result<std::vector<std::string>> listed = ListKeys(*store_, collector, base);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  for (const std::string& key : *listed) {
    if (key.ends_with("/manifest.checksum")) checksums.push_back(key);
  }
  ASSERT_FALSE(checksums.empty());
  if (checksums.size() == 2) {
    const std::string older = checksums[0].substr(0, checksums[0].rfind('/') + 1);
    const std::string newer = checksums[1].substr(0, checksums[1].rfind('/') + 1);
    for (const char* file : {"manifest.json", "manifest.checksum"}) {
      ASSERT_TRUE(store_->Put(collector, older + file, *store_->Get(collector, newer + file)).ok());
      ASSERT_TRUE(store_->Delete(collector, newer + file).ok());
    }
    checksums.pop_back();
  }
  ASSERT_EQ(checksums.size(), 1u);

  RunResult second = Stocktake(once);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out,
            "reconciled: 1 reports seen, 1 registered, 0 quarantined, 0 already known, 0 errors\n");
  std::vector<std::string> parts;
  const std::string from = DownloadCentral(central, "inventory/", &parts);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_NE(parts[0], first_parts[0]);
  Result<std::vector<std::string>> totals =
      DuckDbQuery("SELECT count(*), sum(size), count(*) FILTER (key LIKE 'more %') " + from);
  ASSERT_TRUE(totals.ok()) << totals.status().ToString();
  int64_t bytes = 300;
  for (const std::string& k : keys) bytes += static_cast<int64_t>(k.size());
  EXPECT_EQ(*totals, std::vector<std::string>{"[\"33\",\"" + std::to_string(bytes) + "\",\"3\"]"});

  // Unchanged since: known from the listing's stamp, nothing rewritten.
  RunResult third = Stocktake(once);
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(third.out,
            "reconciled: 1 reports seen, 0 registered, 0 quarantined, 1 already known, 0 errors\n");
  EXPECT_EQ(*ListKeys(*store_, central, "inventory/"), parts);
}

}  // namespace
}  // namespace stocktake::testing
