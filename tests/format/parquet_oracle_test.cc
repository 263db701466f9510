// Reads Parquet reports back with two independent readers, DuckDB and
// hyparquet, and checks values, types and nulls exactly.
#include <gtest/gtest.h>

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
  auto columns = ReportColumns(true, {InventoryField::kSize, InventoryField::kLastModifiedDate,
                                      InventoryField::kETag});
  std::string path = WriteReport(dir, ParquetOptions(columns), ThreeRecords());
  EXPECT_EQ(Duck("SELECT name, type, repetition_type, converted_type, logical_type, "
                 "num_children FROM parquet_schema(" + SqlQuote(path) + ")"),
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

}  // namespace
}  // namespace stocktake::format
