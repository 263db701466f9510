#include "format/manifest.h"

#include <gtest/gtest.h>

#include "base/hash.h"
#include "format/report_writer.h"

namespace stocktake::format {
namespace {

Manifest AwsManifest() {
  Manifest m;
  m.source_bucket = "src";
  m.destination_bucket = "arn:aws:s3:::dest";
  m.version = std::string(kAwsManifestVersion);
  m.creation_ms = 1514944800000;
  m.file_format = "CSV";
  m.file_schema = "Bucket, Key, Size";
  m.files = {{"inv/src/report1/data/939c6d46-85a9-4ba8-87bd-9db705a579ce.csv.gz", 2147483647,
              "f11166069f1990abeb9c97ace9cdfabc", 0},
             {"inv/src/report1/data/b.csv.gz", 10, "00000000000000000000000000000000", 0}};
  return m;
}

TEST(ManifestTest, WritesAwsJsonExactly) {
  EXPECT_EQ(WriteAwsManifestJson(AwsManifest()),
            R"({"sourceBucket":"src","destinationBucket":"arn:aws:s3:::dest",)"
            R"("version":"2016-11-30","creationTimestamp":"1514944800000","fileFormat":"CSV",)"
            R"("fileSchema":"Bucket, Key, Size","files":[)"
            R"({"key":"inv/src/report1/data/939c6d46-85a9-4ba8-87bd-9db705a579ce.csv.gz",)"
            R"("size":2147483647,"MD5checksum":"f11166069f1990abeb9c97ace9cdfabc"},)"
            R"({"key":"inv/src/report1/data/b.csv.gz","size":10,)"
            R"("MD5checksum":"00000000000000000000000000000000"}]})");
}

TEST(ManifestTest, WritesObsJsonExactly) {
  Manifest m;
  m.source_bucket = "user001";
  m.destination_bucket = "bucket001";
  m.version = std::string(kObsManifestVersion);
  m.file_format = "CSV";
  m.file_schema = "Bucket,Key,Size";
  m.files = {{"BucketInventory/user001/test_id/2019-01-03T12-28Z/files/ABC_1.csv", 6705647390, "",
              70585762}};
  EXPECT_EQ(WriteObsManifestJson(m),
            R"({"sourceBucket":"user001","destinationBucket":"bucket001","version":"2019-01-03",)"
            R"("fileFormat":"CSV","fileSchema":"Bucket,Key,Size","files":[)"
            R"({"key":"BucketInventory/user001/test_id/2019-01-03T12-28Z/files/ABC_1.csv",)"
            R"("size":6705647390,"inventoriedRecord":70585762}]})");
}

TEST(ManifestTest, AwsJsonParsesBackToTheSameManifest) {
  auto parsed = ParseManifestJson(WriteAwsManifestJson(AwsManifest()));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, AwsManifest());
}

TEST(ManifestTest, ReadsTheObsDocumentationExampleWithItsTrailingComma) {
  const char* doc = R"({
        "sourceBucket":"user001",
        "destinationBucket":"bucket001",
        "version":"2019-01-03",
        "fileFormat":"CSV",
        "fileSchema":"Bucket,Key,Size,LastModifiedDate,ETag,StorageClass,IsMultipartUploaded,ReplicationStatus,EncryptionStatus",
        "files":[
                {
                        "key":"inventory/user001/test_id/2019-01-03T12-28Z/files/0000016813AF58E66806C1E2D7F15155_1.csv",
                        "size":6705647390,
                        "inventoriedRecord":70585762,
                }
        ]
})";
  auto parsed = ParseManifestJson(doc);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->destination_bucket, "bucket001");
  EXPECT_EQ(parsed->version, "2019-01-03");
  EXPECT_EQ(parsed->creation_ms, 0);
  ASSERT_EQ(parsed->files.size(), 1u);
  EXPECT_EQ(parsed->files[0].size, 6705647390);
  EXPECT_EQ(parsed->files[0].inventoried_record, 70585762);
  EXPECT_EQ(parsed->files[0].md5_hex, "");
}

