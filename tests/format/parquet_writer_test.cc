// ParquetReportWriter behaviour that needs no external reader: framing,
// streaming by row group, errors. Values are checked in parquet_oracle_test.
#include "format/parquet_writer.h"

#include <gtest/gtest.h>

#include <cstring>

#include "base/hash.h"
#include "format/format_test_util.h"
#include "format/parquet_reader.h"
#include "testing/memory_writer.h"

namespace stocktake::format {
namespace {

using testing::StringWriter;

ReportWriterOptions Options() {
  ReportWriterOptions options;
  options.format = ReportFormat::kParquet;
  options.source_bucket = "src";
  options.columns = ReportColumns(false, {InventoryField::kSize, InventoryField::kETag});
  return options;
}

store::ObjectInfo Row(int i) {
  store::ObjectInfo o;
  o.key = "k/" + std::to_string(i);
  o.size = i;
  o.etag = Md5Hex(o.key);
  return o;
}

TEST(ParquetWriterTest, FileIsFramedByMagicAndFooterLength) {
  StringWriter out;
  auto writer = NewReportWriter(Options(), &out);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(Row(1)).ok());
  auto summary = (*writer)->Finish();
  ASSERT_TRUE(summary.ok());
  const std::string& data = out.data();
  ASSERT_GT(data.size(), 12u);
  EXPECT_EQ(data.substr(0, 4), "PAR1");
  EXPECT_EQ(data.substr(data.size() - 4), "PAR1");
  uint32_t footer = 0;
  std::memcpy(&footer, data.data() + data.size() - 8, 4);
  EXPECT_LT(footer, data.size() - 12);
  EXPECT_NE(data.find(std::string(kParquetCreatedBy)), std::string::npos);
  EXPECT_EQ(summary->rows, 1);
  EXPECT_EQ(summary->bytes, static_cast<int64_t>(data.size()));
  EXPECT_EQ(summary->md5_hex, Md5Hex(data));
  EXPECT_FALSE(out.closed());  // the caller closes the ObjectWriter
}

TEST(ParquetWriterTest, StreamsOneRowGroupAtATime) {
  ReportWriterOptions options = Options();
  options.parquet_row_group_rows = 1000;
  StringWriter out;
  auto writer = NewReportWriter(options, &out);
  ASSERT_TRUE(writer.ok());
  int64_t last_bytes = 0;
  for (int i = 0; i < 20'000; ++i) {
    ASSERT_TRUE((*writer)->Append(Row(i)).ok());
    EXPECT_GE((*writer)->BytesWritten(), last_bytes);
    last_bytes = (*writer)->BytesWritten();
    // Everything before the open row group has been handed over.
    if (i % 1000 == 999) {
      EXPECT_EQ((*writer)->BytesWritten(), out.BytesWritten()) << i;
    }
  }
  EXPECT_EQ((*writer)->RowsWritten(), 20'000);
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_GT(out.appends(), 20 * 4);
  EXPECT_LT(out.max_append(), out.data().size() / 10);
}

TEST(ParquetWriterTest, RowGroupsAlsoEndAtTheirByteLimit) {
  ReportWriterOptions options = Options();
  options.parquet_row_group_bytes = 64 * 1024;
  StringWriter out;
  auto writer = NewReportWriter(options, &out);
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < 20'000; ++i) ASSERT_TRUE((*writer)->Append(Row(i)).ok());
  const int64_t handed_over = out.BytesWritten();
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_GT(handed_over, out.BytesWritten() / 2);
}

TEST(ParquetWriterTest, UploadFailureSticksAndAppendAfterFinishFails) {
  ReportWriterOptions options = Options();
  options.parquet_row_group_rows = 10;
  StringWriter out;
  out.FailAppend(3);
  auto writer = NewReportWriter(options, &out);
  ASSERT_TRUE(writer.ok());
  Status failed;
  for (int i = 0; i < 100 && failed.ok(); ++i) failed = (*writer)->Append(Row(i));
  EXPECT_EQ(failed.code(), Code::kIOError);
  EXPECT_EQ((*writer)->Append(Row(0)).code(), Code::kIOError);
  EXPECT_EQ((*writer)->Finish().status().code(), Code::kIOError);
  EXPECT_EQ((*writer)->Append(Row(0)).code(), Code::kFailedPrecondition);
}

TEST(ParquetWriterTest, AbandonDiscardsBufferedRows) {
  StringWriter out;
  auto writer = NewReportWriter(Options(), &out);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(Row(1)).ok());
  (*writer)->Abandon();
  EXPECT_EQ(out.data(), "PAR1");
  EXPECT_EQ((*writer)->Finish().status().code(), Code::kFailedPrecondition);
}

TEST(ParquetWriterTest, BadOptionsAreInvalidArgument) {
  StringWriter out;
  ReportWriterOptions options = Options();
  options.parquet_compression = ParquetCompression::kZstd;
  options.compression_level = 0;
  EXPECT_EQ(NewReportWriter(options, &out).status().code(), Code::kInvalidArgument);
  options.parquet_compression = ParquetCompression::kSnappy;
  auto snappy = NewReportWriter(options, &out);  // Snappy has no level
  ASSERT_TRUE(snappy.ok());
  (*snappy)->Abandon();
  options.parquet_row_group_rows = 0;
  EXPECT_EQ(NewReportWriter(options, &out).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace stocktake::format

namespace stocktake::format {
namespace {

TEST(ParquetWriterCellsTest, AppendCellsKeepsNullsAndRejectsMismatches) {
  ReportWriterOptions options;
  options.format = ReportFormat::kParquet;
  options.source_bucket = "b";
  options.columns = {InventoryField::kBucket, InventoryField::kKey, InventoryField::kSize,
                     InventoryField::kIsLatest, InventoryField::kLastModifiedDate};
  testing::StringWriter out;
  ParquetReportWriter writer(options, &out);
  auto cell = [](CellType type, int64_t v = 0, std::string s = "") {
    CellValue c;
    c.type = type;
    c.int_value = v;
    c.string_value = std::move(s);
    return c;
  };
  const CellValue null;
  EXPECT_EQ(writer.AppendCells({cell(CellType::kString, 0, "b")}).code(), Code::kInvalidArgument);
  EXPECT_EQ(writer.AppendCells({cell(CellType::kString, 0, "b"), null, null, null, null}).code(),
            Code::kInvalidArgument);  // key is required
  EXPECT_EQ(writer
                .AppendCells({cell(CellType::kString, 0, "b"), cell(CellType::kString, 0, "k"),
                              cell(CellType::kString, 0, "12"), null, null})
                .code(),
            Code::kInvalidArgument);  // size must be int64
  ASSERT_TRUE(writer
                  .AppendCells({cell(CellType::kString, 0, "b"), cell(CellType::kString, 0, "k1"),
                                cell(CellType::kInt64, 12), cell(CellType::kBool, 1),
                                cell(CellType::kTimestampMillis, 1700000000123)})
                  .ok());
  ASSERT_TRUE(writer
                  .AppendCells({cell(CellType::kString, 0, "b"), cell(CellType::kString, 0, "k2"),
                                null, null, null})
                  .ok());
  Result<FileSummary> summary = writer.Finish();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->rows, 2);

  const std::string bytes = out.data();
  auto read = [&bytes](int64_t offset, int64_t length) -> Result<std::string> {
    return bytes.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
  };
  Result<std::unique_ptr<ParquetReader>> reader =
      ParquetReader::Open(read, static_cast<int64_t>(bytes.size()), "memory");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::vector<CellValue> row;
  ASSERT_TRUE(*(*reader)->NextRow(&row));
  EXPECT_EQ(row[2], cell(CellType::kInt64, 12));
  EXPECT_EQ(row[3], cell(CellType::kBool, 1));
  EXPECT_EQ(row[4], cell(CellType::kTimestampMillis, 1700000000123));
  ASSERT_TRUE(*(*reader)->NextRow(&row));
  EXPECT_EQ(row[1].string_value, "k2");
  EXPECT_TRUE(row[2].is_null());
  EXPECT_TRUE(row[3].is_null());
  EXPECT_TRUE(row[4].is_null());
  EXPECT_FALSE(*(*reader)->NextRow(&row));
}

}  // namespace
}  // namespace stocktake::format
