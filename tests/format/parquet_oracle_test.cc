// Reads Parquet reports back with two independent readers, DuckDB and
// hyparquet, and checks values, types and nulls exactly.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "base/hash.h"
#include "format/format_test_util.h"
#include "format/parquet_writer.h"
#include "testing/duckdb.h"
#include "testing/hyparquet.h"
#include "testing/memory_writer.h"
#include "testing/temp_dir.h"

namespace stocktake::format {
namespace {

using testing::DuckDbQuery;
using testing::HyparquetMeta;
using testing::HyparquetRows;
using testing::SqlQuote;
using testing::StringWriter;
using testing::TempDir;

std::vector<InventoryField> AllColumns() {
  std::vector<InventoryField> all;
  for (int i = 0; i < kInventoryFieldCount; ++i) all.push_back(static_cast<InventoryField>(i));
  return all;
}

ReportWriterOptions ParquetOptions(std::vector<InventoryField> columns) {
  ReportWriterOptions options;
  options.format = ReportFormat::kParquet;
  options.source_bucket = "src";
  options.columns = std::move(columns);
  return options;
}

// Writes `records` as a Parquet report at dir/name and returns its path.
std::string WriteReport(const TempDir& dir, const ReportWriterOptions& options,
                        const std::vector<store::ObjectInfo>& records,
                        const std::string& name = "report.parquet") {
  StringWriter out;
  auto writer = NewReportWriter(options, &out);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  for (const auto& r : records) EXPECT_TRUE((*writer)->Append(r).ok());
  auto summary = (*writer)->Finish();
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->bytes, static_cast<int64_t>(out.data().size()));
  EXPECT_EQ(summary->md5_hex, Md5Hex(out.data()));
  std::string path = dir.Sub(name);
  testing::WriteFile(path, out.data());
  return path;
}

std::vector<std::string> Duck(const std::string& sql) {
  auto rows = DuckDbQuery(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? *rows : std::vector<std::string>{};
}

std::vector<std::string> Hyparquet(const std::string& path) {
  auto rows = HyparquetRows(path);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? *rows : std::vector<std::string>{};
}

// Element `index` of a JSON array line, which must be a string.
std::string JsonString(simdjson::dom::parser& parser, const std::string& line, size_t index) {
  simdjson::dom::element row;
  std::string_view value;
  if (parser.parse(line).get(row) != simdjson::SUCCESS ||
      row.at(index).get_string().get(value) != simdjson::SUCCESS) {
    ADD_FAILURE() << "not a JSON array with a string at " << index << ": " << line;
    return "";
  }
  return std::string(value);
}

std::string ReadParquet(const std::string& path) { return "read_parquet(" + SqlQuote(path) + ")"; }

// FullRecord, a delete marker of S3's null version, and a bare object.
std::vector<store::ObjectInfo> ThreeRecords() {
  store::ObjectInfo marker = FullRecord();
  marker.is_delete_marker = true;
  marker.is_latest = false;
  marker.version_id = "null";
  store::ObjectInfo bare;
  bare.key = "bare";
  return {FullRecord(), marker, bare};
}

const std::vector<std::string> kThreeRows = {
    "[\"src\",\"dir/a b+c%d.txt\",\"3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY\",true,false,\"1234\","
    "\"2024-04-22T01:13:28.123Z\",\"d41d8cd98f00b204e9800998ecf8427e-2\",\"STANDARD\",true,"
    "\"COMPLETED\",\"SSE-S3\",\"2030-01-01T00:00:00.000Z\",\"GOVERNANCE\",\"On\",\"FREQUENT\","
    "\"ENABLED\",\"CRC32\",null,"
    "\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\","
    "\"2025-01-01T00:00:00.000Z\"]",
    "[\"src\",\"dir/a b+c%d.txt\",\"\",false,true,null,\"2024-04-22T01:13:28.123Z\",null,null,"
    "null,null,null,null,null,null,null,null,null,null,"
    "\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\",null]",
    "[\"src\",\"bare\",null,true,false,\"0\",null,null,null,null,null,null,null,null,null,null,"
    "null,null,null,null,null]",
};

TEST(ParquetOracleTest, EveryColumnReadsBackExactlyInBothReaders) {
  TempDir dir;
  std::string path = WriteReport(dir, ParquetOptions(AllColumns()), ThreeRecords());
  // DuckDB prints TIMESTAMP WITH TIME ZONE in the session zone; UTC makes
  // it match hyparquet's ISO strings.
  EXPECT_EQ(Duck("SET TimeZone='UTC'; SELECT * FROM " + ReadParquet(path)), kThreeRows);
  EXPECT_EQ(Hyparquet(path), kThreeRows);
}

TEST(ParquetOracleTest, SchemaIsTheInventorySchema) {
  TempDir dir;
  auto columns = ReportColumns(
      true, {InventoryField::kSize, InventoryField::kLastModifiedDate, InventoryField::kETag});
  std::string path = WriteReport(dir, ParquetOptions(columns), ThreeRecords());
  EXPECT_EQ(Duck("SELECT name, type, repetition_type, converted_type, logical_type, "
                 "num_children FROM parquet_schema(" +
                 SqlQuote(path) + ")"),
            (std::vector<std::string>{
                "[\"s3.inventory\",null,null,null,null,\"8\"]",
                "[\"bucket\",\"BYTE_ARRAY\",\"REQUIRED\",\"UTF8\",\"StringType()\",null]",
                "[\"key\",\"BYTE_ARRAY\",\"REQUIRED\",\"UTF8\",\"StringType()\",null]",
                "[\"version_id\",\"BYTE_ARRAY\",\"OPTIONAL\",\"UTF8\",\"StringType()\",null]",
                "[\"is_latest\",\"BOOLEAN\",\"OPTIONAL\",null,null,null]",
                "[\"is_delete_marker\",\"BOOLEAN\",\"OPTIONAL\",null,null,null]",
                "[\"size\",\"INT64\",\"OPTIONAL\",null,null,null]",
                "[\"last_modified_date\",\"INT64\",\"OPTIONAL\",\"TIMESTAMP_MILLIS\","
                "\"TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=MilliSeconds(), "
                "MICROS=<null>, NANOS=<null>))\",null]",
                "[\"e_tag\",\"BYTE_ARRAY\",\"OPTIONAL\",\"UTF8\",\"StringType()\",null]",
            }));
  EXPECT_EQ(Duck("SELECT column_name, column_type, \"null\" FROM (DESCRIBE SELECT * FROM " +
                 ReadParquet(path) + ")"),
            (std::vector<std::string>{
                "[\"bucket\",\"VARCHAR\",\"YES\"]",
                "[\"key\",\"VARCHAR\",\"YES\"]",
                "[\"version_id\",\"VARCHAR\",\"YES\"]",
                "[\"is_latest\",\"BOOLEAN\",\"YES\"]",
                "[\"is_delete_marker\",\"BOOLEAN\",\"YES\"]",
                "[\"size\",\"BIGINT\",\"YES\"]",
                "[\"last_modified_date\",\"TIMESTAMP WITH TIME ZONE\",\"YES\"]",
                "[\"e_tag\",\"VARCHAR\",\"YES\"]",
            }));
  // The manifest's fileSchema names the same columns and types.
  EXPECT_EQ(FileSchema(ReportFormat::kParquet, columns, false),
            "message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); "
            "optional binary version_id (UTF8); optional boolean is_latest; optional boolean "
            "is_delete_marker; optional int64 size; optional int64 last_modified_date "
            "(TIMESTAMP_MILLIS); optional binary e_tag (UTF8); }");
}

TEST(ParquetOracleTest, EmptyReportHasSchemaAndNoRows) {
  TempDir dir;
  std::string path = WriteReport(dir, ParquetOptions(AllColumns()), {});
  EXPECT_EQ(Duck("SELECT count(*) FROM " + ReadParquet(path)), std::vector<std::string>{"[\"0\"]"});
  EXPECT_EQ(Duck("SELECT count(*) FROM (DESCRIBE SELECT * FROM " + ReadParquet(path) + ")"),
            std::vector<std::string>{"[\"21\"]"});
  EXPECT_TRUE(Hyparquet(path).empty());
}

TEST(ParquetOracleTest, SingleRowReadsBack) {
  TempDir dir;
  std::string path = WriteReport(dir, ParquetOptions(AllColumns()), {FullRecord()});
  EXPECT_EQ(Duck("SET TimeZone='UTC'; SELECT * FROM " + ReadParquet(path)),
            std::vector<std::string>{kThreeRows[0]});
  EXPECT_EQ(Hyparquet(path), std::vector<std::string>{kThreeRows[0]});
}

class ParquetCompressionTest : public ::testing::TestWithParam<ParquetCompression> {};

TEST_P(ParquetCompressionTest, EveryCodecReadsBackInBothReaders) {
  TempDir dir;
  ReportWriterOptions options = ParquetOptions(AllColumns());
  options.parquet_compression = GetParam();
  std::vector<store::ObjectInfo> records = ThreeRecords();
  for (int i = 0; i < 1000; ++i) records.push_back(ThreeRecords()[i % 3]);
  std::string path = WriteReport(dir, options, records);
  std::vector<std::string> duck = Duck("SET TimeZone='UTC'; SELECT * FROM " + ReadParquet(path));
  std::vector<std::string> hyp = Hyparquet(path);
  ASSERT_EQ(duck.size(), records.size());
  ASSERT_EQ(hyp.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(duck[i], kThreeRows[i % 3]) << i;
    EXPECT_EQ(hyp[i], kThreeRows[i % 3]) << i;
  }
  const char* codec = GetParam() == ParquetCompression::kSnappy ? "SNAPPY"
                      : GetParam() == ParquetCompression::kZstd ? "ZSTD"
                      : GetParam() == ParquetCompression::kGzip ? "GZIP"
                                                                : "UNCOMPRESSED";
  EXPECT_EQ(Duck("SELECT DISTINCT compression FROM parquet_metadata(" + SqlQuote(path) + ")"),
            std::vector<std::string>{"[\"" + std::string(codec) + "\"]"});
}

INSTANTIATE_TEST_SUITE_P(Codecs, ParquetCompressionTest,
                         ::testing::Values(ParquetCompression::kSnappy, ParquetCompression::kZstd,
                                           ParquetCompression::kGzip, ParquetCompression::kNone));

const std::vector<std::string> kHostileKeys = {"a b",
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
                                               "~tilde/#hash?q=1&x",
                                               "\xE2\x80\xAE rtl \xEF\xBB\xBF bom",
                                               std::string("nul\0inside", 10)};

TEST(ParquetOracleTest, ManyRowGroupsWithHostileKeysReadBackExactly) {
  std::vector<store::ObjectInfo> records;
  store::ObjectInfo o;
  int64_t total = 0;
  for (int i = 0; i < 200'000; ++i) {
    o.key = "logs/" + std::to_string(i % 977) + "/part " + std::to_string(i) + ".json";
    o.size = int64_t{i} * 13;
    o.last_modified_ms = 1'700'000'000'000 + int64_t{i} * 1000;
    o.etag = Md5Hex(o.key);
    o.storage_class = i % 10 == 0 ? "GLACIER" : "STANDARD";
    total += o.size;
    records.push_back(o);
  }
  for (size_t i = 0; i < kHostileKeys.size(); ++i) {
    o.key = kHostileKeys[i];
    o.size = -static_cast<int64_t>(i) - 1;
    o.storage_class = "HOSTILE";
    records.push_back(o);
  }
  TempDir dir;
  ReportWriterOptions options =
      ParquetOptions(ReportColumns(false, {InventoryField::kSize, InventoryField::kLastModifiedDate,
                                           InventoryField::kETag, InventoryField::kStorageClass}));
  options.parquet_row_group_rows = 30'000;
  std::string path = WriteReport(dir, options, records);
  const std::string read = ReadParquet(path);

  EXPECT_EQ(Duck("SELECT count(*) FROM parquet_metadata(" + SqlQuote(path) +
                 ") WHERE path_in_schema = 'key'"),
            std::vector<std::string>{"[\"7\"]"});
  EXPECT_EQ(Duck("SELECT count(*), sum(size), epoch_ms(max(last_modified_date)), "
                 "count(DISTINCT key), sum((e_tag = md5(key))::INT) FROM " +
                 read + " WHERE storage_class <> 'HOSTILE'"),
            std::vector<std::string>{"[\"200000\",\"" + std::to_string(total) + "\",\"" +
                                     std::to_string(1'700'000'000'000 + int64_t{199'999} * 1000) +
                                     "\",\"200000\",\"200000\"]"});
  auto keys = Duck("SELECT key, octet_length(encode(key))::VARCHAR FROM " + read +
                   " WHERE storage_class = 'HOSTILE' ORDER BY size DESC");
  ASSERT_EQ(keys.size(), kHostileKeys.size());
  std::vector<std::string> hyp = Hyparquet(path);
  ASSERT_EQ(hyp.size(), records.size());
  EXPECT_EQ(hyp[12345],
            "[\"src\",\"logs/621/part 12345.json\",\"160485\","
            "\"" +
                FormatIso8601Millis(1'700'000'000'000 + int64_t{12'345} * 1000) + "\",\"" +
                Md5Hex("logs/621/part 12345.json") + "\",\"STANDARD\"]");
  simdjson::dom::parser parser;
  for (size_t i = 0; i < kHostileKeys.size(); ++i) {
    EXPECT_EQ(JsonString(parser, keys[i], 0), kHostileKeys[i]) << keys[i];
    EXPECT_EQ(JsonString(parser, keys[i], 1), std::to_string(kHostileKeys[i].size()));
    EXPECT_EQ(JsonString(parser, hyp[200'000 + i], 1), kHostileKeys[i]) << hyp[200'000 + i];
  }
}

TEST(ParquetOracleTest, DictionaryFallsBackToPlainAndKeepsValues) {
  std::vector<store::ObjectInfo> records;
  store::ObjectInfo o;
  o.storage_class = "STANDARD";
  for (int i = 0; i < 100'000; ++i) {
    o.key = "unique/" + std::to_string(i) + std::string(20, 'k');
    o.etag = i % 2 == 0 ? "" : "etag" + std::to_string(i % 7);
    records.push_back(o);
  }
  TempDir dir;
  ReportWriterOptions options =
      ParquetOptions(ReportColumns(false, {InventoryField::kETag, InventoryField::kStorageClass}));
  std::string path = WriteReport(dir, options, records);
  EXPECT_EQ(Duck("SELECT path_in_schema, encodings FROM parquet_metadata(" + SqlQuote(path) +
                 ") ORDER BY column_id"),
            (std::vector<std::string>{"[\"bucket\",\"PLAIN, RLE, RLE_DICTIONARY\"]",
                                      "[\"key\",\"PLAIN, RLE, RLE_DICTIONARY\"]",
                                      "[\"e_tag\",\"PLAIN, RLE, RLE_DICTIONARY\"]",
                                      "[\"storage_class\",\"PLAIN, RLE, RLE_DICTIONARY\"]"}));
  EXPECT_EQ(
      Duck("SELECT count(DISTINCT key), count(e_tag), count(DISTINCT e_tag), "
           "min(key), max(key) FROM " +
           ReadParquet(path)),
      std::vector<std::string>{"[\"100000\",\"50000\",\"7\",\"unique/0" + std::string(20, 'k') +
                               "\",\"unique/9" + std::string(20, 'k') + "\"]"});
  std::vector<std::string> hyp = Hyparquet(path);
  ASSERT_EQ(hyp.size(), records.size());
  EXPECT_EQ(hyp[99'999],
            "[\"src\",\"unique/99999" + std::string(20, 'k') + "\",\"etag4\",\"STANDARD\"]");
}

TEST(ParquetOracleTest, ColumnStatisticsLetEnginesPrune) {
  TempDir dir;
  std::string path = WriteReport(dir, ParquetOptions(AllColumns()), ThreeRecords());
  EXPECT_EQ(Duck("SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count "
                 "FROM parquet_metadata(" +
                 SqlQuote(path) +
                 ") WHERE path_in_schema IN "
                 "('key', 'size', 'is_latest', 'object_access_control_list', "
                 "'last_modified_date') ORDER BY column_id"),
            (std::vector<std::string>{"[\"key\",\"bare\",\"dir/a b+c%d.txt\",\"0\"]",
                                      "[\"is_latest\",\"false\",\"true\",\"0\"]",
                                      "[\"size\",\"0\",\"1234\",\"1\"]",
                                      "[\"last_modified_date\",\"2024-04-22 01:13:28.123+00\","
                                      "\"2024-04-22 01:13:28.123+00\",\"1\"]",
                                      "[\"object_access_control_list\",null,null,\"3\"]"}));
}

}  // namespace
}  // namespace stocktake::format
