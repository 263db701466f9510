#include "format/csv_reader.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "format/format_test_util.h"
#include "format/report_writer.h"
#include "testing/memory_writer.h"

namespace stocktake::format {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Reads every row; `pull_bytes` > 0 feeds the reader that many bytes per
// pull, so rows, quotes and "\r\n" split across buffers.
Result<Rows> ReadAll(const std::string& data, CsvCompression compression, size_t pull_bytes = 0) {
  const size_t step = pull_bytes > 0 ? pull_bytes : data.size();
  CsvReader reader(
      [&data, step, offset = size_t{0}](char* buf, size_t cap) mutable -> Result<size_t> {
        size_t n = std::min({cap, step, data.size() - offset});
        data.copy(buf, n, offset);
        offset += n;
        return n;
      },
      compression, "mem://test.csv");
  Rows rows;
  std::vector<std::string> row;
  for (int i = 0; i < 1'000'000; ++i) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&row));
    if (!more) return rows;
    rows.push_back(row);
  }
  return Internal("too many rows");
}

std::string Gzip(const std::string& text) {
  std::string out;
  GzipCompressor gz(6, [&](std::string_view b) {
    out.append(b);
    return Status::OK();
  });
  EXPECT_TRUE(gz.Write(text).ok());
  EXPECT_TRUE(gz.Finish().ok());
  return out;
}

TEST(CsvReaderTest, ParsesRfc4180Rows) {
  struct Case {
    std::string text;
    Rows rows;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"\n\n", {}},
      {"a,b\n", {{"a", "b"}}},
      {"a,b", {{"a", "b"}}},
      {"\"a\",\"b\"\n\"c\",\"\"\n", {{"a", "b"}, {"c", ""}}},
      {"\"say \"\"hi\"\"\",x\n", {{"say \"hi\"", "x"}}},
      {"\"multi\nline\",\"x,y\"\r\nz\n", {{"multi\nline", "x,y"}, {"z"}}},
      {"a,,\n", {{"a", "", ""}}},
      {"a\n\n\nb\n\n", {{"a"}, {"b"}}},
      {"\"\"\"\"\n", {{"\""}}},
  };
  for (const Case& c : cases) {
    for (bool gzip : {false, true}) {
      for (size_t pull_bytes : {0, 1, 2}) {
        auto rows = ReadAll(gzip ? Gzip(c.text) : c.text,
                            gzip ? CsvCompression::kGzip : CsvCompression::kNone, pull_bytes);
        ASSERT_TRUE(rows.ok()) << c.text << rows.status().ToString();
        EXPECT_EQ(*rows, c.rows) << c.text << " pull " << pull_bytes;
      }
    }
  }
}

TEST(CsvReaderTest, MalformedCsvIsCorruptionWithLineNumber) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"\"open", "line 1: unterminated quoted field"},
      {"a\n\"x\"y\n", "line 2: unexpected character after a quoted field"},
      {"a\n\n\"m\nl\"\nab\"c\n", "line 5: quote inside an unquoted field"},
      {"a\rb\n", "line 1: bare carriage return"},
  };
  for (const Case& c : cases) {
    for (size_t pull_bytes : {0, 1}) {
      auto rows = ReadAll(c.text, CsvCompression::kNone, pull_bytes);
      ASSERT_FALSE(rows.ok()) << c.text;
      EXPECT_EQ(rows.status().code(), Code::kCorruption);
      EXPECT_EQ(rows.status().message(), "read mem://test.csv: " + c.message);
    }
  }
}

TEST(CsvReaderTest, TruncatedOrDamagedGzipIsCorruption) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "\"b\",\"key" + std::to_string(i) + "\",\"1\"\n";
  std::string gz = Gzip(text);
  std::vector<std::string> broken = {
      gz.substr(0, gz.size() - 4),      // trailer cut
      gz.substr(0, gz.size() / 2),      // mid stream
      gz.substr(0, 5),                  // header only
      gz + "garbage after the member",  // trailing junk
      std::string("\x1f\x8b", 2),       // magic only
  };
  std::string flipped = gz;
  flipped[gz.size() / 2] ^= 0x55;
  broken.push_back(flipped);
  for (size_t i = 0; i < broken.size(); ++i) {
    for (auto compression : {CsvCompression::kGzip, CsvCompression::kDetect}) {
      auto rows = ReadAll(broken[i], compression);
      ASSERT_FALSE(rows.ok()) << "case " << i;
      EXPECT_EQ(rows.status().code(), Code::kCorruption) << "case " << i;
    }
  }
  EXPECT_EQ(ReadAll("", CsvCompression::kGzip).status().code(), Code::kCorruption);
}

TEST(CsvReaderTest, ReadsConcatenatedGzipMembersAndDetectsCompression) {
  std::string gz = Gzip("\"a\"\n") + Gzip("\"b\"\n");
  auto rows = ReadAll(gz, CsvCompression::kDetect);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, (Rows{{"a"}, {"b"}}));
  auto plain = ReadAll("\"c\"\n", CsvCompression::kDetect);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, (Rows{{"c"}}));
}

