// ParquetReader against our own writer: exact round trips of inventory
// records, generic rows, store-backed reading, and clean failures.
#include "format/parquet_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "format/parquet_test_util.h"
#include "store/local_store.h"
#include "testing/temp_dir.h"

namespace stocktake::format {
namespace {

ReportWriterOptions Options(std::vector<InventoryField> columns,
                            ParquetCompression compression = ParquetCompression::kSnappy) {
  ReportWriterOptions options;
  options.format = ReportFormat::kParquet;
  options.source_bucket = "src-bucket";
  options.columns = std::move(columns);
  options.parquet_compression = compression;
  return options;
}

std::vector<store::ObjectInfo> Records(int n) {
  std::vector<store::ObjectInfo> records;
  for (int i = 0; i < n; ++i) records.push_back(VariedRecord(i));
  return records;
}

// Reads every record of `bytes`, checking each against `expected`.
void ExpectRoundTrip(const std::string& bytes, const std::vector<store::ObjectInfo>& expected) {
  auto reader = OpenBytes(bytes);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->num_rows(), static_cast<int64_t>(expected.size()));
  store::ObjectInfo object;
  std::string bucket;
  for (size_t i = 0; i < expected.size(); ++i) {
    auto more = (*reader)->NextObject(&object, &bucket);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    ASSERT_TRUE(*more) << "ended after " << i << " rows";
    ASSERT_EQ(Describe(object), Describe(expected[i])) << "row " << i;
    ASSERT_EQ(bucket, "src-bucket");
  }
  auto more = (*reader)->NextObject(&object, &bucket);
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_FALSE(*more);
}

class ParquetRoundTripTest : public ::testing::TestWithParam<ParquetCompression> {};

TEST_P(ParquetRoundTripTest, EmptyFileHasSchemaAndNoRows) {
  std::string bytes = WriteParquetBytes(Options(AllInventoryColumns(), GetParam()), {});
  auto reader = OpenBytes(bytes);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->columns().size(), 21u);
  ExpectRoundTrip(bytes, {});
}

TEST_P(ParquetRoundTripTest, OneRowReadsBackExactly) {
  std::vector<store::ObjectInfo> records = {VariedRecord(1)};
  ExpectRoundTrip(WriteParquetBytes(Options(AllInventoryColumns(), GetParam()), records), records);
}

TEST_P(ParquetRoundTripTest, ManyRowGroupsAndPagesReadBackExactly) {
  ReportWriterOptions options = Options(AllInventoryColumns(), GetParam());
  options.parquet_row_group_rows = 70'000;  // 200k rows: 3 full groups and a partial one
  std::vector<store::ObjectInfo> records = Records(200'000);
  std::string bytes = WriteParquetBytes(options, records);
  auto reader = OpenBytes(bytes);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->metadata().row_groups.size(), 3u);
  ExpectRoundTrip(bytes, records);
}

INSTANTIATE_TEST_SUITE_P(Codecs, ParquetRoundTripTest,
                         ::testing::Values(ParquetCompression::kSnappy, ParquetCompression::kZstd,
                                           ParquetCompression::kGzip, ParquetCompression::kNone));

TEST(ParquetReaderTest, DictionaryFallbackToPlainReadsBack) {
  // Unique 2 KiB values overflow the 1 MiB dictionary within one chunk.
  std::vector<store::ObjectInfo> records = Records(3000);
  for (size_t i = 0; i < records.size(); ++i) records[i].key += std::string(2048, 'a' + i % 26);
  ExpectRoundTrip(WriteParquetBytes(Options(AllInventoryColumns()), records), records);
}

TEST(ParquetReaderTest, MissingColumnsLeaveDefaults) {
  auto columns = ReportColumns(false, {InventoryField::kSize});
  std::vector<store::ObjectInfo> records = Records(50);
  std::string bytes = WriteParquetBytes(Options(columns), records);
  auto reader = OpenBytes(bytes);
  ASSERT_TRUE(reader.ok());
  store::ObjectInfo object;
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_TRUE(*(*reader)->NextObject(&object, nullptr));
    EXPECT_EQ(object.key, records[i].key);
    EXPECT_EQ(object.size, records[i].is_delete_marker ? 0 : records[i].size);
    EXPECT_EQ(object.etag, "");
    EXPECT_TRUE(object.is_latest);
  }
}

