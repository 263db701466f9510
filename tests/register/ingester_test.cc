// Ingest of one report into the central store: our own reports in every
// format and layout, foreign (AWS-written and OBS-written) reports built
// from the spec, and the checks that keep a report from being registered
// half or twice. Central contents are read back with DuckDB.
#include "register/ingester.h"

#include <gtest/gtest.h>

#include <functional>

#include "base/hash.h"
#include "format/gzip_stream.h"
#include "format/manifest.h"
#include "format/parquet_reader.h"
#include "register/register_test_util.h"
#include "testing/duckdb.h"

namespace stocktake::reg {
namespace {

using format::ReportFormat;
using inventory::ReportLayout;

std::string Gzip(const std::string& text) {
  std::string out;
  format::GzipCompressor gz(6, [&out](std::string_view chunk) {
    out.append(chunk);
    return Status::OK();
  });
  EXPECT_TRUE(gz.Write(text).ok());
  EXPECT_TRUE(gz.Finish().ok());
  return out;
}

class IngesterTest : public RegisterTest {
 protected:
  // Writes a report by hand, as another producer would: data files under
  // <account>/<source>/inv/data/, manifest.json and manifest.checksum under
  // the 2024-01-01T00-00Z folder. `edit` may change the manifest first.
  ReportRef PutAwsReport(const std::string& source, const std::string& format,
                         const std::string& schema,
                         const std::vector<std::pair<std::string, std::string>>& files,
                         const std::function<void(format::Manifest*)>& edit = {}) {
    const std::string base = "111111111111/" + source + "/inv/";
    format::Manifest m;
    m.source_bucket = source;
    m.destination_bucket = "arn:aws:s3:::collector";
    m.version = std::string(format::kAwsManifestVersion);
    m.creation_ms = kDay1;
    m.file_format = format;
    m.file_schema = schema;
    for (const auto& [name, data] : files) {
      PutCollector(base + "data/" + name, data);
      m.files.push_back(format::ManifestFile{base + "data/" + name,
                                             static_cast<int64_t>(data.size()), Md5Hex(data), 0});
    }
    if (edit) edit(&m);
    const std::string json = format::WriteAwsManifestJson(m);
    PutCollector(base + "2024-01-01T00-00Z/manifest.json", json);
    PutCollector(base + "2024-01-01T00-00Z/manifest.checksum", format::ManifestChecksum(json));
    return Ref(base + "2024-01-01T00-00Z/manifest.json");
  }

  // A one-file CSV.gz report of bucket "src" with the schema
  // "Bucket, Key, Size" and the rows `csv`.
  ReportRef PutCsvReport(const std::string& csv,
                         const std::function<void(format::Manifest*)>& edit = {}) {
    return PutAwsReport("src", "CSV", "Bucket, Key, Size", {{"a.csv.gz", Gzip(csv)}}, edit);
  }

  void ExpectQuarantined(const ReportRef& ref, const std::string& reason_part) {
    IngestOutcome outcome = Ingest(ref);
    EXPECT_EQ(outcome.result, IngestResult::kQuarantined) << IngestResultName(outcome.result);
    EXPECT_NE(outcome.reason.find(reason_part), std::string::npos) << outcome.reason;
    EXPECT_TRUE(CentralFiles().empty());
    EXPECT_TRUE(catalog_->Reports()->empty());
    std::vector<QuarantinedReport> q = *catalog_->Quarantined();
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].manifest_key, ref.manifest_key);
    EXPECT_EQ(q[0].reason, outcome.reason);
    // Once quarantined, a replay is a no-op.
    EXPECT_EQ(Ingest(ref).result, IngestResult::kAlreadyKnown);
  }

  int RowGroupsOf(const std::string& part_key) {
    Result<std::unique_ptr<format::ParquetReader>> reader =
        format::ParquetReader::Open(store_.get(), "central", part_key);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    return reader.ok() ? static_cast<int>((*reader)->metadata().row_groups.size()) : -1;
  }
};

