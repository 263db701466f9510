// The stocktake half of bench/parquet_vs_duckdb.sh: encodes 10 million
// typical inventory rows to Parquet (bytes counted, not stored) and reports
// rows/s and the file size. Rows are generated in untimed batches with the
// formula the script's DuckDB table uses, so both writers get the same rows.
#include <benchmark/benchmark.h>

#include "bench_records.h"

#include "base/hash.h"
#include "format/report_writer.h"

namespace stocktake::format {
namespace {

constexpr int64_t kRows = 10'000'000;
constexpr int64_t kBatch = 100'000;

using bench::NullWriter;

// Row i, as bench/parquet_vs_duckdb.sh builds it in SQL.
void FillRecord(int64_t i, store::ObjectInfo* o) {
  o->key =
      "data/2024/04/" + std::to_string(i % 31) + "/events-" + std::to_string(i) + " part.json.gz";
  o->size = i * 7919 % 50'000'000;
  o->last_modified_ms = 1'713'748'408'000 + i * 1234;
  o->etag = Md5Hex(o->key);
  if (i % 10 == 0) o->etag += "-3";
  o->storage_class = "STANDARD";
}

// Arg: ParquetCompression (0 Snappy, 1 Zstd).
void BM_ParquetEncode10M(benchmark::State& state) {
  ReportWriterOptions options;
  options.format = ReportFormat::kParquet;
  options.source_bucket = "example-source-bucket";
  options.columns = ReportColumns(
      false, {InventoryField::kSize, InventoryField::kLastModifiedDate, InventoryField::kETag,
              InventoryField::kStorageClass, InventoryField::kIsMultipartUploaded});
  options.parquet_compression = static_cast<ParquetCompression>(state.range(0));
  std::vector<store::ObjectInfo> batch(kBatch);
  int64_t bytes = 0;
  for (auto _ : state) {
    NullWriter out;
    auto writer = NewReportWriter(options, &out);
    for (int64_t start = 0; start < kRows; start += kBatch) {
      state.PauseTiming();
      for (int64_t i = 0; i < kBatch; ++i) FillRecord(start + i, &batch[i]);
      state.ResumeTiming();
      for (const auto& r : batch) (*writer)->Append(r).IgnoreError();
    }
    auto summary = (*writer)->Finish();
    bytes = summary.ok() ? summary->bytes : -1;
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.counters["file_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ParquetEncode10M)
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace stocktake::format
