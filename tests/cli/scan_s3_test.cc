// End-to-end: `stocktake scan s3://... --dest s3://...` against the real S3
// server. Each report is read back from the destination, checked against
// the layout and manifest rules, compared row by row with an independent
// boto3 listing, and read back with DuckDB.
#include <gtest/gtest.h>

#include <map>

#include "base/clock.h"
#include "base/hash.h"
#include "testing/s3_e2e.h"
#include "testing/s3_oracle.h"

namespace stocktake::testing {
namespace {

constexpr char kListedFields[] = "Size,LastModifiedDate,ETag,StorageClass,IsMultipartUploaded";

// Keys that break naive URL, XML, CSV and path handling.
std::vector<std::string> HostileKeys() {
  std::vector<std::string> keys = {
      "plain",          "with space",        " leading space",  "trailing space ",
      "plus+sign",      "a+b c",             "percent%",        "percent%20literal",
      "%2B",            "caf\xC3\xA9",       "cafe\xCC\x81",    "\xE6\x97\xA5\xE6\x9C\xAC/\xE8\xAA\x9E",
      "emoji-\xF0\x9F\x98\x80\xF0\x9F\x9A\x80", "a//double",    "//leading",       "trailing/",
      "dir",            "dir/",              "dir/x",           "quote\"s'",
      "\"",             "comma,semi;",       "new\nline",       "cr\rlf\r\n",
      "tab\there",      "ctl\x01\x02\x1f\x7f", "amp&eq=q?x#h",   "./dot/../seg",
      "back\\slash",    "~tilde*star!()",    "<xml>&lt;",       "sp ace/+/%/\xC3\xA9/",
  };
  keys.push_back("long/" + std::string(995, 'k'));                    // 1,000 bytes
  std::string wide = "wide/";
  while (wide.size() + 4 <= 1000) wide += "\xF0\x9F\x93\xA6";         // 4-byte emoji
  keys.push_back(wide);
  return keys;
}

class ScanS3Test : public S3EndToEndTest {
 protected:
  // Runs scan with `args` after SOURCE and checks it succeeded; returns
  // the epoch millis just before it started.
  int64_t Scan(const std::string& source, std::vector<std::string> args) {
    args.insert(args.begin(), {"scan", source, "--endpoint-url", server_->endpoint()});
    int64_t start = Clock::Real()->NowMillis();
    RunResult run = Stocktake(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.err, "");
    return start;
  }
};

TEST_F(ScanS3Test, HostileKeysReportEqualsBoto3AndReadsBackInDuckDb) {
  const std::string src = NewBucket("hostile");
  const std::string dst = NewBucket("hostile-dst");
  std::vector<std::string> keys = HostileKeys();
  PutAll(src, keys, [](const std::string& key) { return "body of " + key; });
  {
    // One multipart object, so IsMultipartUploaded and "-N" ETags appear.
    store::S3StoreOptions options = server_->StoreOptions();
    options.part_size = store::kMinPartSize;
    std::unique_ptr<store::S3Store> multipart = std::move(store::S3Store::Open(options)).value();
    ASSERT_TRUE(multipart->Put(src, "multi part", std::string(store::kMinPartSize + 7, 'm')).ok());
  }

  int64_t start = Scan("s3://" + src, {"--dest", "s3://" + dst + "/some/prefix", "--fields",
                                       kListedFields});
  int64_t end = Clock::Real()->NowMillis();

  FetchedReport report = Report(dst, "some/prefix", src, "scan");
  EXPECT_GE(report.creation_ms, start - 1000) << "creationTimestamp is not the scan start";
  EXPECT_LE(report.creation_ms, end);
  EXPECT_EQ(report.rows.size(), keys.size() + 1);
  ExpectRowsEqualOracle(report, src, /*versions=*/false);
  ExpectDuckDbAgrees(report);
  for (const store::ObjectInfo& row : report.rows) {
    EXPECT_EQ(row.IsMultipart(), row.key == "multi part") << row.key << " " << row.etag;
  }
}

TEST_F(ScanS3Test, ThousandsOfObjectsPageAndSplitIntoSeveralDataFiles) {
  const std::string src = NewBucket("pages");
  const std::string dst = NewBucket("pages-dst");
  // Long, poorly compressible keys make > 1 MiB of CSV and enough gzip
  // output for --max-file-size to split after the writer's first block.
  std::vector<std::string> keys;
  for (int i = 0; i < 2600; ++i) {
    char key[64];
    std::snprintf(key, sizeof(key), "dir %02d/obj+%04d-\xC3\xA9-", i % 7, i);
    std::string padding;
    for (int j = 0; j < 10; ++j) padding += Md5Hex(std::to_string(i * 100 + j));
    keys.push_back(key + padding);
  }
  PutAll(src, keys, [](const std::string& key) { return std::string(key.size() % 13, 'x'); });

  Scan("s3://" + src, {"--dest", "s3://" + dst, "--fields", kListedFields, "--max-file-size",
                       "16384"});

  FetchedReport report = Report(dst, "", src, "scan");
  EXPECT_EQ(report.rows.size(), 2600u);
  EXPECT_GE(report.data_keys.size(), 2u) << "--max-file-size did not split the report";
  ExpectRowsEqualOracle(report, src, /*versions=*/false);
  ExpectDuckDbAgrees(report);
}

TEST_F(ScanS3Test, AllVersionsIncludeNullVersionOverwritesAndDeleteMarkers) {
  const std::string src = NewBucket("versions");
  const std::string dst = NewBucket("versions-dst");
  // Written before versioning is enabled: the "null" version.
  ASSERT_TRUE(store_->Put(src, "pre", "before versioning").ok());
  ASSERT_TRUE(store_->Put(src, "pre kept", "null and latest").ok());
  ASSERT_TRUE(store_->SetVersioning(src, true).ok());
  ASSERT_TRUE(store_->Put(src, "pre", "overwrites the null version").ok());
  for (std::string body : {"1", "22", "333"}) ASSERT_TRUE(store_->Put(src, "k 1+", body).ok());
  ASSERT_TRUE(store_->Put(src, "gone\nnewline", "x").ok());
  ASSERT_TRUE(store_->Delete(src, "gone\nnewline").ok());
  ASSERT_TRUE(store_->Delete(src, "never-existed").ok());  // a lone delete marker
  ASSERT_TRUE(store_->Put(src, "k 1+", "4444").ok());

  Scan("s3://" + src, {"--dest", "s3://" + dst + "/v", "--versions", "all", "--fields",
                       kListedFields});

  FetchedReport report = Report(dst, "v", src, "scan");
  EXPECT_EQ(report.rows.size(), 10u);
  int markers = 0, latest = 0, null_versions = 0;
  for (const store::ObjectInfo& row : report.rows) {
    markers += row.is_delete_marker;
    latest += row.is_latest;
    null_versions += row.version_id.empty();
  }
  EXPECT_EQ(markers, 2);
  EXPECT_EQ(latest, 5);  // pre, pre kept, k 1+, and the two markers
  EXPECT_EQ(null_versions, 2);
  ExpectRowsEqualOracle(report, src, /*versions=*/true);
  ExpectDuckDbAgrees(report);
}

TEST_F(ScanS3Test, EncryptionStatusComesFromHeadOnEachObject) {
  const std::string src = NewBucket("sse");
  const std::string dst = NewBucket("sse-dst");
  ASSERT_TRUE(store_->Put(src, "plain", "p").ok());
  ASSERT_TRUE(OraclePut(*server_, src, "kms key", "kms body", "kms:testkey-1").ok());
  ASSERT_TRUE(OraclePut(*server_, src, "customer key", "c body", "c").ok());

  Scan("s3://" + src, {"--dest", "s3://" + dst, "--fields", "Size,EncryptionStatus"});

  FetchedReport report = Report(dst, "", src, "scan");
  std::map<std::string, std::string> status;
  for (const store::ObjectInfo& row : report.rows) status[row.key] = row.encryption_status;
  EXPECT_EQ(status, (std::map<std::string, std::string>{
                        {"customer key", "SSE-C"}, {"kms key", "SSE-KMS"}, {"plain", "NOT-SSE"}}));
  ExpectRowsEqualOracle(report, src, /*versions=*/false);
}

TEST_F(ScanS3Test, ListConcurrencyOneTwoSixteenAndSixtyFourGiveTheSameRows) {
  const std::string src = NewBucket("listconc");
  const std::string dst = NewBucket("listconc-dst");
  std::vector<std::string> keys = HostileKeys();
  for (int i = 0; i < 2500; ++i) keys.push_back("p/" + std::to_string(i * 7919 % 100003));
  PutAll(src, keys, [](const std::string& key) { return key.substr(0, key.size() % 7); });

  std::vector<std::string> first;
  for (const char* concurrency : {"1", "2", "16", "64"}) {
    const std::string id = std::string("c") + concurrency;
    Scan("s3://" + src, {"--dest", "s3://" + dst, "--id", id, "--fields", kListedFields,
                         "--list-concurrency", concurrency});
    FetchedReport report = Report(dst, "", src, id);
    ASSERT_EQ(report.rows.size(), keys.size()) << concurrency;
    std::vector<std::string> rows;
    for (const store::ObjectInfo& row : report.rows) {
      rows.push_back(row.key + "\x1f" + std::to_string(row.size) + "\x1f" + row.etag + "\x1f" +
                     std::to_string(row.last_modified_ms) + "\x1f" + row.storage_class);
    }
    if (first.empty()) {
      first = rows;
      ExpectRowsEqualOracle(report, src, /*versions=*/false);
    } else {
      EXPECT_EQ(rows, first) << "--list-concurrency " << concurrency;
    }
  }
}

// The same for every version of a versioned bucket, into Parquet: more
// than one page of versions, split between listing calls at version
// boundaries (key-marker / version-id-marker), and with fewer connections
// than listing calls in flight.
TEST_F(ScanS3Test, ParquetVersionsReportIsTheSameAtEveryListConcurrency) {
  const std::string src = NewBucket("listconcv");
  const std::string dst = NewBucket("listconcv-dst");
  ASSERT_TRUE(store_->Put(src, "null version", "before versioning").ok());
  ASSERT_TRUE(store_->SetVersioning(src, true).ok());
  std::vector<std::string> keys;
  for (int i = 0; i < 600; ++i) keys.push_back("v/" + std::to_string(i * 7919 % 100003) + " +");
  PutAll(src, keys, [](const std::string& key) { return key.substr(0, key.size() % 5); });
  PutAll(src, keys, [](const std::string& key) { return key; });  // a second version of each
  for (size_t i = 0; i < keys.size(); i += 9) ASSERT_TRUE(store_->Delete(src, keys[i]).ok());
  // 1 + 2 x 600 + 67 versions, or a few more when a retried PUT landed
  // twice: the boto3 listing is the reference.
  const size_t at_least = 1 + 2 * keys.size() + (keys.size() + 8) / 9;

  std::vector<std::string> first;
  const std::vector<std::vector<std::string>> settings = {
      {"--list-concurrency", "1"},  {"--list-concurrency", "2"}, {"--list-concurrency", "16"},
      {"--list-concurrency", "64"}, {"--list-concurrency", "16", "--connections", "2"}};
  for (size_t s = 0; s < settings.size(); ++s) {
    const std::string id = "v" + std::to_string(s);
    std::vector<std::string> args = {"--dest",     "s3://" + dst, "--id",  id, "--format",
                                     "parquet",    "--versions",  "all",   "--fields",
                                     kListedFields};
    args.insert(args.end(), settings[s].begin(), settings[s].end());
    Scan("s3://" + src, args);
    FetchedReport report = Report(dst, "", src, id);
    ASSERT_GE(report.rows.size(), at_least) << settings[s].back();
    std::vector<std::string> rows;
    for (const store::ObjectInfo& row : report.rows) {
      rows.push_back(row.key + "\x1f" + row.version_id + "\x1f" + std::to_string(row.is_latest) +
                     std::to_string(row.is_delete_marker) + "\x1f" + std::to_string(row.size) +
                     "\x1f" + row.etag + "\x1f" + std::to_string(row.last_modified_ms));
    }
    if (first.empty()) {
      first = rows;
      ExpectRowsEqualOracle(report, src, /*versions=*/true);
      ExpectHyparquetAgrees(report);
    } else {
      EXPECT_EQ(rows, first) << "settings " << s;
    }
  }
}

TEST_F(ScanS3Test, BadListConcurrencyIsAUsageError) {
  const std::string src = NewBucket("listbad");
  const std::string dst = NewBucket("listbad-dst");
  for (const char* bad : {"-1", "257", "many"}) {
    RunResult run = Stocktake({"scan", "s3://" + src, "--dest", "s3://" + dst, "--endpoint-url",
                               server_->endpoint(), "--list-concurrency", bad});
    EXPECT_EQ(run.exit_code, 2) << bad << ": " << run.err;
    EXPECT_NE(run.err.find("--list-concurrency"), std::string::npos) << run.err;
    Result<std::vector<std::string>> written = ListKeys(*store_, dst, "");
    ASSERT_TRUE(written.ok());
    EXPECT_TRUE(written->empty());
  }
  for (const char* bad : {"-1", "1025", "some"}) {
    RunResult run = Stocktake({"scan", "s3://" + src, "--dest", "s3://" + dst, "--endpoint-url",
                               server_->endpoint(), "--connections", bad});
    EXPECT_EQ(run.exit_code, 2) << bad << ": " << run.err;
    EXPECT_NE(run.err.find("--connections"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << run.err;
    Result<std::vector<std::string>> written = ListKeys(*store_, dst, "");
    ASSERT_TRUE(written.ok());
    EXPECT_TRUE(written->empty());
  }
}

TEST_F(ScanS3Test, PrefixNarrowsTheSourceAndEmptySelectionStillPublishes) {
  const std::string src = NewBucket("prefix");
  const std::string dst = NewBucket("prefix-dst");
  PutAll(src, {"in/a", "in/b c", "out/a", "inx"}, [](const std::string& k) { return k; });

  // A path in SOURCE names a folder ("in/"); --prefix is a raw key prefix.
  Scan("s3://" + src + "/in", {"--dest", "s3://" + dst + "/p", "--id", "only-in"});
  FetchedReport in = Report(dst, "p", src, "only-in");
  std::vector<std::string> keys;
  for (const store::ObjectInfo& row : in.rows) keys.push_back(row.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"in/a", "in/b c"}));

  Scan("s3://" + src, {"--dest", "s3://" + dst + "/p", "--prefix", "in", "--id", "raw-in"});
  FetchedReport raw = Report(dst, "p", src, "raw-in");
  keys.clear();
  for (const store::ObjectInfo& row : raw.rows) keys.push_back(row.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"in/a", "in/b c", "inx"}));

  Scan("s3://" + src, {"--dest", "s3://" + dst + "/p", "--prefix", "nothing/", "--id", "none"});
  FetchedReport none = Report(dst, "p", src, "none");
  EXPECT_TRUE(none.rows.empty());
  EXPECT_EQ(none.data_keys.size(), 1u);  // AWS delivers one empty file
}

}  // namespace
}  // namespace stocktake::testing
