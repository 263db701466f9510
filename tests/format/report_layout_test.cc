#include "format/report_layout.h"

#include <gtest/gtest.h>

#include "base/time_util.h"

namespace stocktake::format {
namespace {

const int64_t kScan = ParseTimestamp("2016-11-06T21:32:59.999Z").value();

TEST(ReportLayoutTest, AwsKeysForEveryPrefixShape) {
  struct Case {
    std::string prefix;
    std::string base;
  };
  const std::vector<Case> cases = {
      {"", "src/cfg/"},           {"inv", "inv/src/cfg/"}, {"inv/", "inv/src/cfg/"},
      {"/inv//", "inv/src/cfg/"}, {"a/b", "a/b/src/cfg/"}, {"/", "src/cfg/"},
  };
  for (const Case& c : cases) {
    ReportLocation loc{c.prefix, "src", "cfg"};
    EXPECT_EQ(AwsDataKey(loc, "939c6d46-85a9-4ba8-87bd-9db705a579ce", ".csv.gz"),
              c.base + "data/939c6d46-85a9-4ba8-87bd-9db705a579ce.csv.gz")
        << c.prefix;
    EXPECT_EQ(AwsManifestKey(loc, kScan), c.base + "2016-11-06T21-32Z/manifest.json");
    EXPECT_EQ(AwsChecksumKey(loc, kScan), c.base + "2016-11-06T21-32Z/manifest.checksum");
    EXPECT_EQ(AwsSymlinkKey(loc, kScan), c.base + "hive/dt=2016-11-06-21-32/symlink.txt");
  }
}

TEST(ReportLayoutTest, ObsKeysDefaultThePrefixAndUppercaseTheUuid) {
  struct Case {
    std::string prefix;
    std::string base;
  };
  const std::vector<Case> cases = {
      {"", "BucketInventory/user001/test_id/2016-11-06T21-32Z/"},
      {"inventory/", "inventory/user001/test_id/2016-11-06T21-32Z/"},
  };
  for (const Case& c : cases) {
    ReportLocation loc{c.prefix, "user001", "test_id"};
    EXPECT_EQ(ObsDataKey(loc, kScan, "0000016813af58e6-6806-c1e2-d7f1-5155", 1),
              c.base + "files/0000016813AF58E66806C1E2D7F15155_1.csv");
    EXPECT_EQ(ObsManifestKey(loc, kScan), c.base + "manifest.json");
  }
}

TEST(ReportLayoutTest, SymlinkTextHasOneUrlPerLine) {
  EXPECT_EQ(SymlinkText({"s3://dest/a.csv.gz", "s3://dest/b.csv.gz"}),
            "s3://dest/a.csv.gz\ns3://dest/b.csv.gz\n");
  EXPECT_EQ(SymlinkText({}), "");
}

}  // namespace
}  // namespace stocktake::format
