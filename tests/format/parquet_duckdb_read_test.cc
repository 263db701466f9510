// Files written by DuckDB (`COPY ... TO (FORMAT parquet, ...)`) read back
// with our reader exactly as DuckDB itself reads them: every codec, page v1
// and v2 (DELTA_* and BYTE_STREAM_SPLIT encodings), with and without
// dictionaries, many row groups, timestamps in MILLIS/MICROS/NANOS, DATE.
#include <gtest/gtest.h>

#include <charconv>
#include <tuple>

#include "format/manifest.h"
#include "format/parquet_test_util.h"
#include "testing/duckdb.h"
#include "testing/temp_dir.h"

namespace stocktake::format {
namespace {

using testing::DuckDbQuery;
using testing::SqlQuote;
using testing::TempDir;

// Nulls in every optional column, unicode keys, a low-cardinality string
// (dictionary-friendly) and one column per interesting type.
constexpr const char* kSourceQuery =
    "SELECT CASE WHEN i % 50 = 0 THEN 'ü/日本/' || i ELSE 'key/' || lpad(i::VARCHAR, 6, '0') END "
    "AS key, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1000003 END::BIGINT AS size, "
    "CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS flag, "
    "CASE WHEN i % 9 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01' + to_microseconds(i * 1234567) END "
    "AS ts, (TIMESTAMP '2020-06-01' + to_milliseconds(i * 7))::TIMESTAMP_MS AS ts_ms, "
    "(TIMESTAMP '2021-06-01' + to_microseconds(i * 3000))::TIMESTAMP_NS AS ts_ns, "
    "TIMESTAMPTZ '2022-01-01 00:00:00+00' + to_seconds(i) AS tstz, "
    "['STANDARD','GLACIER','DEEP_ARCHIVE'][i % 3 + 1] AS storage_class, "
    "CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 1000)::INTEGER - 500 END AS i32, "
    "(i * 0.25)::DOUBLE AS d, DATE '2000-01-01' + (i % 10000)::INTEGER AS day FROM range(";

// The same columns as DuckDB returns them through the JSON oracle, with
// integers and timestamps (as epoch millis) cast to text.
constexpr const char* kExpectedColumns =
    "key, size::VARCHAR, flag, epoch_ms(ts)::VARCHAR, epoch_ms(ts_ms)::VARCHAR, "
    "epoch_ms(ts_ns)::VARCHAR, epoch_ms(tstz)::VARCHAR, storage_class, i32::VARCHAR, d, "
    "epoch_ms(day::TIMESTAMP)::VARCHAR";

// A row of our reader in the oracle's JSON form.
std::string RowJson(const std::vector<CellValue>& row) {
  std::string out = "[";
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) out += ",";
    const CellValue& v = row[i];
    switch (v.type) {
      case CellType::kNull:
        out += "null";
        break;
      case CellType::kBool:
        out += v.int_value ? "true" : "false";
        break;
      case CellType::kInt64:
      case CellType::kTimestampMillis:
        out += "\"" + std::to_string(v.int_value) + "\"";
        break;
      case CellType::kDouble: {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v.double_value);
        out.append(buf, end);
        break;
      }
      case CellType::kString:
        AppendJsonString(v.string_value, &out);
        break;
    }
  }
  return out + "]";
}

std::vector<std::string> ReadAllJson(const std::string& bytes, size_t* row_groups) {
  auto reader = OpenBytes(bytes);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  *row_groups = (*reader)->metadata().row_groups.size();
  std::vector<std::string> rows;
  std::vector<CellValue> row;
  while (true) {
    auto more = (*reader)->NextRow(&row);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    rows.push_back(RowJson(row));
  }
  return rows;
}