TEST_F(IngesterTest, OwnReportsInEveryFormatAndLayoutLandInTheirPartition) {
  struct Case {
    ReportFormat format;
    ReportLayout layout;
    std::string bucket;
  };
  const std::vector<Case> cases = {{ReportFormat::kCsv, ReportLayout::kAws, "csv-src"},
                                   {ReportFormat::kParquet, ReportLayout::kAws, "pq-src"},
                                   {ReportFormat::kCsv, ReportLayout::kObs, "obs-src"}};
  for (const Case& c : cases) {
    FillBucket(c.bucket, 150);
    ReportRef ref = Generate(c.bucket, "111111111111", kDay1 + 3'600'000, c.format, c.layout);
    IngestOutcome outcome = Ingest(ref);
    ASSERT_EQ(outcome.result, IngestResult::kRegistered) << c.bucket << ": " << outcome.reason;
    EXPECT_EQ(outcome.rows, 151);
    EXPECT_EQ(outcome.part_key.rfind("inv/dt=2024-01-01/account=111111111111/region=eu-west-1/"
                                     "bucket=" + c.bucket + "/part-",
                                     0),
              0u)
        << outcome.part_key;
    EXPECT_GE(RowGroupsOf(outcome.part_key), 3) << "row groups of 64 rows";
    // 1 + 2 + ... + 150 plus the 5-byte "dir/a b+c.txt".
    EXPECT_EQ(QueryCentral("count(*), sum(size), count(DISTINCT key), min(dt)::VARCHAR, "
                           "min(account), min(region)",
                           "WHERE bucket = " + testing::SqlQuote(c.bucket)),
              std::vector<std::string>{
                  R"(["151","11330","151","2024-01-01","111111111111","eu-west-1"])"});
    EXPECT_EQ(QueryCentral("key, size, e_tag, storage_class, version_id IS NULL, "
                           "object_owner IS NULL, is_latest IS NULL",
                           "WHERE bucket = " + testing::SqlQuote(c.bucket) +
                               " AND key LIKE 'dir/%'"),
              std::vector<std::string>{R"(["dir/a b+c.txt","5",")" + Md5Hex("hello") +
                                       R"(","STANDARD",true,true,true])"});
  }
  EXPECT_EQ(catalog_->Reports()->size(), 3u);
}

TEST_F(IngesterTest, ForeignAwsCsvReportIsNormalised) {
  // As AWS writes it (spec §4): every field quoted, keys form-encoded,
  // booleans in any case, blank lines at the end.
  const std::string csv =
      "\"aws-src\",\"photos/red+flower%2B1.jpg\",\"\",\"true\",\"false\",\"85860\","
      "\"2017-08-09T07:07:56.000Z\",\"d0655f3673af1ca741b11b29865be8e1\",\"STANDARD\","
      "\"False\",\"\",\"SSE-S3\",\"\",\"\",\"\",\"\",\"\",\"\"\n"
      "\"aws-src\",\"caf%C3%A9\",\"v2\",\"True\",\"false\",\"12\",\"2024-04-22T01:13:28.123Z\","
      "\"abc-2\",\"GLACIER\",\"true\",\"COMPLETED\",\"SSE-KMS\",\"2030-01-01T00:00:00.000Z\","
      "\"GOVERNANCE\",\"On\",\"\",\"ENABLED\",\"CRC32\"\n\n\n";
  ReportRef ref = PutAwsReport(
      "aws-src", "CSV",
      "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, "
      "StorageClass, IsMultipartUploaded, ReplicationStatus, EncryptionStatus, "
      "ObjectLockRetainUntilDate, ObjectLockMode, ObjectLockLegalHoldStatus, "
      "IntelligentTieringAccessTier, BucketKeyStatus, ChecksumAlgorithm",
      {{"a.csv.gz", Gzip(csv)}});
  IngestOutcome outcome = Ingest(ref);
  ASSERT_EQ(outcome.result, IngestResult::kRegistered) << outcome.reason;
  EXPECT_EQ(outcome.rows, 2);
  EXPECT_EQ(
      QueryCentral("key, version_id, is_latest, size, epoch_ms(last_modified_date), "
                   "is_multipart_uploaded, replication_status, encryption_status, "
                   "epoch_ms(object_lock_retain_until_date), object_lock_legal_hold_status, "
                   "intelligent_tiering_access_tier, checksum_algorithm, object_owner, "
                   "lifecycle_expiration_date",
                   "ORDER BY key"),
      (std::vector<std::string>{
          R"(["café","v2",true,"12","1713748408123",true,"COMPLETED","SSE-KMS","1893456000000","On",null,"CRC32",null,null])",
          R"(["photos/red flower+1.jpg","",true,"85860","1502262476000",false,null,"SSE-S3",null,null,null,null,null,null])"}));
}

