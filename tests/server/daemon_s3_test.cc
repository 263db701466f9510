// The daemon over a real S3 store (Ceph RGW), configured by a TOML file: an
// inventory configured through the AWS CLI against the daemon, run with
// `stocktake run --remote`, lands as a complete report in RGW.
#include <gtest/gtest.h>

#include "testing/daemon.h"
#include "testing/s3_e2e.h"

namespace stocktake::testing {
namespace {

constexpr char kAccount[] = "123456789012";
constexpr char kKey[] = "AKIDDAEMONS3";
constexpr char kSecret[] = "daemon-s3-secret";

class DaemonS3Test : public S3EndToEndTest {
 protected:
  RunOptions ClientEnv() const {
    RunOptions options;
    options.timeout_seconds = 240;
    options.env = {{"AWS_ACCESS_KEY_ID", kKey},
                   {"AWS_SECRET_ACCESS_KEY", kSecret},
                   {"AWS_DEFAULT_REGION", server_->region()},
                   {"AWS_REGION", server_->region()},
                   {"AWS_EC2_METADATA_DISABLED", "true"},
                   {"AWS_CONFIG_FILE", "/dev/null"},
                   {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
                   {"AWS_PAGER", ""}};
    return options;
  }
};

TEST_F(DaemonS3Test, RemoteRunWritesTheReportIntoRgw) {
  const std::string src = NewBucket("dsrc");
  const std::string dest = NewBucket("ddest");
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(store_->Put(src, "photos/" + std::to_string(i) + ".jpg", std::string(i, 'p')).ok());
  }
  const std::string config = dir_.Sub("serve.toml");
  WriteFile(config, "listen = \"127.0.0.1:0\"\nscheduler = false\n"
                    "[[stores]]\nname = \"rgw\"\nendpoint = \"" + server_->endpoint() +
                        "\"\naccess_key = \"" + server_->credentials().access_key_id +
                        "\"\nsecret_key = \"" + server_->credentials().secret_access_key +
                        "\"\nregion = \"" + server_->region() +
                        "\"\n[[accounts]]\nid = \"" + kAccount + "\"\naccess_key = \"" + kKey +
                        "\"\nsecret_key = \"" + kSecret + "\"\n");
  std::unique_ptr<Daemon> daemon =
      Daemon::Start({"serve", "--config", config, "--state", dir_.Sub("daemon-state")}, dir_.path());
  ASSERT_NE(daemon, nullptr);

  RunResult put = RunProgram(
      {"/usr/bin/aws", "s3api", "put-bucket-inventory-configuration", "--endpoint-url",
       daemon->url(), "--bucket", src, "--id", "nightly", "--inventory-configuration",
       "{\"Id\":\"nightly\",\"IsEnabled\":true,\"Destination\":{\"S3BucketDestination\":{"
       "\"Bucket\":\"arn:aws:s3:::" + dest + "\",\"Format\":\"CSV\",\"Prefix\":\"inv\","
       "\"AccountId\":\"" + kAccount + "\"}},\"Schedule\":{\"Frequency\":\"Daily\"},"
       "\"IncludedObjectVersions\":\"Current\",\"OptionalFields\":[\"Size\",\"ETag\"]}"},
      ClientEnv());
  ASSERT_EQ(put.exit_code, 0) << put.err;
  RunResult listed = RunProgram({"/usr/bin/aws", "s3api", "list-bucket-inventory-configurations",
                                 "--endpoint-url", daemon->url(), "--bucket", src, "--query",
                                 "InventoryConfigurationList[].Id", "--output", "text"},
                                ClientEnv());
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out, "nightly\n");

  RunResult run = RunStocktake({"--state", dir_.Sub("client-state"), "run", "--remote",
                                daemon->url(), "--bucket", src, "--id", "nightly"},
                               ClientEnv());
  ASSERT_EQ(run.exit_code, 0) << run.err << daemon->Log();
  EXPECT_NE(run.out.find("remote run " + src + "/nightly: 25 objects"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("-> s3://" + dest + "/inv/" + src + "/nightly/"), std::string::npos)
      << run.out;

  FetchedReport report = Report(dest, "inv", src, "nightly");
  ASSERT_EQ(report.rows.size(), 25u);
  int64_t total = 0;
  for (const store::ObjectInfo& row : report.rows) {
    total += row.size;
    EXPECT_EQ(row.key.rfind("photos/", 0), 0u) << row.key;
    EXPECT_FALSE(row.etag.empty()) << row.key;
  }
  EXPECT_EQ(total, 24 * 25 / 2);
  ExpectRowsEqualOracle(report, src, /*versions=*/false);
  EXPECT_EQ(daemon->Stop(), 0);
  const std::string log = daemon->Log();
  EXPECT_NE(log.find("status=succeeded objects=25"), std::string::npos) << log;
}

}  // namespace
}  // namespace stocktake::testing
