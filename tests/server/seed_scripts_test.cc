// The two boto3 scripts of the AWS "central asset register" blog post
// (seed_scripts/, text unchanged; endpoint injected by
// endpoint_injection/sitecustomize.py) against a two-region estate: each
// non-inventory bucket must end with one Parquet configuration pointing at
// the inventory bucket of its own region.
#include <gtest/gtest.h>

#include <filesystem>

#include "server/serve_test_util.h"

namespace stocktake::server {
namespace {

// Prints "bucket id format destination prefix account versions" per
// configuration of every bucket, through boto3.
constexpr char kSummary[] = R"(
import boto3
c = boto3.client('s3')
for b in c.list_buckets()['Buckets']:
    for cfg in c.list_bucket_inventory_configurations(Bucket=b['Name']).get(
            'InventoryConfigurationList', []):
        d = cfg['Destination']['S3BucketDestination']
        print(b['Name'], cfg['Id'], d['Format'], d['Bucket'], d['Prefix'], d['AccountId'],
              cfg['IncludedObjectVersions'], len(cfg['OptionalFields']),
              list(d['Encryption']), cfg['Schedule']['Frequency'])
)";

TEST_F(ServeTest, SeedScriptsConfigureEveryBucketForItsRegion) {
  for (const char* bucket : {"eu/inventory-eu-west-1", "eu/photos", "eu/logs-2024",
                             "us/inventory-us-east-1", "us/backups"}) {
    std::filesystem::create_directories(dir_.Sub(bucket));
  }
  StartWith({"serve", "--local", dir_.Sub("eu"), "--region", "eu-west-1", "--local", dir_.Sub("us"),
             "--region", "us-east-1", "--listen", "127.0.0.1:0", "--state", dir_.Sub("state"),
             "--account", std::string(kMainAccount) + ":" + kMainKey + ":" + kMainSecret});
  std::filesystem::create_directories(dir_.Sub("work"));

  testing::RunResult map =
      Python({TestFile("seed_scripts/build_inventory_map.py")}, dir_.Sub("work"));
  ASSERT_EQ(map.exit_code, 0) << map.out << map.err << daemon_->Log();
  EXPECT_EQ(map.out, "inventory map built and stored locally\n");
  EXPECT_EQ(CanonicalJson(testing::ReadFile(dir_.Sub("work/aws_inventory_buckets.json"))),
            CanonicalJson(R"({"eu-west-1": "inventory-eu-west-1",
                              "us-east-1": "inventory-us-east-1"})"));

  testing::RunResult configure =
      Python({TestFile("seed_scripts/configure_inventory.py")}, dir_.Sub("work"));
  ASSERT_EQ(configure.exit_code, 0) << configure.out << configure.err;
  EXPECT_EQ(configure.out, "passing inventory-eu-west-1\npassing inventory-us-east-1\n")
      << daemon_->Log();

  testing::RunResult summary = Python({"-c", kSummary});
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  const std::string tail = " 123456789012 123456789012 All 11 ['SSES3'] Daily\n";
  EXPECT_EQ(summary.out, "backups inventory Parquet arn:aws:s3:::inventory-us-east-1" + tail +
                             "logs-2024 inventory Parquet arn:aws:s3:::inventory-eu-west-1" + tail +
                             "photos inventory Parquet arn:aws:s3:::inventory-eu-west-1" + tail);

  // Running the configuration script again replaces, never adds.
  configure = Python({TestFile("seed_scripts/configure_inventory.py")}, dir_.Sub("work"));
  ASSERT_EQ(configure.exit_code, 0);
  EXPECT_EQ(Python({"-c", kSummary}).out, summary.out);
  EXPECT_EQ(daemon_->Stop(), 0);
}

}  // namespace
}  // namespace stocktake::server
