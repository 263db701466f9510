// End-to-end against the real S3 server: stored configurations
// (`inventory put` then `run`) and the ways a report can fail — each with
// its exit code, a one-line message naming operation and target, and
// nothing written under the destination.
#include <gtest/gtest.h>

#include <chrono>

#include "testing/s3_e2e.h"
#include "testing/s3_oracle.h"

namespace stocktake::testing {
namespace {

std::string ConfigXml(const std::string& id, const std::string& dest_bucket) {
  return "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
         "<Id>" + id + "</Id><IsEnabled>true</IsEnabled>"
         "<Destination><S3BucketDestination><Format>CSV</Format>"
         "<Bucket>arn:aws:s3:::" + dest_bucket + "</Bucket><Prefix>inv</Prefix>"
         "</S3BucketDestination></Destination>"
         "<Schedule><Frequency>Daily</Frequency></Schedule>"
         "<IncludedObjectVersions>Current</IncludedObjectVersions>"
         "<OptionalFields><Field>Size</Field><Field>LastModifiedDate</Field>"
         "<Field>ETag</Field><Field>StorageClass</Field></OptionalFields>"
         "</InventoryConfiguration>";
}

bool OneLine(const std::string& text) {
  return !text.empty() && text.back() == '\n' && text.find('\n') == text.size() - 1;
}

class RunS3Test : public S3EndToEndTest {
 protected:
  RunResult PutConfig(const std::string& bucket, const std::string& xml) {
    return Stocktake({"inventory", "put", "--endpoint-url", server_->endpoint(), "--bucket",
                      bucket, "--file", "-"},
                     {}, xml);
  }
  void ExpectNothingUnder(const std::string& bucket, const std::string& prefix) {
    Result<std::vector<std::string>> keys = ListKeys(*store_, bucket, prefix);
    ASSERT_TRUE(keys.ok()) << keys.status().ToString();
    EXPECT_TRUE(keys->empty()) << keys->size() << " keys, first " << keys->front();
  }
};

TEST_F(RunS3Test, StoredConfigsRunOneBucketAndAll) {
  const std::string src = NewBucket("run-src");
  const std::string other = NewBucket("run-other");
  const std::string dst = NewBucket("run-dst");
  PutAll(src, {"a", "b c", "d+e/f"}, [](const std::string& k) { return k + k; });
  PutAll(other, {"x/y", "z"}, [](const std::string& k) { return k; });

  RunResult put = PutConfig(src, ConfigXml("daily", dst));
  ASSERT_EQ(put.exit_code, 0) << put.err;
  RunResult run = Stocktake({"run", "--endpoint-url", server_->endpoint(), "--bucket", src});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find(src + "/daily: 3 objects"), std::string::npos) << run.out;
  FetchedReport daily = Report(dst, "inv", src, "daily");
  ExpectRowsEqualOracle(daily, src, /*versions=*/false);