TEST_F(IngesterTest, ForeignAwsParquetReportIsNormalised) {
  // AWS's Parquet names and types (spec §4), written by DuckDB: INT64
  // TIMESTAMP millis, optional booleans, a column we do not know.
  const std::string dir = root() + "/collector/111111111111/aws-pq/inv/data";
  std::filesystem::create_directories(dir);
  Result<std::vector<std::string>> copied = testing::DuckDbQuery(
      "COPY (SELECT * FROM (VALUES "
      "('aws-pq', 'a b/c+d.txt', 100::BIGINT, TIMESTAMP_MS '2024-04-22 01:13:28.123', "
      "'etag1', 'STANDARD', false, 'NOT-SSE', 'x'), "
      "('aws-pq', 'z', NULL, TIMESTAMP_MS '2024-04-23 00:00:00', NULL, 'GLACIER', true, "
      "'SSE-S3', 'y')) t(bucket, key, size, last_modified_date, e_tag, storage_class, "
      "is_multipart_uploaded, encryption_status, some_future_column)) TO " +
      testing::SqlQuote(dir + "/f.parquet") + " (FORMAT parquet, COMPRESSION snappy)");
  ASSERT_TRUE(copied.ok()) << copied.status().ToString();
  const std::string data = testing::ReadFile(dir + "/f.parquet");
  ASSERT_TRUE(store_->Delete("collector", "111111111111/aws-pq/inv/data/f.parquet").ok());
  ReportRef ref = PutAwsReport(
      "aws-pq", "Parquet",
      "message s3.inventory { required binary bucket (STRING); required binary key (STRING); "
      "optional int64 size; optional int64 last_modified_date (TIMESTAMP(MILLIS,true)); }",
      {{"f.parquet", data}});
  IngestOutcome outcome = Ingest(ref);
  ASSERT_EQ(outcome.result, IngestResult::kRegistered) << outcome.reason;
  EXPECT_EQ(QueryCentral("key, size, epoch_ms(last_modified_date), e_tag, storage_class, "
                         "is_multipart_uploaded, encryption_status, version_id",
                         "ORDER BY key"),
            (std::vector<std::string>{
                R"(["a b/c+d.txt","100","1713748408123","etag1","STANDARD",false,"NOT-SSE",null])",
                R"(["z",null,"1713830400000",null,"GLACIER",true,"SSE-S3",null])"}));
}