TEST(ParquetReaderTest, GenericRowsCarryTypesAndNulls) {
  auto columns = ReportColumns(true, {InventoryField::kSize, InventoryField::kLastModifiedDate});
  std::string bytes = WriteParquetBytes(Options(columns), {VariedRecord(1), VariedRecord(11)});
  auto reader = OpenBytes(bytes);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> names;
  std::vector<CellType> types;
  for (const auto& c : (*reader)->columns()) {
    names.push_back(c.name);
    types.push_back(c.type);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"bucket", "key", "version_id", "is_latest",
                                             "is_delete_marker", "size", "last_modified_date"}));
  EXPECT_EQ(types, (std::vector<CellType>{CellType::kString, CellType::kString, CellType::kString,
                                          CellType::kBool, CellType::kBool, CellType::kInt64,
                                          CellType::kTimestampMillis}));
  EXPECT_FALSE((*reader)->columns()[1].optional);
  std::vector<CellValue> row;
  ASSERT_TRUE(*(*reader)->NextRow(&row));
  EXPECT_EQ(row[5].type, CellType::kInt64);
  EXPECT_EQ(row[5].int_value, 37);
  EXPECT_EQ(row[6].int_value, VariedRecord(1).last_modified_ms);
  ASSERT_TRUE(*(*reader)->NextRow(&row));  // a delete marker: no size
  EXPECT_TRUE(row[5].is_null());
  EXPECT_EQ(row[4].type, CellType::kBool);
  EXPECT_EQ(row[4].int_value, 1);
  EXPECT_FALSE(*(*reader)->NextRow(&row));
}

TEST(ParquetReaderTest, ReadsFromAnObjectStoreWithRangedGets) {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.Sub("bkt"));
  store::LocalStoreOptions store_options;
  store_options.root = dir.path();
  auto store = store::LocalStore::Open(store_options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<store::ObjectInfo> records = Records(1000);
  std::string bytes = WriteParquetBytes(Options(AllInventoryColumns()), records);
  ASSERT_TRUE((*store)->Put("bkt", "inv/data.parquet", bytes).ok());
  auto reader = ParquetReader::Open(store->get(), "bkt", "inv/data.parquet");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  store::ObjectInfo object;
  int rows = 0;
  while (*(*reader)->NextObject(&object, nullptr))
    EXPECT_EQ(Describe(object), Describe(records[rows++]));
  EXPECT_EQ(rows, 1000);
  EXPECT_EQ(ParquetReader::Open(store->get(), "bkt", "missing").status().code(), Code::kNotFound);
}

TEST(ParquetReaderTest, NotParquetIsCorruption) {
  for (const std::string& bytes : {std::string(""), std::string("PAR1"), std::string(100, 'x'),
                                   std::string("PAR1xxxxxxxxPAR1")}) {
    auto reader = OpenBytes(bytes);
    ASSERT_FALSE(reader.ok()) << bytes.size();
    EXPECT_EQ(reader.status().code(), Code::kCorruption) << reader.status().ToString();
    EXPECT_NE(reader.status().message().find("read parquet mem"), std::string::npos);
  }
}

TEST(ParquetReaderTest, EveryTruncationIsCorruption) {
  std::string bytes = WriteParquetBytes(Options(AllInventoryColumns()), Records(20));
  for (size_t length = 0; length < bytes.size(); ++length) {
    auto reader = OpenBytes(bytes.substr(0, length));
    ASSERT_FALSE(reader.ok()) << length;
    EXPECT_EQ(reader.status().code(), Code::kCorruption) << length;
  }
}

TEST(ParquetReaderTest, RangeReaderErrorsPassThrough) {
  auto reader = ParquetReader::Open(
      [](int64_t, int64_t) -> Result<std::string> { return Unavailable("get s3://b/k: 503"); },
      1000, "s3://b/k");
  EXPECT_EQ(reader.status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace stocktake::format
