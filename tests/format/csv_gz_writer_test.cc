#include "format/csv_gz_writer.h"

#include <gtest/gtest.h>

#include "base/hash.h"
#include "format/format_test_util.h"
#include "testing/memory_writer.h"

namespace stocktake::format {
namespace {

using testing::StringWriter;

std::vector<InventoryField> AllColumns() {
  std::vector<InventoryField> all;
  for (int i = 0; i < kInventoryFieldCount; ++i) all.push_back(static_cast<InventoryField>(i));
  return all;
}

ReportWriterOptions Options(std::vector<InventoryField> columns, bool gzip) {
  ReportWriterOptions options;
  options.source_bucket = "src";
  options.columns = std::move(columns);
  options.gzip = gzip;
  return options;
}

// Writes `records` and returns the bytes handed to the ObjectWriter.
std::string Write(const ReportWriterOptions& options, const std::vector<store::ObjectInfo>& records,
                  FileSummary* summary = nullptr) {
  StringWriter out;
  auto writer = NewReportWriter(options, &out);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  for (const auto& r : records) EXPECT_TRUE((*writer)->Append(r).ok());
  auto done = (*writer)->Finish();
  EXPECT_TRUE(done.ok()) << done.status().ToString();
  if (summary != nullptr && done.ok()) *summary = *done;
  return out.data();
}

TEST(CsvGzWriterTest, WritesAllColumnsExactly) {
  std::string csv = Write(Options(AllColumns(), false), {FullRecord()});
  EXPECT_EQ(csv,
            "\"src\",\"dir/a+b%2Bc%25d.txt\",\"3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY\",\"true\","
            "\"false\",\"1234\",\"2024-04-22T01:13:28.123Z\","
            "\"d41d8cd98f00b204e9800998ecf8427e-2\",\"STANDARD\",\"true\",\"COMPLETED\","
            "\"SSE-S3\",\"2030-01-01T00:00:00.000Z\",\"GOVERNANCE\",\"On\",\"FREQUENT\","
            "\"ENABLED\",\"CRC32\",\"\","
            "\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\","
            "\"2025-01-01T00:00:00.000Z\"\n");
}

TEST(CsvGzWriterTest, DeleteMarkerWithNullVersionHasEmptyObjectFields) {
  store::ObjectInfo marker = FullRecord();
  marker.is_delete_marker = true;
  marker.is_latest = false;
  marker.version_id = "null";
  std::string csv = Write(Options(AllColumns(), false), {marker});
  EXPECT_EQ(csv,
            "\"src\",\"dir/a+b%2Bc%25d.txt\",\"\",\"false\",\"true\",\"\","
            "\"2024-04-22T01:13:28.123Z\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\","
            "\"\",\"\",\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\","
            "\"\"\n");
}

TEST(CsvGzWriterTest, UnknownValuesAreEmptyAndColumnsFollowOptions) {
  store::ObjectInfo bare;
  bare.key = "k";
  bare.size = 0;
  auto columns = ReportColumns(
      false, {InventoryField::kETag, InventoryField::kSize, InventoryField::kLastModifiedDate,
              InventoryField::kIsMultipartUploaded});
  EXPECT_EQ(Write(Options(columns, false), {bare}), "\"src\",\"k\",\"0\",\"\",\"\",\"\"\n");
}

TEST(CsvGzWriterTest, EncodesHostileKeysAndDoublesQuotes) {
  struct Case {
    std::string key;
    std::string encoded;
  };
  const std::vector<Case> cases = {
      {"a b", "a+b"},
      {"a+b", "a%2Bb"},
      {"100%", "100%25"},
      {"caf\xC3\xA9", "caf%C3%A9"},
      {"\xF0\x9F\x98\x80.png", "%F0%9F%98%80.png"},
      {"say \"hi\"", "say+%22hi%22"},
      {"line\nbreak\r", "line%0Abreak%0D"},
      {std::string("\x01\x7f,", 3), "%01%7F%2C"},
      {"a/b*c-_.~", "a/b*c-_.%7E"},
  };
  auto columns = ReportColumns(false, {InventoryField::kStorageClass});
  for (const Case& c : cases) {
    store::ObjectInfo o;
    o.key = c.key;
    o.storage_class = "ODD\"CLASS";
    EXPECT_EQ(Write(Options(columns, false), {o}),
              "\"src\",\"" + c.encoded + "\",\"ODD\"\"CLASS\"\n")
        << c.key;
  }
}

TEST(CsvGzWriterTest, SummaryMatchesBytesHandedToTheObjectWriter) {
  for (bool gzip : {false, true}) {
    FileSummary summary;
    std::string bytes = Write(Options(AllColumns(), gzip), {FullRecord(), FullRecord()}, &summary);
    EXPECT_EQ(summary.rows, 2);
    EXPECT_EQ(summary.bytes, static_cast<int64_t>(bytes.size()));
    EXPECT_EQ(summary.md5_hex, Md5Hex(bytes));
  }
}

TEST(CsvGzWriterTest, GzipOutputInflatesToThePlainRows) {
  std::vector<store::ObjectInfo> records(3, FullRecord());
  std::string plain = Write(Options(AllColumns(), false), records);
  std::string gz = Write(Options(AllColumns(), true), records);
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  bool ok = false;
  EXPECT_EQ(Gunzip(gz, &ok), plain);
  EXPECT_TRUE(ok);
}

TEST(CsvGzWriterTest, EmptyReportIsAValidEmptyGzip) {
  FileSummary summary;
  std::string gz = Write(Options(AllColumns(), true), {}, &summary);
  bool ok = false;
  EXPECT_EQ(Gunzip(gz, &ok), "");
  EXPECT_TRUE(ok);
  EXPECT_EQ(summary.rows, 0);
}

TEST(CsvGzWriterTest, LargeOutputStreamsInBoundedChunks) {
  auto columns = ReportColumns(
      false, {InventoryField::kSize, InventoryField::kLastModifiedDate, InventoryField::kETag});
  StringWriter plain_out, gz_out;
  auto plain = NewReportWriter(Options(columns, false), &plain_out);
  auto gz = NewReportWriter(Options(columns, true), &gz_out);
  ASSERT_TRUE(plain.ok() && gz.ok());
  store::ObjectInfo o;
  for (int i = 0; i < 200'000; ++i) {
    o.key = "logs/2024/" + std::to_string(i % 977) + "/part " + std::to_string(i);
    o.size = i * 37;
    o.last_modified_ms = 1'700'000'000'000 + int64_t{i} * 7919;
    o.etag = Md5Hex(o.key);
    ASSERT_TRUE((*plain)->Append(o).ok());
    ASSERT_TRUE((*gz)->Append(o).ok());
  }
  auto plain_summary = (*plain)->Finish();
  auto gz_summary = (*gz)->Finish();
  ASSERT_TRUE(plain_summary.ok() && gz_summary.ok());
  EXPECT_GT(gz_out.appends(), 2);
  EXPECT_LE(gz_out.max_append(), size_t{2} << 20);
  EXPECT_LE(plain_out.max_append(), size_t{2} << 20);
  EXPECT_EQ(gz_summary->md5_hex, Md5Hex(gz_out.data()));
  bool ok = false;
  EXPECT_TRUE(Gunzip(gz_out.data(), &ok) == plain_out.data());
  EXPECT_TRUE(ok);
  EXPECT_EQ(gz_summary->rows, 200'000);
}

TEST(CsvGzWriterTest, ObjectWriterFailureIsReturnedAndSticks) {
  StringWriter out;
  out.FailAppend(1);
  auto writer = NewReportWriter(Options(AllColumns(), false), &out);
  ASSERT_TRUE(writer.ok());
  // Rows are buffered until a block fills; the first block upload fails.
  Status st;
  int rows = 0;
  for (; rows < 100'000 && st.ok(); ++rows) st = (*writer)->Append(FullRecord());
  ASSERT_EQ(st.code(), Code::kIOError);
  EXPECT_GT(rows, 1);
  EXPECT_EQ((*writer)->Append(FullRecord()).code(), Code::kIOError);
  EXPECT_EQ((*writer)->Finish().status().code(), Code::kIOError);
}

TEST(CsvGzWriterTest, FailedFinishSurfacesTheObjectWriterError) {
  StringWriter out;
  out.FailAppend(1);
  auto writer = NewReportWriter(Options(AllColumns(), true), &out);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(FullRecord()).ok());
  EXPECT_EQ((*writer)->Finish().status().code(), Code::kIOError);
}

TEST(CsvGzWriterTest, AppendAfterFinishIsFailedPrecondition) {
  StringWriter out;
  auto writer = NewReportWriter(Options(AllColumns(), true), &out);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_EQ((*writer)->Append(FullRecord()).code(), Code::kFailedPrecondition);
}

TEST(CsvGzWriterTest, UnsupportedFormatsAndOptionsAreInvalidArgument) {
  StringWriter out;
  ReportWriterOptions options = Options(AllColumns(), true);
  options.format = ReportFormat::kOrc;
  auto orc = NewReportWriter(options, &out);
  ASSERT_FALSE(orc.ok());
  EXPECT_EQ(orc.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(orc.status().message(), "ORC reports are not supported yet");
  options.format = ReportFormat::kCsv;
  options.compression_level = 12;
  EXPECT_EQ(NewReportWriter(options, &out).status().code(), Code::kInvalidArgument);
  options.compression_level = 6;
  options.columns.clear();
  EXPECT_EQ(NewReportWriter(options, &out).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace stocktake::format