TEST_F(IngesterTest, ForeignObsReportIsNormalised) {
  // The OBS dialect (spec §2-3): plain CSV under files/, no checksum, a
  // plain destination name, inventoriedRecord, and a trailing comma.
  const std::string base = "222222222222/obs-src/obs-inv/2024-01-01T10-00Z/";
  const std::string csv =
      "\"obs-src\",\"a%20b\",\"10\",\"2024-01-01T09:00:00.000Z\",\"e1\",\"STANDARD\"\n"
      "\"obs-src\",\"c\",\"20\",\"2024-01-01T09:30:00.000Z\",\"e2\",\"WARM\"\n";
  PutCollector(base + "files/0000016813AF58E66806C1E2D7F15155_1.csv", csv);
  const std::string json =
      R"({"sourceBucket":"obs-src","destinationBucket":"collector","version":"2019-01-03",)"
      R"("fileFormat":"CSV","fileSchema":"Bucket,Key,Size,LastModifiedDate,ETag,StorageClass",)"
      R"("files":[{"key":")" +
      base + R"(files/0000016813AF58E66806C1E2D7F15155_1.csv","size":)" +
      std::to_string(csv.size()) + R"(,"inventoriedRecord":2},]})";
  PutCollector(base + "manifest.json", json);
  IngestOutcome outcome = Ingest(Ref(base + "manifest.json"));
  ASSERT_EQ(outcome.result, IngestResult::kRegistered) << outcome.reason;
  EXPECT_EQ(QueryCentral("dt::VARCHAR, account, bucket, key, size, storage_class", "ORDER BY key"),
            (std::vector<std::string>{R"(["2024-01-01","222222222222","obs-src","a b","10","STANDARD"])",
                                      R"(["2024-01-01","222222222222","obs-src","c","20","WARM"])"}));
}

TEST_F(IngesterTest, BadManifestChecksumIsQuarantined) {
  FillBucket("src", 3);
  ReportRef ref = Generate("src", "111111111111", kDay1);
  PutCollector(ref.checksum_key, "0123456789abcdef0123456789abcdef\n");
  ExpectQuarantined(ref, "is not the MD5 of manifest.json");
}

TEST_F(IngesterTest, MissingDataFileIsQuarantined) {
  FillBucket("src", 3);
  ReportRef ref = Generate("src", "111111111111", kDay1);
  format::Manifest m = *format::ParseManifestJson(*store_->Get("collector", ref.manifest_key));
  ASSERT_TRUE(store_->Delete("collector", m.files[0].key).ok());
  ExpectQuarantined(ref, "listed in the manifest is missing");
}

TEST_F(IngesterTest, DataFileMd5MismatchIsQuarantined) {
  ReportRef ref = PutCsvReport("\"src\",\"k\",\"1\"\n", [](format::Manifest* m) {
    m->files[0].md5_hex = "0123456789abcdef0123456789abcdef";
  });
  ExpectQuarantined(ref, "does not match the manifest's 0123456789abcdef0123456789abcdef");
}

TEST_F(IngesterTest, DataFileSizeMismatchIsQuarantined) {
  ReportRef ref =
      PutCsvReport("\"src\",\"k\",\"1\"\n", [](format::Manifest* m) { m->files[0].size += 1; });
  ExpectQuarantined(ref, "the manifest says");
}

TEST_F(IngesterTest, BadRowIsQuarantined) {
  ReportRef ref = PutCsvReport("\"src\",\"k\",\"1\"\n\"src\",\"j\",\"abc\"\n");
  ExpectQuarantined(ref, "line 2: column size: not a byte count 'abc'");
}

TEST_F(IngesterTest, WrongFieldCountIsQuarantined) {
  ReportRef ref = PutCsvReport("\"src\",\"k\"\n");
  ExpectQuarantined(ref, "2 fields, fileSchema has 3");
}

TEST_F(IngesterTest, TruncatedGzipIsQuarantined) {
  std::string gz = Gzip("\"src\",\"k\",\"1\"\n\"src\",\"j\",\"2\"\n");
  ReportRef ref = PutAwsReport("src", "CSV", "Bucket, Key, Size",
                               {{"a.csv.gz", gz.substr(0, gz.size() - 6)}});
  ExpectQuarantined(ref, "a.csv.gz");
}

TEST_F(IngesterTest, UnparseableManifestIsQuarantined) {
  const std::string base = "111111111111/src/inv/2024-01-01T00-00Z/";
  PutCollector(base + "manifest.json", "{not json");
  PutCollector(base + "manifest.checksum", format::ManifestChecksum("{not json"));
  ExpectQuarantined(Ref(base + "manifest.json"), "invalid JSON");
}

