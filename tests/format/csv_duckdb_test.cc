// Reads CSV reports back with DuckDB, the way users query them (spec §8).
#include <gtest/gtest.h>
#include <simdjson.h>

#include "format/csv_gz_writer.h"
#include "format/format_test_util.h"
#include "testing/duckdb.h"
#include "testing/memory_writer.h"
#include "testing/temp_dir.h"

namespace stocktake::format {
namespace {

using testing::DuckDbQuery;
using testing::SqlQuote;
using testing::StringWriter;
using testing::TempDir;

constexpr const char* kAllColumnTypes =
    "{'bucket':'VARCHAR','key':'VARCHAR','version_id':'VARCHAR','is_latest':'BOOLEAN',"
    "'is_delete_marker':'BOOLEAN','size':'BIGINT','last_modified_date':'TIMESTAMP',"
    "'e_tag':'VARCHAR','storage_class':'VARCHAR','is_multipart_uploaded':'BOOLEAN',"
    "'replication_status':'VARCHAR','encryption_status':'VARCHAR',"
    "'object_lock_retain_until_date':'TIMESTAMP','object_lock_mode':'VARCHAR',"
    "'object_lock_legal_hold_status':'VARCHAR','intelligent_tiering_access_tier':'VARCHAR',"
    "'bucket_key_status':'VARCHAR','checksum_algorithm':'VARCHAR',"
    "'object_access_control_list':'VARCHAR','object_owner':'VARCHAR',"
    "'lifecycle_expiration_date':'TIMESTAMP'}";

std::string ReadCsv(const std::string& path, const std::string& columns) {
  return "read_csv(" + SqlQuote(path) +
         ", header=false, compression='gzip', quote='\"', escape='\"', columns=" + columns + ")";
}

// Writes `records` as a gzip CSV report file under `dir`.
std::string WriteReport(const TempDir& dir, const std::vector<InventoryField>& columns,
                        const std::vector<store::ObjectInfo>& records) {
  ReportWriterOptions options;
  options.source_bucket = "src";
  options.columns = columns;
  StringWriter out;
  auto writer = NewReportWriter(options, &out);
  EXPECT_TRUE(writer.ok());
  for (const auto& r : records) EXPECT_TRUE((*writer)->Append(r).ok());
  EXPECT_TRUE((*writer)->Finish().ok());
  std::string path = dir.Sub("report.csv.gz");
  testing::WriteFile(path, out.data());
  return path;
}

std::vector<InventoryField> AllColumns() {
  std::vector<InventoryField> all;
  for (int i = 0; i < kInventoryFieldCount; ++i) all.push_back(static_cast<InventoryField>(i));
  return all;
}

TEST(CsvDuckDbTest, OracleReportsSqlErrorsWithDuckDbMessage) {
  auto rows = DuckDbQuery("SELECT no_such_column");
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), Code::kInvalidArgument);
  EXPECT_NE(rows.status().message().find("no_such_column"), std::string::npos);
}

TEST(CsvDuckDbTest, EveryColumnReadsBackWithItsValue) {
  TempDir dir;
  store::ObjectInfo marker = FullRecord();
  marker.is_delete_marker = true;
  marker.version_id = "null";
  std::string path = WriteReport(dir, AllColumns(), {FullRecord(), marker});
  auto rows = DuckDbQuery("SELECT * REPLACE (url_decode(replace(key,'+',' ')) AS key) FROM " +
                          ReadCsv(path, kAllColumnTypes) + " ORDER BY is_delete_marker");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0],
            "[\"src\",\"dir/a b+c%d.txt\",\"3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY\",true,false,"
            "\"1234\",\"2024-04-22T01:13:28.123Z\",\"d41d8cd98f00b204e9800998ecf8427e-2\","
            "\"STANDARD\",true,\"COMPLETED\",\"SSE-S3\",\"2030-01-01T00:00:00.000Z\","
            "\"GOVERNANCE\",\"On\",\"FREQUENT\",\"ENABLED\",\"CRC32\",null,"
            "\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\","
            "\"2025-01-01T00:00:00.000Z\"]");
  // DuckDB reads a quoted empty field as NULL by default.
  EXPECT_EQ((*rows)[1],
            "[\"src\",\"dir/a b+c%d.txt\",null,true,true,null,\"2024-04-22T01:13:28.123Z\","
            "null,null,null,null,null,null,null,null,null,null,null,null,"
            "\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\",null]");
}

TEST(CsvDuckDbTest, LargeReportWithHostileKeysRoundTrips) {
  const std::vector<std::string> hostile = {"a b",
                                            "a+b",
                                            "100%",
                                            "caf\xC3\xA9",
                                            "\xF0\x9F\x98\x80 smile.png",
                                            "say \"hi\"",
                                            "line\nbreak",
                                            "tab\there\x01",
                                            "comma,semi;",
                                            "back\\slash",
                                            "'quoted'",
                                            "~tilde/#hash?q=1&x"};
  std::vector<store::ObjectInfo> records;
  store::ObjectInfo o;
  o.storage_class = "STANDARD";
  int64_t total = 0;
  for (int i = 0; i < 200'000; ++i) {
    o.key = "logs/" + std::to_string(i % 977) + "/part " + std::to_string(i) + ".json";
    o.size = i * 13;
    o.last_modified_ms = 1'700'000'000'000 + int64_t{i} * 1000;
    o.etag = Md5Hex(o.key);
    total += o.size;
    records.push_back(o);
  }
  for (size_t i = 0; i < hostile.size(); ++i) {
    o.key = hostile[i];
    o.size = static_cast<int64_t>(i);
    o.storage_class = "HOSTILE";
    records.push_back(o);
  }
  TempDir dir;
  auto columns = ReportColumns(false, {InventoryField::kSize, InventoryField::kLastModifiedDate,
                                       InventoryField::kETag, InventoryField::kStorageClass});
  std::string read = ReadCsv(
      WriteReport(dir, columns, records),
      "{'bucket':'VARCHAR','key':'VARCHAR','size':'BIGINT','last_modified_date':'TIMESTAMP',"
      "'e_tag':'VARCHAR','storage_class':'VARCHAR'}");

  auto stats = DuckDbQuery("SELECT count(*), sum(size), max(last_modified_date) FROM " + read +
                           " WHERE storage_class = 'STANDARD'");
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  ASSERT_EQ(stats->size(), 1u);
  EXPECT_EQ((*stats)[0], "[\"200000\",\"" + std::to_string(total) + "\",\"" +
                             FormatIso8601Millis(1'700'000'000'000 + int64_t{199'999} * 1000) +
                             "\"]");

  auto keys = DuckDbQuery("SELECT url_decode(replace(key,'+',' ')) FROM " + read +
                          " WHERE storage_class = 'HOSTILE' ORDER BY size");
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(keys->size(), hostile.size());
  simdjson::dom::parser parser;
  for (size_t i = 0; i < hostile.size(); ++i) {
    simdjson::dom::element row;
    ASSERT_EQ(parser.parse((*keys)[i]).get(row), simdjson::SUCCESS) << (*keys)[i];
    std::string_view key;
    ASSERT_EQ(row.at(0).get_string().get(key), simdjson::SUCCESS);
    EXPECT_EQ(key, hostile[i]);
  }
}

}  // namespace
}  // namespace stocktake::format
