// `stocktake cat` end to end: the built binary prints Parquet and CSV(.gz)
// reports (local files and s3:// objects on the RGW test server) as CSV and
// JSON lines, and fails cleanly on damaged files.
#include <gtest/gtest.h>

#include "format/manifest.h"
#include "format/report_writer.h"
#include "store/s3_store.h"
#include "testing/memory_writer.h"
#include "testing/s3_server.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace stocktake::cli {
namespace {

using testing::RunStocktake;
using testing::TempDir;

const std::vector<InventoryField> kColumns = {
    InventoryField::kBucket, InventoryField::kKey, InventoryField::kSize,
    InventoryField::kLastModifiedDate, InventoryField::kIsMultipartUploaded};

std::vector<store::ObjectInfo> Records() {
  store::ObjectInfo a;
  a.key = "dir/a, \"b\"\nc";
  a.size = 42;
  a.last_modified_ms = 1713748408123;  // 2024-04-22T01:13:28.123Z
  a.etag = "abc-2";
  store::ObjectInfo b;
  b.key = "plain";  // no ETag: IsMultipartUploaded unknown
  return {a, b};
}

std::string WriteReport(format::ReportFormat report_format) {
  format::ReportWriterOptions options;
  options.format = report_format;
  options.source_bucket = "src";
  options.columns = kColumns;
  testing::StringWriter out;
  auto writer = format::NewReportWriter(options, &out);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  for (const auto& r : Records()) EXPECT_TRUE((*writer)->Append(r).ok());
  EXPECT_TRUE((*writer)->Finish().ok());
  return out.data();
}

const std::string kCsvOutput =
    "bucket,key,size,last_modified_date,is_multipart_uploaded\n"
    "src,\"dir/a, \"\"b\"\"\nc\",42,2024-04-22T01:13:28.123Z,true\n"
    "src,plain,0,,\n";

const std::string kJsonOutput =
    "{\"bucket\":\"src\",\"key\":\"dir/a, \\\"b\\\"\\nc\",\"size\":42,"
    "\"last_modified_date\":\"2024-04-22T01:13:28.123Z\",\"is_multipart_uploaded\":true}\n"
    "{\"bucket\":\"src\",\"key\":\"plain\",\"size\":0,\"last_modified_date\":null,"
    "\"is_multipart_uploaded\":null}\n";

void ExpectOutput(const std::vector<std::string>& args, const std::string& expected) {
  testing::RunResult r = RunStocktake(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, expected);
}

TEST(CliCatTest, PrintsParquetAsCsvAndJsonLines) {
  TempDir dir;
  const std::string path = dir.Sub("r.parquet");
  testing::WriteFile(path, WriteReport(format::ReportFormat::kParquet));
  ExpectOutput({"cat", path}, kCsvOutput);
  ExpectOutput({"cat", path, "--output", "json"}, kJsonOutput);
  ExpectOutput({"cat", path, "--limit", "1", "--output", "json"},
               kJsonOutput.substr(0, kJsonOutput.find('\n') + 1));
}

TEST(CliCatTest, PrintsCsvGzLikeParquetGivenItsColumns) {
  TempDir dir;
  const std::string path = dir.Sub("r.csv.gz"), manifest = dir.Sub("manifest.json");
  testing::WriteFile(path, WriteReport(format::ReportFormat::kCsv));
  format::Manifest m;
  m.source_bucket = "src";
  m.destination_bucket = "arn:aws:s3:::dst";
  m.version = std::string(format::kAwsManifestVersion);
  m.file_format = "CSV";
  m.file_schema = format::FileSchema(format::ReportFormat::kCsv, kColumns, false);
  m.files.push_back({"r.csv.gz", 1, "00", 0});
  testing::WriteFile(manifest, format::WriteAwsManifestJson(m));
  ExpectOutput({"cat", path, "--manifest", manifest}, kCsvOutput);
  ExpectOutput({"cat", path, "--columns", "Bucket,Key,size,LastModifiedDate,IsMultipartUploaded",
                "--output", "json"},
               kJsonOutput);
  // Without columns the raw (URL-encoded) fields come out as text.
  ExpectOutput({"cat", path, "--limit", "1"},
               "column0,column1,column2,column3,column4\n"
               "src,dir/a%2C+%22b%22%0Ac,42,2024-04-22T01:13:28.123Z,true\n");
}

TEST(CliCatTest, DamagedOrWrongInputFailsWithAMessage) {
  TempDir dir;
  std::string parquet = WriteReport(format::ReportFormat::kParquet);
  const std::string truncated = dir.Sub("t.parquet"), csv = dir.Sub("r.csv.gz");
  testing::WriteFile(truncated, parquet.substr(0, 4) + parquet.substr(parquet.size() / 2));
  testing::WriteFile(csv, WriteReport(format::ReportFormat::kCsv));
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"cat", truncated}, "read parquet " + truncated},
           {{"cat", dir.Sub("missing.parquet")}, "No such file"},
           {{"cat", csv, "--columns", "Bucket,Key"}, "5 fields, expected 2"},
           {{"cat", csv, "--columns", "Bucket,Nope"}, "unknown inventory column 'Nope'"},
           {{"cat", csv, "--output", "xml"}, "--output must be"},
       }) {
    testing::RunResult r = RunStocktake(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args[1];
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
  }
}

TEST(CliCatTest, PrintsAnS3Object) {
  auto server = testing::S3TestServer::Get();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto s3 = store::S3Store::Open((*server)->StoreOptions());
  ASSERT_TRUE(s3.ok()) << s3.status().ToString();
  const std::string bucket = testing::S3TestServer::UniqueBucket("cat");
  ASSERT_TRUE((*s3)->CreateBucket(bucket).ok());
  ASSERT_TRUE(
      (*s3)->Put(bucket, "inv/data/r.parquet", WriteReport(format::ReportFormat::kParquet)).ok());
  testing::RunOptions options;
  options.env = {{"AWS_ACCESS_KEY_ID", (*server)->credentials().access_key_id},
                 {"AWS_SECRET_ACCESS_KEY", (*server)->credentials().secret_access_key},
                 {"AWS_REGION", (*server)->region()}};
  testing::RunResult r =
      RunStocktake({"cat", "s3://" + bucket + "/inv/data/r.parquet", "--endpoint-url",
                    (*server)->endpoint(), "--region", (*server)->region()},
                   options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kCsvOutput);
}

}  // namespace
}  // namespace stocktake::cli