TEST(ManifestTest, EscapesStringsAndKeepsCommasInsideThem) {
  Manifest m = AwsManifest();
  m.source_bucket = "b";
  m.files = {{std::string("we\"ird\\key,}\n\t\x01 caf\xC3\xA9 ,]", 24), 1, "x", 0}};
  std::string json = WriteAwsManifestJson(m);
  EXPECT_NE(json.find(R"("we\"ird\\key,}\n\t\u0001 caf)"), std::string::npos) << json;
  auto parsed = ParseManifestJson(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, m);
}

TEST(ManifestTest, CreationTimestampMayBeANumber) {
  auto parsed =
      ParseManifestJson(R"({"sourceBucket":"s","destinationBucket":"d","creationTimestamp":42,)"
                        R"("fileFormat":"CSV","fileSchema":"Bucket, Key","files":[]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->creation_ms, 42);
}

TEST(ManifestTest, MalformedManifestsAreCorruption) {
  const std::vector<std::string> bad = {
      "",
      "not json",
      "[]",
      R"({"sourceBucket":"s"})",
      R"({"sourceBucket":"s","destinationBucket":"d","fileFormat":"CSV","fileSchema":"x"})",
      R"({"sourceBucket":"s","destinationBucket":"d","fileFormat":"CSV","fileSchema":"x",)"
      R"("files":[{"size":1}]})",
      R"({"sourceBucket":"s","destinationBucket":"d","fileFormat":"CSV","fileSchema":"x",)"
      R"("files":[{"key":"k","size":"big"}]})",
      R"({"sourceBucket":"s","destinationBucket":"d","creationTimestamp":"soon",)"
      R"("fileFormat":"CSV","fileSchema":"x","files":[]})",
      R"({"sourceBucket":1,"destinationBucket":"d","fileFormat":"CSV","fileSchema":"x",)"
      R"("files":[]})",
      R"({"sourceBucket":"s","destinationBucket":"d","fileFormat":"CSV","fileSchema":"x",)"
      R"("files":[{"key":"k","size":1}])",
  };
  for (const std::string& json : bad) {
    auto parsed = ParseManifestJson(json);
    ASSERT_FALSE(parsed.ok()) << json;
    EXPECT_EQ(parsed.status().code(), Code::kCorruption) << json;
  }
}

TEST(ManifestTest, ChecksumIsLowercaseHexMd5AndNewline) {
  std::string json = WriteAwsManifestJson(AwsManifest());
  std::string checksum = ManifestChecksum(json);
  EXPECT_EQ(checksum, Md5Hex(json) + "\n");
  EXPECT_EQ(checksum.size(), 33u);
  EXPECT_EQ(ManifestChecksum(""), "d41d8cd98f00b204e9800998ecf8427e\n");
}

TEST(FileSchemaTest, NamesColumnsPerFormatAndDialect) {
  auto columns = ReportColumns(
      true, {InventoryField::kSize, InventoryField::kLastModifiedDate, InventoryField::kETag});
  EXPECT_EQ(FileSchema(ReportFormat::kCsv, columns, false),
            "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag");
  EXPECT_EQ(FileSchema(ReportFormat::kCsv, columns, true),
            "Bucket,Key,VersionId,IsLatest,IsDeleteMarker,Size,LastModifiedDate,ETag");
  EXPECT_EQ(FileSchema(ReportFormat::kParquet, columns, false),
            "message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); "
            "optional binary version_id (UTF8); optional boolean is_latest; "
            "optional boolean is_delete_marker; optional int64 size; "
            "optional int64 last_modified_date (TIMESTAMP_MILLIS); "
            "optional binary e_tag (UTF8); }");
  EXPECT_EQ(FileSchema(ReportFormat::kOrc, columns, false),
            "struct<bucket:string,key:string,version_id:string,is_latest:boolean,"
            "is_delete_marker:boolean,size:bigint,last_modified_date:timestamp,e_tag:string>");
}

TEST(FileSchemaTest, FormatNamesAndSuffixes) {
  EXPECT_EQ(ReportFormatName(ReportFormat::kParquet), "Parquet");
  EXPECT_EQ(ReportFileSuffix(ReportFormat::kCsv, true), ".csv.gz");
  EXPECT_EQ(ReportFileSuffix(ReportFormat::kCsv, false), ".csv");
  EXPECT_EQ(ReportFileSuffix(ReportFormat::kOrc, true), ".orc");
}

}  // namespace
}  // namespace stocktake::format
