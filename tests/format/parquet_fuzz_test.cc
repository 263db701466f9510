// Deterministic mutation fuzzing of ParquetReader: real files (ours, and
// DuckDB's page v1/v2 files in tests/data/parquet) with flipped bits,
// overwritten bytes and truncations must open and read to the end or fail
// with Corruption/InvalidArgument — never crash, hang or over-allocate.
// Most useful under -DSTOCKTAKE_SANITIZE=ON (ASan + UBSan). Bounded by an
// iteration count and a wall-clock budget.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "format/parquet_test_util.h"
#include "testing/temp_dir.h"

namespace stocktake::format {
namespace {

constexpr int kIterationsPerFile = 2500;
constexpr auto kBudgetPerFile = std::chrono::seconds(6);
constexpr int64_t kMaxRowsPerFile = 1'000'000;

// Returns the status of reading `bytes` to the end.
Status ReadEverything(const std::string& bytes) {
  ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader, OpenBytes(bytes));
  std::vector<CellValue> row;
  for (int64_t i = 0; i < kMaxRowsPerFile; ++i) {
    ASSIGN_OR_RETURN(bool more, reader->NextRow(&row));
    if (!more) break;
  }
  // The same file through the inventory mapping (which may refuse it).
  ASSIGN_OR_RETURN(reader, OpenBytes(bytes));
  store::ObjectInfo object;
  for (int64_t i = 0; i < kMaxRowsPerFile; ++i) {
    ASSIGN_OR_RETURN(bool more, reader->NextObject(&object, nullptr));
    if (!more) break;
  }
  return Status::OK();
}

std::string Mutate(const std::string& original, std::mt19937* rng) {
  std::string bytes = original;
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(*rng); };
  switch (pick(4)) {
    case 0:  // a few bit flips anywhere
      for (size_t k = 0, n = 1 + pick(3); k < n; ++k) bytes[pick(bytes.size())] ^= 1 << pick(8);
      break;
    case 1: {  // bit flips in the footer, where the structure is
      const size_t tail = std::min<size_t>(bytes.size(), 2048);
      for (size_t k = 0, n = 1 + pick(3); k < n; ++k) {
        bytes[bytes.size() - 1 - pick(tail)] ^= 1 << pick(8);
      }
      break;
    }
    case 2:  // truncation
      bytes.resize(pick(bytes.size()));
      break;
    default: {  // a short run of extreme bytes
      const size_t at = pick(bytes.size());
      const char value = "\x00\xff\x7f\x80"[pick(4)];
      for (size_t k = at; k < std::min(bytes.size(), at + 1 + pick(8)); ++k) bytes[k] = value;
      break;
    }
  }
  return bytes;
}

std::vector<std::pair<std::string, std::string>> SeedFiles() {
  ReportWriterOptions options;
  options.format = ReportFormat::kParquet;
  options.source_bucket = "src";
  options.columns = AllInventoryColumns();
  options.parquet_row_group_rows = 250;
  std::vector<store::ObjectInfo> records;
  for (int i = 0; i < 600; ++i) records.push_back(VariedRecord(i));
  std::vector<std::pair<std::string, std::string>> files;
  options.parquet_compression = ParquetCompression::kNone;
  files.emplace_back("ours-uncompressed", WriteParquetBytes(options, records));
  options.parquet_compression = ParquetCompression::kSnappy;
  files.emplace_back("ours-snappy", WriteParquetBytes(options, records));
  const std::string data = std::string(STOCKTAKE_SOURCE_DIR) + "/tests/data/parquet/";
  files.emplace_back("duckdb-v1", testing::ReadFile(data + "duckdb_v1_uncompressed.parquet"));
  files.emplace_back("duckdb-v2", testing::ReadFile(data + "duckdb_v2_uncompressed.parquet"));
  return files;
}

TEST(ParquetFuzzTest, MutatedFilesFailCleanlyOrReadToTheEnd) {
  for (const auto& [name, original] : SeedFiles()) {
    const auto deadline = std::chrono::steady_clock::now() + kBudgetPerFile;
    ASSERT_GT(original.size(), 1000u) << name;
    ASSERT_TRUE(ReadEverything(original).ok())
        << name << ": " << ReadEverything(original).ToString();
    std::mt19937 rng(12345);
    int failures = 0, iterations = 0;
    for (; iterations < kIterationsPerFile; ++iterations) {
      if (std::chrono::steady_clock::now() > deadline) break;
      Status st = ReadEverything(Mutate(original, &rng));
      if (st.ok()) continue;
      ++failures;
      EXPECT_TRUE(st.code() == Code::kCorruption || st.code() == Code::kInvalidArgument)
          << name << " iteration " << iterations << ": " << st.ToString();
    }
    // Truncations alone make up a quarter of the mutations.
    EXPECT_GT(failures, iterations / 5) << name;
    std::printf("%s: %d mutations, %d rejected\n", name.c_str(), iterations, failures);
    RecordProperty(
        name, std::to_string(iterations) + " mutations, " + std::to_string(failures) + " rejected");
  }
}

}  // namespace
}  // namespace stocktake::format
