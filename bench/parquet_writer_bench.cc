// Parquet report encoding speed: rows/s and file bytes per row for typical
// records (the same rows as csv_writer_bench), per page compression.
#include <benchmark/benchmark.h>

#include "bench_records.h"

#include "format/report_writer.h"

namespace stocktake::format {
namespace {

using bench::NullWriter;

constexpr int kRows = 200'000;

int64_t Encode(const std::vector<store::ObjectInfo>& records, ParquetCompression compression) {
  ReportWriterOptions options;
  options.format = ReportFormat::kParquet;
  options.source_bucket = "example-source-bucket";
  options.columns = ReportColumns(
      false, {InventoryField::kSize, InventoryField::kLastModifiedDate, InventoryField::kETag,
              InventoryField::kStorageClass, InventoryField::kIsMultipartUploaded});
  options.parquet_compression = compression;
  NullWriter out;
  auto writer = NewReportWriter(options, &out);
  for (const auto& r : records) (*writer)->Append(r).IgnoreError();
  auto summary = (*writer)->Finish();
  return summary.ok() ? summary->bytes : 0;
}

// Arg: ParquetCompression (0 Snappy, 1 Zstd, 2 Gzip, 3 none).
void BM_ParquetEncode(benchmark::State& state) {
  static const auto records = bench::TypicalRecords(kRows);
  const auto compression = static_cast<ParquetCompression>(state.range(0));
  int64_t out_bytes = 0;
  for (auto _ : state) {
    out_bytes = Encode(records, compression);
    benchmark::DoNotOptimize(out_bytes);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.counters["bytes_per_row"] = static_cast<double>(out_bytes) / kRows;
}
BENCHMARK(BM_ParquetEncode)->Arg(0)->Arg(1)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace stocktake::format
