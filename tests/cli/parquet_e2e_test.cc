// End-to-end Parquet reports of the built binary: `scan --format parquet`
// on a local tree and on the real S3 server (s3:// source and destination),
// and a stored configuration with <Format>Parquet</Format> run by `run`.
// Each report is fetched with every layout and manifest check (fileFormat
// "Parquet", the spec's fileSchema), its rows compared with an independent
// listing (a std::filesystem walk, or boto3), and its data files read by
// DuckDB and by hyparquet.
#include <gtest/gtest.h>
#include <sys/time.h>

#include <filesystem>

#include "base/hash.h"
#include "cli_test_util.h"
#include "store/local_store.h"
#include "testing/s3_e2e.h"
#include "testing/s3_oracle.h"

namespace stocktake::testing {
namespace {

constexpr char kFields[] = "Size,LastModifiedDate,ETag,StorageClass,IsMultipartUploaded";

std::vector<std::string> AwkwardKeys() {
  return {"plain",     "with space",  "plus+sign",  "percent%20",  "caf\xC3\xA9/na\xC3\xAFve",
          "emoji \xF0\x9F\x98\x80", "new\nline", "quote\"s'", "a-b",     "a/b",
          "a0",        "deep/er/and/deeper/leaf.bin"};
}

std::vector<std::string> Keys(const FetchedReport& report) {
  std::vector<std::string> keys;
  for (const store::ObjectInfo& o : report.rows) keys.push_back(o.key);
  return keys;
}

const std::string kParquetSchema =
    "message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); "
    "optional int64 size; optional int64 last_modified_date (TIMESTAMP_MILLIS); "
    "optional binary e_tag (UTF8); optional binary storage_class (UTF8); "
    "optional boolean is_multipart_uploaded; }";

TEST(ParquetLocalE2eTest, ScanOfALocalTreeEqualsAWalkAndReadsInDuckDbAndHyparquet) {
  TempDir tmp;
  std::filesystem::create_directories(tmp.Sub("out"));
  int64_t us = 1'700'000'000'123'456;
  size_t size = 0;
  for (const std::string& key : AwkwardKeys()) {
    WriteFile(tmp.Sub("est/src/" + key), std::string(size++ * 41, 'p'));
    struct timeval times[2];
    times[0].tv_sec = times[1].tv_sec = (us += 86'400'000'321) / 1000000;
    times[0].tv_usec = times[1].tv_usec = us % 1000000;
    ASSERT_EQ(::utimes(tmp.Sub("est/src/" + key).c_str(), times), 0) << key;
  }
  RunResult run = cli_test::Stocktake(
      tmp.Sub("state"), {"scan", tmp.Sub("est/src"), "--dest", tmp.Sub("out/dst"), "--format",
                         "parquet", "--fields", kFields});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  store::LocalStoreOptions options;
  options.root = tmp.Sub("out");
  auto out = store::LocalStore::Open(options);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto report = FetchReport(**out, "dst", "", "src", "scan", tmp.Sub("download"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->format, "Parquet");
  std::string manifest = ReadFile(tmp.Sub("out/dst/" + report->manifest_key));
  EXPECT_NE(manifest.find("\"fileFormat\":\"Parquet\""), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("\"fileSchema\":\"" + kParquetSchema + "\""), std::string::npos)
      << manifest;

  const auto walked = cli_test::WalkBucket(tmp.Sub("est/src"));
  std::vector<std::string> want;
  for (const auto& [key, unused] : walked) want.push_back(key);
  EXPECT_EQ(Keys(*report), want);
  for (const store::ObjectInfo& o : report->rows) {
    const cli_test::WalkedObject& w = walked.at(o.key);
    EXPECT_EQ(o.size, w.size) << o.key;
    EXPECT_EQ(o.last_modified_ms, w.mtime_ms) << o.key;
    EXPECT_EQ(o.etag, w.md5) << o.key;
    EXPECT_EQ(o.storage_class, "STANDARD") << o.key;
  }
  S3EndToEndTest::ExpectDuckDbAgrees(*report);
  S3EndToEndTest::ExpectHyparquetAgrees(*report);
}

class ParquetS3E2eTest : public S3EndToEndTest {};

TEST_F(ParquetS3E2eTest, ScanOfAnS3BucketEqualsBoto3AndReadsInDuckDbAndHyparquet) {
  const std::string src = NewBucket("pq");
  const std::string dst = NewBucket("pq-dst");
  std::vector<std::string> keys = AwkwardKeys();
  for (int i = 0; i < 1200; ++i) keys.push_back("many/" + std::to_string(i * 7919 % 10007));
  PutAll(src, keys, [](const std::string& key) { return std::string(key.size() % 17, 'b'); });

  RunResult run = Stocktake({"scan", "s3://" + src, "--dest", "s3://" + dst + "/pq/out",
                             "--endpoint-url", server_->endpoint(), "--format", "parquet",
                             "--fields", kFields});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  FetchedReport report = Report(dst, "pq/out", src, "scan");
  EXPECT_EQ(report.format, "Parquet");
  EXPECT_EQ(report.rows.size(), keys.size());
  auto manifest = store_->Get(dst, report.manifest_key);
  ASSERT_TRUE(manifest.ok());
  EXPECT_NE(manifest->find("\"fileSchema\":\"" + kParquetSchema + "\""), std::string::npos);
  ExpectRowsEqualOracle(report, src, /*versions=*/false);
  ExpectDuckDbAgrees(report);
  ExpectHyparquetAgrees(report);
}

TEST_F(ParquetS3E2eTest, VersionsReportInParquetEqualsBoto3) {
  const std::string src = NewBucket("pqv");
  const std::string dst = NewBucket("pqv-dst");
  ASSERT_TRUE(store_->Put(src, "null ver", "before versioning").ok());
  ASSERT_TRUE(store_->SetVersioning(src, true).ok());
  for (std::string body : {"1", "22"}) ASSERT_TRUE(store_->Put(src, "k+1", body).ok());
  ASSERT_TRUE(store_->Put(src, "gone", "x").ok());
  ASSERT_TRUE(store_->Delete(src, "gone").ok());

  RunResult run = Stocktake({"scan", "s3://" + src, "--dest", "s3://" + dst, "--endpoint-url",
                             server_->endpoint(), "--format", "Parquet", "--versions", "all",
                             "--fields", "Size,ETag"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  FetchedReport report = Report(dst, "", src, "scan");
  EXPECT_EQ(report.rows.size(), 5u);
  ExpectRowsEqualOracle(report, src, /*versions=*/true);
  ExpectDuckDbAgrees(report);
  ExpectHyparquetAgrees(report);
}

TEST_F(ParquetS3E2eTest, StoredParquetConfigurationRunsIntoAParquetReport) {
  const std::string src = NewBucket("pqrun");
  const std::string dst = NewBucket("pqrun-dst");
  PutAll(src, AwkwardKeys(), [](const std::string& key) { return key + key; });
  const std::string xml =
      "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Id>pq-daily</Id><IsEnabled>true</IsEnabled>"
      "<Destination><S3BucketDestination><Format>Parquet</Format>"
      "<Bucket>arn:aws:s3:::" + dst + "</Bucket><Prefix>inv</Prefix>"
      "</S3BucketDestination></Destination><Schedule><Frequency>Daily</Frequency></Schedule>"
      "<IncludedObjectVersions>Current</IncludedObjectVersions>"
      "<OptionalFields><Field>Size</Field><Field>LastModifiedDate</Field><Field>ETag</Field>"
      "<Field>StorageClass</Field><Field>IsMultipartUploaded</Field></OptionalFields>"
      "</InventoryConfiguration>";
  RunResult put = Stocktake({"inventory", "put", "--endpoint-url", server_->endpoint(), "--bucket",
                             src, "--file", "-"},
                            {}, xml);
  ASSERT_EQ(put.exit_code, 0) << put.err;
  RunResult run = Stocktake({"run", "--endpoint-url", server_->endpoint(), "--bucket", src});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  FetchedReport report = Report(dst, "inv", src, "pq-daily");
  EXPECT_EQ(report.format, "Parquet");
  for (const std::string& key : report.data_keys) EXPECT_TRUE(key.ends_with(".parquet")) << key;
  auto manifest = store_->Get(dst, report.manifest_key);
  ASSERT_TRUE(manifest.ok());
  EXPECT_NE(manifest->find("\"fileSchema\":\"" + kParquetSchema + "\""), std::string::npos)
      << *manifest;
  ExpectRowsEqualOracle(report, src, /*versions=*/false);
  ExpectDuckDbAgrees(report);
  ExpectHyparquetAgrees(report);
}

}  // namespace
}  // namespace stocktake::testing
