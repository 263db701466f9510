// `stocktake scan` end to end on local folders (the demo: cli_demo_test.cc): the
// report's rows equal an independent walk of the source tree (keys in S3
// byte order, sizes, mtimes to the millisecond, MD5 ETags), whatever the
// file names; fields, versions, prefixes, splitting, the OBS layout, an
// empty bucket, and DuckDB reading the result.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/hash.h"
#include "base/inventory_field.h"
#include "base/url.h"
#include "cli_test_util.h"
#include "testing/duckdb.h"

namespace stocktake::cli_test {
namespace {

using testing::TempDir;
using testing::WriteFile;

// Names a user's folder tree may hold and S3 allows: spaces, '+', '%',
// quotes, unicode, emoji, a newline, and the S3-order traps a-b < a/b < a0.
const std::vector<std::string>& HostileKeys() {
  static const std::vector<std::string> keys = {
      "plain.txt",
      "with space.txt",
      "plus+sign.txt",
      "per%cent%20.txt",
      "double\"quote.txt",
      "single'quote.txt",
      "comma,semi;colon.txt",
      "caf\xC3\xA9/na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC.txt",
      "emoji \xF0\x9F\x98\x80.txt",
      "new\nline.txt",
      "tab\tname.txt",
      "star*and(parens)&amp=.txt",
      "a-b",
      "a/b",
      "a0",
      ".hidden",
      "deep/er/and/deeper/leaf.bin",
  };
  return keys;
}

class CliScanTest : public ::testing::Test {
 protected:
  // scan creates the destination bucket folder, but only inside an
  // existing parent.
  void SetUp() override {
    std::filesystem::create_directories(tmp_.Sub("out"));
    std::filesystem::create_directories(tmp_.Sub("fields"));
  }
  std::string Src(const std::string& rel = "") const { return tmp_.Sub("est/src/" + rel); }
  std::string Out() const { return tmp_.Sub("out/dst"); }
  testing::RunResult Run(const std::vector<std::string>& args) {
    return Stocktake(tmp_.Sub("state"), args);
  }
  // Writes `key` with `size` bytes and an mtime with sub-millisecond parts.
  void Put(const std::string& key, size_t size, int64_t mtime_us) {
    std::string data(size, '\0');
    for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>('a' + (i * 7 + key.size()) % 26);
    WriteFile(Src(key), data);
    struct timeval times[2];
    times[0].tv_sec = times[1].tv_sec = mtime_us / 1000000;
    times[0].tv_usec = times[1].tv_usec = mtime_us % 1000000;
    ASSERT_EQ(::utimes(Src(key).c_str(), times), 0) << key;
  }
  void PutHostileTree() {
    int64_t us = 1'700'000'000'123'456;  // .123456 s: the report must say .123
    size_t size = 0;
    for (const std::string& key : HostileKeys()) Put(key, size++ * 37, us += 86'400'000'321);
  }
  // Scans est/src into out/dst and returns its only report.
  LoadedReport ScanOne(std::vector<std::string> extra) {
    std::vector<std::string> args = {"scan", Src(), "--dest", Out()};
    args.insert(args.end(), extra.begin(), extra.end());
    testing::RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> manifests = FindManifests(Out());
    EXPECT_EQ(manifests.size(), 1u);
    if (manifests.size() != 1) return {};
    EXPECT_NE(r.out.find(manifests[0]), std::string::npos) << r.out;
    return LoadReport(Out(), manifests[0]);
  }
  TempDir tmp_;
};

TEST_F(CliScanTest, RowsEqualAnIndependentWalkOfTheTree) {
  PutHostileTree();
  LoadedReport report = ScanOne({"--fields", "Size,LastModifiedDate,ETag"});
  EXPECT_EQ(report.manifest.source_bucket, "src");
  EXPECT_EQ(report.manifest.destination_bucket, "arn:aws:s3:::dst");
  EXPECT_EQ(report.manifest.file_schema, "Bucket, Key, Size, LastModifiedDate, ETag");
  const std::map<std::string, WalkedObject> walked = WalkBucket(Src());
  ASSERT_EQ(walked.size(), HostileKeys().size());

  std::vector<std::string> expected_keys;
  for (const auto& [key, unused] : walked) expected_keys.push_back(key);
  // std::map orders std::string like memcmp: S3's byte order.
  EXPECT_EQ(Keys(report), expected_keys);
  for (const store::ObjectInfo& o : report.objects) {
    const WalkedObject& w = walked.at(o.key);
    EXPECT_EQ(o.size, w.size) << o.key;
    EXPECT_EQ(o.last_modified_ms, w.mtime_ms) << o.key;
    EXPECT_EQ(o.etag, w.md5) << o.key;
  }
}

TEST_F(CliScanTest, EveryLocalListConcurrencyGivesTheSameRows) {
  PutHostileTree();
  // Folders wider than one walk chunk (512 entries) and many small ones.
  for (int i = 0; i < 1300; ++i) Put("wide/f" + std::to_string(i * 7919 % 100003), i % 50, 1'700'000'000'000'000 + i);
  for (int i = 0; i < 400; ++i) Put("many/d" + std::to_string(i % 40) + "/f" + std::to_string(i), 3, 1'700'000'000'000'000);
  const std::map<std::string, WalkedObject> walked = WalkBucket(Src());
  std::vector<std::string> expected;
  for (const auto& [key, w] : walked) {
    expected.push_back(key + "\x1f" + std::to_string(w.size) + "\x1f" + w.md5 + "\x1f" +
                       std::to_string(w.mtime_ms));
  }
  for (const char* concurrency : {"1", "2", "16", "64"}) {
    std::filesystem::remove_all(Out());
    LoadedReport report = ScanOne({"--fields", "Size,LastModifiedDate,ETag", "--list-concurrency",
                                   concurrency});
    std::vector<std::string> rows;
    for (const store::ObjectInfo& o : report.objects) {
      rows.push_back(o.key + "\x1f" + std::to_string(o.size) + "\x1f" + o.etag + "\x1f" +
                     std::to_string(o.last_modified_ms));
    }
    EXPECT_EQ(rows, expected) << "--list-concurrency " << concurrency;
  }
  for (const char* bad : {"-1", "257", "many"}) {
    testing::RunResult r = Run({"scan", Src(), "--dest", Out(), "--list-concurrency", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--list-concurrency"), std::string::npos) << r.err;
  }
}

TEST_F(CliScanTest, KeysAreUrlEncodedWithPlusForSpace) {
  PutHostileTree();
  LoadedReport report = ScanOne({});
  std::set<std::string> raw;
  for (const auto& row : report.raw_rows) raw.insert(row[1]);
  EXPECT_TRUE(raw.count("with+space.txt"));
  EXPECT_TRUE(raw.count("plus%2Bsign.txt"));
  EXPECT_TRUE(raw.count("per%25cent%2520.txt"));
  EXPECT_TRUE(raw.count("new%0Aline.txt"));
  EXPECT_TRUE(raw.count("emoji+%F0%9F%98%80.txt"));
  EXPECT_TRUE(raw.count("a/b"));
  for (const std::string& key : raw) EXPECT_EQ(key, InventoryKeyEncode(*UrlDecode(key, true)));
}

TEST_F(CliScanTest, PrefixFlagAndSourceSubfolderLimitTheRows) {
  PutHostileTree();
  LoadedReport by_flag = ScanOne({"--prefix", "deep/", "--id", "byflag"});
  EXPECT_EQ(Keys(by_flag), std::vector<std::string>{"deep/er/and/deeper/leaf.bin"});

  testing::RunResult r = Run(
      {"scan", "--local", tmp_.Sub("est"), Src("a"), "--dest", tmp_.Sub("out/sub"), "--id", "sub"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> manifests = FindManifests(tmp_.Sub("out/sub"));
  ASSERT_EQ(manifests.size(), 1u);
  // With --local ROOT, SOURCE ROOT/src/a means bucket src, folder "a/":
  // not a-b, not a0.
  EXPECT_EQ(Keys(LoadReport(tmp_.Sub("out/sub"), manifests[0])), std::vector<std::string>{"a/b"});
}

TEST_F(CliScanTest, EachOptionalFieldIsItsOwnColumn) {
  Put("x/one.txt", 10, 1'700'000'000'000'000);
  int run = 0;
  for (int i = 0; i < kInventoryFieldCount; ++i) {
    const auto field = static_cast<InventoryField>(i);
    if (!IsOptionalField(field)) continue;
    const std::string name(FieldName(field));
    SCOPED_TRACE(name);
    const std::string dest = tmp_.Sub("fields/f" + std::to_string(run++) + "-out");
    testing::RunResult r = Run({"scan", Src(), "--dest", dest, "--fields", name});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> manifests = FindManifests(dest);
    ASSERT_EQ(manifests.size(), 1u);
    LoadedReport report = LoadReport(dest, manifests[0]);
    EXPECT_EQ(report.manifest.file_schema, "Bucket, Key, " + name);
    ASSERT_EQ(report.raw_rows.size(), 1u);
    EXPECT_EQ(report.raw_rows[0].size(), 3u);
  }
  EXPECT_EQ(run, 16);
}

TEST_F(CliScanTest, AllVersionsOfALocalTreeAreNullLatestVersions) {
  PutHostileTree();
  LoadedReport report = ScanOne({"--versions", "all", "--fields", "Size"});
  EXPECT_EQ(report.manifest.file_schema, "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size");
  ASSERT_EQ(report.raw_rows.size(), HostileKeys().size());
  for (const auto& row : report.raw_rows) {
    EXPECT_EQ(row[2], "");  // the null version is written as ""
    EXPECT_EQ(row[3], "true");
    EXPECT_EQ(row[4], "false");
  }
}

TEST_F(CliScanTest, MaxFileSizeSplitsIntoFilesWhoseUnionIsTheListing) {
  // ~430-byte keys: the CSV writer compresses in ~1 MiB blocks and checks
  // the size between blocks, so a split needs more than a block of rows.
  // Hex digests keep the rows from compressing to nothing.
  auto hex = [](int n, int parts) {
    std::string out;
    for (int p = 0; p < parts; ++p) out += Md5Hex(std::to_string(n) + "/" + std::to_string(p));
    return out;
  };
  for (int i = 0; i < 3000; ++i) {
    Put("logs/" + hex(i % 30, 6) + "/" + hex(i, 7), i % 5,
        1'600'000'000'000'000 + int64_t{i} * 1'000'003);
  }
  LoadedReport report = ScanOne({"--max-file-size", "4096", "--fields", "Size"});
  EXPECT_GE(report.manifest.files.size(), 2u);
  for (size_t i = 0; i + 1 < report.manifest.files.size(); ++i) {
    EXPECT_GE(report.manifest.files[i].size, 4096) << "split before the threshold";
  }
  std::vector<std::string> expected;
  for (const auto& [key, unused] : WalkBucket(Src())) expected.push_back(key);
  EXPECT_EQ(Keys(report), expected);  // in order, so also without duplicates
}

TEST_F(CliScanTest, ObsLayoutWritesPlainCsvAndAnObsManifest) {
  PutHostileTree();
  testing::RunResult r =
      Run({"scan", Src(), "--dest", Out(), "--layout", "obs", "--id", "obs1", "--fields", "Size"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> manifests = FindManifests(Out());
  ASSERT_EQ(manifests.size(), 1u);
  const std::string rel = std::filesystem::relative(manifests[0], Out()).string();
  EXPECT_TRUE(std::regex_match(
      rel, std::regex(R"(BucketInventory/src/obs1/\d{4}-\d\d-\d\dT\d\d-\d\dZ/manifest\.json)")))
      << rel;
  LoadedReport report = LoadReport(Out(), manifests[0]);
  EXPECT_EQ(report.manifest.version, format::kObsManifestVersion);
  EXPECT_EQ(report.manifest.destination_bucket, "dst");
  EXPECT_EQ(report.manifest.file_schema, "Bucket,Key,Size");
  ASSERT_FALSE(report.manifest.files.empty());
  for (const format::ManifestFile& f : report.manifest.files) {
    EXPECT_TRUE(std::regex_match(
        f.key, std::regex(R"(BucketInventory/src/obs1/[^/]+/files/[0-9A-F]{32}_\d+\.csv)")))
        << f.key;
  }
  EXPECT_EQ(report.objects.size(), HostileKeys().size());
  // No checksum, no hive folder in the OBS layout.
  for (const auto& [path, size] : Snapshot(Out())) {
    EXPECT_EQ(path.find("checksum"), std::string::npos) << path;
    EXPECT_EQ(path.find("hive"), std::string::npos) << path;
  }
}

TEST_F(CliScanTest, EmptyBucketGivesOneEmptyDataFileAndAManifest) {
  std::filesystem::create_directories(Src());
  LoadedReport report = ScanOne({"--fields", "Size"});
  ASSERT_EQ(report.manifest.files.size(), 1u);
  EXPECT_TRUE(report.objects.empty());
}

TEST_F(CliScanTest, DuckDbReadsTheScannedReportWithTheSameRows) {
  PutHostileTree();
  LoadedReport report = ScanOne({"--fields", "Size,LastModifiedDate,ETag"});
  ASSERT_FALSE(report.data_paths.empty());
  std::string files = "[";
  for (const std::string& p : report.data_paths)
    files += (files.size() > 1 ? "," : "") + testing::SqlQuote(p);
  files += "]";
  // Keys come back raw (ASCII, URL-encoded) and as the MD5 of DuckDB's own
  // decoding, so no JSON escaping stands between the two sides.
  auto rows = testing::DuckDbQuery(
      "SELECT key, md5(url_decode(replace(key,'+',' '))), size, epoch_ms(last_modified_date), "
      "e_tag FROM read_csv(" +
      files +
      ", header=false, compression='gzip', quote='\"', escape='\"', columns={'bucket':'VARCHAR',"
      "'key':'VARCHAR','size':'BIGINT','last_modified_date':'TIMESTAMP','e_tag':'VARCHAR'})");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), report.objects.size());
  std::set<std::string> from_duckdb(rows->begin(), rows->end());
  std::set<std::string> expected;
  for (size_t i = 0; i < report.objects.size(); ++i) {
    const store::ObjectInfo& o = report.objects[i];
    expected.insert("[\"" + report.raw_rows[i][1] + "\",\"" + Md5Hex(o.key) + "\",\"" +
                    std::to_string(o.size) + "\",\"" + std::to_string(o.last_modified_ms) +
                    "\",\"" + o.etag + "\"]");
  }
  EXPECT_EQ(from_duckdb, expected);
}

}  // namespace
}  // namespace stocktake::cli_test