std::vector<std::string> Duck(const std::string& sql) {
  auto rows = DuckDbQuery(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? *rows : std::vector<std::string>{};
}

// codec, PARQUET_VERSION, dictionary on
using DuckParams = std::tuple<const char*, const char*, bool>;

class DuckDbWrittenTest : public ::testing::TestWithParam<DuckParams> {};

TEST_P(DuckDbWrittenTest, ReadsExactlyWhatDuckDbReads) {
  const auto& [codec, version, dictionary] = GetParam();
  TempDir dir;
  const std::string path = dir.Sub("duck.parquet");
  std::string options = std::string("FORMAT parquet, COMPRESSION ") + codec + ", PARQUET_VERSION " +
                        version + ", ROW_GROUP_SIZE 2048";
  if (!dictionary) options += ", DICTIONARY_SIZE_LIMIT 1";
  Duck("COPY (" + std::string(kSourceQuery) + "10000) t(i)) TO " + SqlQuote(path) + " (" + options +
       ")");
  std::vector<std::string> expected =
      Duck("SET TimeZone='UTC'; SELECT " + std::string(kExpectedColumns) + " FROM read_parquet(" +
           SqlQuote(path) + ")");
  ASSERT_EQ(expected.size(), 10'000u);
  size_t row_groups = 0;
  std::vector<std::string> ours = ReadAllJson(testing::ReadFile(path), &row_groups);
  EXPECT_GE(row_groups, 4u);
  ASSERT_EQ(ours.size(), expected.size());
  for (size_t i = 0; i < ours.size(); ++i) ASSERT_EQ(ours[i], expected[i]) << "row " << i;
}

INSTANTIATE_TEST_SUITE_P(Files, DuckDbWrittenTest,
                         ::testing::Combine(::testing::Values("snappy", "zstd", "gzip",
                                                              "uncompressed"),
                                            ::testing::Values("v1", "v2"), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<DuckParams>& info) {
                           return std::string(std::get<0>(info.param)) + "_" +
                                  std::get<1>(info.param) +
                                  (std::get<2>(info.param) ? "_dict" : "_plain");
                         });

TEST(DuckDbWrittenInventoryTest, CsvStyleColumnNamesAndMicrosecondsMapToObjects) {
  TempDir dir;
  const std::string path = dir.Sub("inv.parquet");
  Duck(
      "COPY (SELECT 'b' AS Bucket, 'k' || i AS Key, i::BIGINT AS Size, "
      "TIMESTAMPTZ '2024-04-22 01:13:28.123456+00' AS LastModifiedDate, "
      "CASE WHEN i = 1 THEN '' ELSE NULL END AS VersionId, i = 0 AS IsLatest, 'x' AS Extra "
      "FROM range(2) t(i)) TO " +
      SqlQuote(path) + " (FORMAT parquet)");
  std::string bytes = testing::ReadFile(path);
  auto reader = OpenBytes(bytes);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  store::ObjectInfo o;
  std::string bucket;
  ASSERT_TRUE(*(*reader)->NextObject(&o, &bucket));
  EXPECT_EQ(bucket, "b");
  EXPECT_EQ(o.key, "k0");
  EXPECT_EQ(o.last_modified_ms, 1713748408123);
  EXPECT_EQ(o.version_id, "");
  EXPECT_TRUE(o.is_latest);
  ASSERT_TRUE(*(*reader)->NextObject(&o, &bucket));
  EXPECT_EQ(o.size, 1);
  EXPECT_EQ(o.version_id, "null");
  EXPECT_FALSE(o.is_latest);
  EXPECT_FALSE(*(*reader)->NextObject(&o, &bucket));
}

TEST(DuckDbWrittenInventoryTest, FilesThatAreNotInventoriesAreRejectedByNextObject) {
  TempDir dir;
  const std::string no_key = dir.Sub("no_key.parquet"), bad_size = dir.Sub("bad_size.parquet");
  Duck("COPY (SELECT 1 AS a) TO " + SqlQuote(no_key) +
       " (FORMAT parquet); COPY (SELECT 'k' AS "
       "key, 'big' AS size) TO " +
       SqlQuote(bad_size) + " (FORMAT parquet)");
  store::ObjectInfo o;
  for (const auto& [path, message] :
       {std::pair{no_key, "no key column"}, std::pair{bad_size, "column size is string"}}) {
    std::string bytes = testing::ReadFile(path);
    auto reader = OpenBytes(bytes);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto more = (*reader)->NextObject(&o, nullptr);
    EXPECT_EQ(more.status().code(), Code::kInvalidArgument);
    EXPECT_NE(more.status().message().find(message), std::string::npos) << more.status().ToString();
  }
}

}  // namespace
}  // namespace stocktake::format
