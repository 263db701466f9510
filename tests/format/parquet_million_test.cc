// A 1,000,000-row Parquet report in several row groups, read back by DuckDB
// and by hyparquet: the row count and an MD5 over every cell of every row
// (in file order) must equal what the test wrote. Dictionary columns
// (storage class), high-cardinality ones that fall back to PLAIN (ETag,
// key) and nulls (version ids, delete markers) all appear.
#include <gtest/gtest.h>

#include <cstdio>

#include "base/hash.h"
#include "format/parquet_writer.h"
#include "testing/duckdb.h"
#include "testing/hyparquet.h"
#include "testing/temp_dir.h"

namespace stocktake::format {
namespace {

constexpr int kRows = 1'000'000;

// Streams the file to disk: the test keeps no copy of a million records.
class FileSink : public store::ObjectWriter {
 public:
  explicit FileSink(const std::string& path) : file_(std::fopen(path.c_str(), "wb")) {}
  ~FileSink() override {
    if (file_) std::fclose(file_);
  }
  Status Append(std::string_view data) override {
    if (!file_ || std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
      return IOError("write test file");
    }
    bytes_ += static_cast<int64_t>(data.size());
    return Status::OK();
  }
  Status Close() override {
    int rc = std::fclose(file_);
    file_ = nullptr;
    return rc == 0 ? Status::OK() : IOError("close test file");
  }
  void Abort() override {}
  int64_t BytesWritten() const override { return bytes_; }

 private:
  std::FILE* file_;
  int64_t bytes_ = 0;
};

const char* const kClasses[] = {"STANDARD", "STANDARD_IA", "GLACIER"};

store::ObjectInfo Row(int i) {
  store::ObjectInfo o;
  char key[96];
  // Unicode and separators; every key distinct.
  std::snprintf(key, sizeof(key), "d%03d/\xC3\xA9t\xC3\xA9 %07d+\xF0\x9F\x93\xA6.bin", i % 997, i);
  o.key = key;
  o.is_delete_marker = i % 101 == 0;
  o.is_latest = i % 3 != 0;
  o.version_id = i % 5 == 0 ? "null" : "v" + std::to_string(i * 7919LL % 1000003);
  o.size = (static_cast<int64_t>(i) * 2654435761LL) % (int64_t{1} << 40);
  o.last_modified_ms = 1600000000000LL + static_cast<int64_t>(i) * 1237;
  o.etag = Md5Hex(std::to_string(i));
  o.storage_class = kClasses[i % 3];
  return o;
}

// The row as the digest oracles print it (see hyparquet.h).
void AppendLine(const store::ObjectInfo& o, std::string* out) {
  const bool obj = !o.is_delete_marker;
  auto cell = [&](const std::string& text) {
    out->append(text);
    out->push_back('\t');
  };
  cell("src");
  cell(o.key);
  cell(o.version_id == "null" ? "" : o.version_id);  // the null version is written as ""
  cell(o.is_latest ? "true" : "false");
  cell(o.is_delete_marker ? "true" : "false");
  cell(obj ? std::to_string(o.size) : "\\N");
  cell(std::to_string(o.last_modified_ms));
  cell(obj ? o.etag : "\\N");
  out->append(obj ? o.storage_class : "\\N");
  out->push_back('\n');
}

TEST(ParquetMillionRowsTest, DuckDbAndHyparquetReadEveryRowExactly) {
  testing::TempDir dir;
  const std::string path = dir.Sub("million.parquet");
  ReportWriterOptions options;
  options.format = ReportFormat::kParquet;
  options.source_bucket = "src";
  options.columns = ReportColumns(
      true, {InventoryField::kSize, InventoryField::kLastModifiedDate, InventoryField::kETag,
             InventoryField::kStorageClass});
  options.parquet_row_group_rows = 300'000;  // 4 row groups

  FileSink sink(path);
  auto writer = NewReportWriter(options, &sink);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  Md5Hasher want;
  std::string lines;
  for (int i = 0; i < kRows; ++i) {
    store::ObjectInfo o = Row(i);
    ASSERT_TRUE((*writer)->Append(o).ok());
    AppendLine(o, &lines);
    if (lines.size() > (1 << 20)) {
      want.Update(lines);
      lines.clear();
    }
  }
  want.Update(lines);
  auto summary = (*writer)->Finish();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_TRUE(sink.Close().ok());
  EXPECT_EQ(summary->rows, kRows);
  const std::string md5 = want.FinishHex();
  int64_t sum = 0;
  for (int i = 0; i < kRows; ++i) {
    store::ObjectInfo o = Row(i);
    if (!o.is_delete_marker) sum += o.size;
  }

  const std::string file = "read_parquet(" + testing::SqlQuote(path) + ", file_row_number=true)";
  auto cell = [](const std::string& expr) { return "coalesce((" + expr + ")::VARCHAR, '\\N')"; };
  const std::string line =
      "concat_ws(chr(9), bucket, key, " + cell("version_id") + ", " + cell("is_latest") + ", " +
      cell("is_delete_marker") + ", " + cell("size") + ", " + cell("epoch_ms(last_modified_date)") +
      ", " + cell("e_tag") + ", " + cell("storage_class") + ") || chr(10)";
  auto duck = testing::DuckDbQuery(
      "SELECT count(*)::VARCHAR, md5(string_agg(" + line +
      ", '' ORDER BY file_row_number)), count(DISTINCT key)::VARCHAR, sum(size)::VARCHAR FROM " +
      file);
  ASSERT_TRUE(duck.ok()) << duck.status().ToString();
  EXPECT_EQ(*duck, std::vector<std::string>{"[\"1000000\",\"" + md5 + "\",\"1000000\",\"" +
                                            std::to_string(sum) + "\"]"});
  auto hyparquet = testing::HyparquetDigest(path);
  ASSERT_TRUE(hyparquet.ok()) << hyparquet.status().ToString();
  EXPECT_EQ(*hyparquet, "{\"rows\":1000000,\"md5\":\"" + md5 + "\"}");

  auto groups = testing::DuckDbQuery("SELECT count(DISTINCT row_group_id)::VARCHAR FROM "
                                     "parquet_metadata(" + testing::SqlQuote(path) + ")");
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(*groups, std::vector<std::string>{"[\"4\"]"});
}

}  // namespace
}  // namespace stocktake::format