  ASSERT_EQ(PutConfig(other, ConfigXml("weekly", dst)).exit_code, 0);
  RunResult all = Stocktake({"run", "--endpoint-url", server_->endpoint(), "--all"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find(src + "/daily: 3 objects"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find(other + "/weekly: 2 objects"), std::string::npos) << all.out;
  FetchedReport weekly = Report(dst, "inv", other, "weekly");
  ExpectRowsEqualOracle(weekly, other, /*versions=*/false);
  ExpectDuckDbAgrees(weekly);
}

TEST_F(RunS3Test, ConfigWhoseDestinationBucketIsMissingIsRejected) {
  const std::string src = NewBucket("nodest");
  RunResult put = PutConfig(src, ConfigXml("daily", "st-no-such-destination-bucket"));
  EXPECT_EQ(put.exit_code, 2);
  EXPECT_TRUE(OneLine(put.err)) << put.err;
  EXPECT_NE(put.err.find("st-no-such-destination-bucket"), std::string::npos) << put.err;
  RunResult list = Stocktake(
      {"inventory", "list", "--endpoint-url", server_->endpoint(), "--bucket", src});
  EXPECT_EQ(list.out, "");
  RunResult run = Stocktake({"run", "--endpoint-url", server_->endpoint(), "--bucket", src});
  EXPECT_EQ(run.exit_code, 3) << run.err;
}

TEST_F(RunS3Test, WrongCredentialsExitFourAndWriteNothing) {
  const std::string src = NewBucket("creds");
  const std::string dst = NewBucket("creds-dst");
  ASSERT_TRUE(store_->Put(src, "k", "v").ok());
  for (auto env : std::vector<std::pair<std::string, std::string>>{
           {"AWS_SECRET_ACCESS_KEY", "wrong-secret"}, {"AWS_ACCESS_KEY_ID", "NOSUCHACCESSKEY"}}) {
    RunResult run = Stocktake({"scan", "s3://" + src, "--dest", "s3://" + dst + "/p",
                               "--endpoint-url", server_->endpoint()},
                              {env});
    EXPECT_EQ(run.exit_code, 4) << env.first << ": " << run.err;
    EXPECT_TRUE(OneLine(run.err)) << run.err;
    EXPECT_NE(run.err.find("head-bucket s3://" + src + ": HTTP 403"), std::string::npos)
        << run.err;
  }
  ExpectNothingUnder(dst, "");
}

TEST_F(RunS3Test, UnreachableEndpointExitsFiveQuickly) {
  const std::string dst = NewBucket("unreach-dst");
  auto start = std::chrono::steady_clock::now();
  RunResult run = Stocktake({"scan", "s3://src", "--dest", "s3://" + dst + "/p", "--endpoint-url",
                             "http://127.0.0.1:1"});
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_TRUE(OneLine(run.err)) << run.err;
  EXPECT_NE(run.err.find("head-bucket s3://src: cannot connect to http://127.0.0.1:1"),
            std::string::npos)
      << run.err;
  EXPECT_LT(seconds, 15.0) << "retries against a refused port take too long";
  ExpectNothingUnder(dst, "");
}

TEST_F(RunS3Test, MissingSourceOrDestinationBucketExitsThreeAndWritesNothing) {
  const std::string src = NewBucket("missing");
  const std::string dst = NewBucket("missing-dst");
  ASSERT_TRUE(store_->Put(src, "k", "v").ok());
  RunResult no_source = Stocktake({"scan", "s3://st-no-such-source-bucket", "--dest",
                                   "s3://" + dst + "/p", "--endpoint-url", server_->endpoint()});
  EXPECT_EQ(no_source.exit_code, 3) << no_source.err;
  EXPECT_TRUE(OneLine(no_source.err)) << no_source.err;
  EXPECT_NE(no_source.err.find("s3://st-no-such-source-bucket"), std::string::npos)
      << no_source.err;

  RunResult no_dest = Stocktake({"scan", "s3://" + src, "--dest",
                                 "s3://st-no-such-destination-bucket/p", "--endpoint-url",
                                 server_->endpoint()});
  EXPECT_EQ(no_dest.exit_code, 3) << no_dest.err;
  EXPECT_TRUE(OneLine(no_dest.err)) << no_dest.err;
  EXPECT_NE(no_dest.err.find("s3://st-no-such-destination-bucket"), std::string::npos)
      << no_dest.err;
  ExpectNothingUnder(dst, "");
  ExpectNothingUnder(src, "p/");
}

TEST_F(RunS3Test, UnwritableDestinationExitsFourAndLeavesNoReport) {
  const std::string src = NewBucket("ro-src");
  const std::string dst = NewBucket("ro-dst");
  ASSERT_TRUE(store_->Put(src, "k", "v").ok());
  ASSERT_TRUE(OracleDenyWrites(*server_, dst).ok());
  RunResult run = Stocktake({"scan", "s3://" + src, "--dest", "s3://" + dst + "/p",
                             "--endpoint-url", server_->endpoint()});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_TRUE(OneLine(run.err)) << run.err;
  EXPECT_NE(run.err.find("put s3://" + dst + "/p/" + src + "/scan/data/"), std::string::npos)
      << run.err;
  ExpectNothingUnder(dst, "");
}

}  // namespace
}  // namespace stocktake::testing
