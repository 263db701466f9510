// `stocktake serve` driven by real clients: boto3 cases (clients/
// boto3_cases.py), the AWS CLI v2, curl.
#include <gtest/gtest.h>

#include <filesystem>

#include "server/serve_test_util.h"

namespace stocktake::server {
namespace {

class Boto3CaseTest : public ServeTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(Boto3CaseTest, HoldsAgainstDaemon) {
  StartDaemon();
  testing::RunResult r = Python({TestFile("clients/boto3_cases.py"), GetParam()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << "\ndaemon log:\n" << daemon_->Log();
  EXPECT_EQ(r.out, "ok\n");
  EXPECT_EQ(daemon_->Stop(), 0);
}

INSTANTIATE_TEST_SUITE_P(Cases, Boto3CaseTest,
                         ::testing::Values("roundtrip", "paging", "wrong_secret", "unknown_key",
                                           "tampered", "skewed_and_expired", "malformed_xml",
                                           "destination_rules", "other_account",
                                           "buckets_and_identity", "not_implemented"),
                         [](const auto& info) { return info.param; });

constexpr char kCliConfig[] = R"({
  "Id": "report1", "IsEnabled": true, "Filter": {"Prefix": "a/b "},
  "Destination": {"S3BucketDestination": {"AccountId": "123456789012",
    "Bucket": "arn:aws:s3:::dest", "Format": "CSV", "Prefix": "reports",
    "Encryption": {"SSES3": {}}}},
  "IncludedObjectVersions": "Current",
  "OptionalFields": ["Size", "ETag", "IntelligentTieringAccessTier", "ChecksumAlgorithm"],
  "Schedule": {"Frequency": "Daily"}})";

TEST_F(ServeTest, AwsCliPutGetListDeleteRoundTrip) {
  StartDaemon();
  testing::RunResult put = Aws({"s3api", "put-bucket-inventory-configuration", "--bucket", "src",
                                "--id", "report1", "--inventory-configuration", kCliConfig});
  ASSERT_EQ(put.exit_code, 0) << put.err << daemon_->Log();

  testing::RunResult get =
      Aws({"s3api", "get-bucket-inventory-configuration", "--bucket", "src", "--id", "report1"});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(CanonicalJson(get.out),
            CanonicalJson(std::string(R"({"InventoryConfiguration": )") + kCliConfig + "}"));

  testing::RunResult list =
      Aws({"s3api", "list-bucket-inventory-configurations", "--bucket", "src"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(CanonicalJson(list.out),
            CanonicalJson(std::string(R"({"IsTruncated": false, "InventoryConfigurationList": [)") +
                          kCliConfig + "]}"));

  testing::RunResult del =
      Aws({"s3api", "delete-bucket-inventory-configuration", "--bucket", "src", "--id", "report1"});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  testing::RunResult gone =
      Aws({"s3api", "get-bucket-inventory-configuration", "--bucket", "src", "--id", "report1"});
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_NE(gone.err.find("NoSuchConfiguration"), std::string::npos) << gone.err;
  EXPECT_EQ(daemon_->Stop(), 0);
}

TEST_F(ServeTest, AwsCliBucketCallsAndCallerIdentity) {
  StartDaemon();
  testing::RunResult buckets = Aws({"s3api", "list-buckets", "--query", "Buckets[].Name"});
  ASSERT_EQ(buckets.exit_code, 0) << buckets.err;
  EXPECT_EQ(CanonicalJson(buckets.out), CanonicalJson(R"(["dest", "src"])"));
  testing::RunResult location = Aws({"s3api", "get-bucket-location", "--bucket", "src"});
  ASSERT_EQ(location.exit_code, 0) << location.err;
  EXPECT_EQ(CanonicalJson(location.out), CanonicalJson(R"({"LocationConstraint": "eu-west-1"})"));
  EXPECT_EQ(Aws({"s3api", "head-bucket", "--bucket", "src"}).exit_code, 0);
  testing::RunResult missing = Aws({"s3api", "head-bucket", "--bucket", "missing"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("404"), std::string::npos) << missing.err;
  testing::RunResult identity = Aws({"sts", "get-caller-identity", "--query", "Account"});
  ASSERT_EQ(identity.exit_code, 0) << identity.err;
  EXPECT_EQ(identity.out, "\"123456789012\"\n");
}

TEST_F(ServeTest, AwsCliRejectsTheWrongSecret) {
  StartDaemon();
  testing::RunOptions env = ClientEnv();
  env.env.emplace_back("AWS_SECRET_ACCESS_KEY", "wrong");
  testing::RunResult r = testing::RunProgram(
      {"/usr/bin/aws", "s3api", "list-buckets", "--endpoint-url", daemon_->url()}, env);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("SignatureDoesNotMatch"), std::string::npos) << r.err;
}

TEST_F(ServeTest, UnsignedCurlRequestIsAccessDenied) {
  StartDaemon();
  testing::RunResult r = testing::RunProgram(
      {"curl", "-s", "-w", "\n%{http_code}", daemon_->url() + "/src?inventory"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("<Code>AccessDenied</Code>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<Resource>/src</Resource>"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.substr(r.out.size() - 3), "403");
}

TEST_F(ServeTest, HugeBodyIsRefusedWithoutBuffering) {
  StartDaemon();
  const std::string big = dir_.Sub("big.bin");
  testing::WriteFile(big, "");
  std::filesystem::resize_file(big,
                               50ull << 20);  // 50 MiB of zeros, sparse on disk
  const long before = daemon_->ResidentKib();
  for (const char* mode : {"--data-binary", "chunked"}) {
    std::vector<std::string> args = {"curl", "-s", "-w", "\n%{http_code}", "-X", "PUT"};
    if (std::string(mode) == "chunked") {
      args.insert(args.end(), {"-H", "Transfer-Encoding: chunked"});
    }
    args.insert(args.end(), {"--data-binary", "@" + big, daemon_->url() + "/src?inventory&id=x"});
    testing::RunResult r = testing::RunProgram(args);
    EXPECT_NE(r.out.find("MaxMessageLengthExceeded"), std::string::npos) << mode << r.out;
    EXPECT_EQ(r.out.substr(r.out.size() - 3), "400") << mode;
  }
  const long after = daemon_->ResidentKib();
  ASSERT_GT(before, 0);
  EXPECT_LT(after - before, 32 * 1024)
      << "daemon grew from " << before << " to " << after << " KiB";
  EXPECT_EQ(daemon_->Stop(), 0);
}

TEST_F(ServeTest, StopsCleanlyOnSigterm) {
  StartDaemon();
  EXPECT_EQ(daemon_->Stop(), 0);
}

}  // namespace
}  // namespace stocktake::server