TEST(CsvReaderTest, PullErrorsPassThrough) {
  CsvReader reader([](char*, size_t) -> Result<size_t> { return Unavailable("get s3://b/k: 503"); },
                   CsvCompression::kGzip, "s3://b/k");
  std::vector<std::string> row;
  auto next = reader.Next(&row);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), Code::kUnavailable);
  EXPECT_EQ(reader.Next(&row).status().code(), Code::kUnavailable);
}

TEST(CsvReaderTest, WriterOutputReadsBackAsTheSameObjects) {
  std::vector<InventoryField> columns;
  for (int i = 0; i < kInventoryFieldCount; ++i) columns.push_back(static_cast<InventoryField>(i));
  store::ObjectInfo marker;
  marker.key = "gone \"now\"\n+%";
  marker.version_id = "v2";
  marker.is_latest = false;
  marker.is_delete_marker = true;
  marker.last_modified_ms = Ms("2024-01-02T03:04:05.006Z");
  std::vector<store::ObjectInfo> records = {FullRecord(), marker};
  for (int i = 0; i < 30'000; ++i) {  // several pull blocks
    store::ObjectInfo o = FullRecord();
    o.key = "bulk/" + std::to_string(i);
    o.size = i;
    records.push_back(o);
  }
  testing::StringWriter out;
  ReportWriterOptions options;
  options.source_bucket = "src";
  options.columns = columns;
  auto writer = NewReportWriter(options, &out);
  ASSERT_TRUE(writer.ok());
  for (const auto& r : records) ASSERT_TRUE((*writer)->Append(r).ok());
  ASSERT_TRUE((*writer)->Finish().ok());

  CsvReader reader = CsvReader::FromBytes(out.data(), CsvCompression::kDetect, "mem://r.csv.gz");
  store::ObjectInfo got;
  std::string bucket;
  for (size_t i = 0; i < records.size(); ++i) {
    auto more = reader.NextObject(columns, &got, &bucket);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    ASSERT_TRUE(*more);
    EXPECT_EQ(bucket, "src");
    const store::ObjectInfo& want = records[i];
    EXPECT_EQ(got.key, want.key);
    EXPECT_EQ(got.version_id, want.version_id);
    EXPECT_EQ(got.is_latest, want.is_latest);
    EXPECT_EQ(got.is_delete_marker, want.is_delete_marker);
    EXPECT_EQ(got.last_modified_ms, want.last_modified_ms);
    EXPECT_EQ(got.owner_id, want.owner_id);
    if (!want.is_delete_marker) {
      EXPECT_EQ(got.size, want.size);
      EXPECT_EQ(got.etag, want.etag);
      EXPECT_EQ(got.storage_class, want.storage_class);
      EXPECT_EQ(got.object_lock_retain_until_ms, want.object_lock_retain_until_ms);
      EXPECT_EQ(got.lifecycle_expiration_ms, want.lifecycle_expiration_ms);
      EXPECT_EQ(got.object_lock_legal_hold, want.object_lock_legal_hold);
      EXPECT_EQ(got.checksum_algorithm, want.checksum_algorithm);
    }
    if (::testing::Test::HasFailure()) break;
  }
  auto end = reader.NextObject(columns, &got, &bucket);
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(*end);
}

TEST(ParseInventoryRowTest, BadValuesAreCorruptionNamingTheColumn) {
  const std::vector<InventoryField> columns = {InventoryField::kBucket, InventoryField::kKey,
                                               InventoryField::kIsLatest, InventoryField::kSize,
                                               InventoryField::kLastModifiedDate};
  struct Case {
    std::vector<std::string> row;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"b", "k"}, "2 fields, expected 5"},
      {{"b", "k%G1", "true", "1", ""}, "Key"},
      {{"b", "k", "yes", "1", ""}, "IsLatest"},
      {{"b", "k", "true", "1.5", ""}, "Size"},
      {{"b", "k", "true", "", "yesterday"}, "LastModifiedDate"},
  };
  for (const Case& c : cases) {
    store::ObjectInfo o;
    Status st = ParseInventoryRow(c.row, columns, &o, nullptr);
    EXPECT_EQ(st.code(), Code::kCorruption);
    EXPECT_NE(st.message().find(c.message), std::string::npos) << st.message();
  }
  store::ObjectInfo o;
  ASSERT_TRUE(ParseInventoryRow({"b", "a+b%2B", "True", "", "2024-04-22T01:13:28.000Z"}, columns,
                                &o, nullptr)
                  .ok());
  EXPECT_EQ(o.key, "a b+");
  EXPECT_TRUE(o.is_latest);
  EXPECT_EQ(o.size, 0);
  EXPECT_EQ(o.last_modified_ms, Ms("2024-04-22T01:13:28Z"));
}

TEST(CsvReaderTest, NextObjectAddsFileAndLineToRowErrors) {
  CsvReader reader = CsvReader::FromBytes("\"b\",\"k\"\n\"b\"\n", CsvCompression::kNone, "f.csv");
  store::ObjectInfo o;
  const std::vector<InventoryField> columns = {InventoryField::kBucket, InventoryField::kKey};
  ASSERT_TRUE(reader.NextObject(columns, &o, nullptr).ok());
  auto bad = reader.NextObject(columns, &o, nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "Corruption: read f.csv: line 2: 1 fields, expected 2");
}

}  // namespace
}  // namespace stocktake::format