TEST_F(IngesterTest, SourceBucketDisagreeingWithTheLayoutIsQuarantined) {
  ReportRef ref = PutCsvReport("\"other\",\"k\",\"1\"\n",
                               [](format::Manifest* m) { m->source_bucket = "other"; });
  ExpectQuarantined(ref, "sourceBucket 'other' is not the layout's source bucket 'src'");
}

TEST_F(IngesterTest, RowOfAnotherBucketIsQuarantined) {
  ReportRef ref = PutCsvReport("\"other\",\"k\",\"1\"\n");
  ExpectQuarantined(ref, "row of bucket 'other' in a report of bucket 'src'");
}

TEST_F(IngesterTest, OrcAndNonParquetFilesAreQuarantined) {
  ReportRef orc = PutAwsReport("src", "ORC", "struct<bucket:string,key:string>",
                               {{"a.orc", "ORC-bytes"}});
  ExpectQuarantined(orc, "ORC reports are not supported");
}

TEST_F(IngesterTest, GarbageParquetIsQuarantined) {
  ReportRef ref = PutAwsReport("src", "Parquet", "message s3.inventory {}",
                               {{"a.parquet", "this is not a parquet file at all"}});
  ExpectQuarantined(ref, "a.parquet");
}

TEST_F(IngesterTest, AwsReportWithoutChecksumWaitsAndIsNotQuarantined) {
  FillBucket("src", 3);
  ReportRef ref = Generate("src", "111111111111", kDay1);
  const std::string checksum = *store_->Get("collector", ref.checksum_key);
  ASSERT_TRUE(store_->Delete("collector", ref.checksum_key).ok());
  EXPECT_EQ(Ingest(ref).result, IngestResult::kIncomplete);
  EXPECT_TRUE(catalog_->Quarantined()->empty());
  EXPECT_TRUE(CentralFiles().empty());
  PutCollector(ref.checksum_key, checksum);
  EXPECT_EQ(Ingest(ref).result, IngestResult::kRegistered);
}

TEST_F(IngesterTest, ReingestingIsANoOp) {
  FillBucket("src", 20);
  ReportRef ref = Generate("src", "111111111111", kDay1);
  ASSERT_EQ(Ingest(ref).result, IngestResult::kRegistered);
  const auto before = CentralFiles();
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(Ingest(ref).result, IngestResult::kAlreadyKnown);
  EXPECT_EQ(CentralFiles(), before);
  EXPECT_EQ(catalog_->Reports()->size(), 1u);
}

TEST_F(RegisterTest, ReportWrittenIntoTheAccountFolderAsABucketIsFound) {
  // `scan --dest /collectors/eu/<account>` on a local tree: the account
  // folder is the destination bucket, so data keys are relative to it.
  FillBucket("src", 5);
  std::filesystem::create_directories(root() + "/collector/111111111111");
  store::LocalStoreOptions options;
  options.root = root() + "/collector";
  std::unique_ptr<store::LocalStore> folder = std::move(store::LocalStore::Open(options)).value();
  FakeClock clock(kDay1);
  inventory::ReportSpec spec;
  spec.source = store_.get();
  spec.source_bucket = "src";
  spec.optional_fields = {InventoryField::kSize};
  spec.destination = folder.get();
  spec.destination_bucket = "111111111111";
  spec.config_id = "inventory";
  spec.clock = &clock;
  Result<inventory::ReportResult> result = inventory::GenerateReport(spec);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  IngestOutcome outcome = Ingest(Ref("111111111111/" + result->manifest_key));
  ASSERT_EQ(outcome.result, IngestResult::kRegistered) << outcome.reason;
  EXPECT_EQ(QueryCentral("count(*), sum(size)"), std::vector<std::string>{R"(["6","20"])"});
}

}  // namespace
}  // namespace stocktake::reg
