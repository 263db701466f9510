// CSV(.gz) report encoding speed: rows/s and MB/s of CSV text for typical
// records (key, size, date, ETag, storage class, multipart flag).
#include <benchmark/benchmark.h>

#include "bench_records.h"

#include "format/report_writer.h"

namespace stocktake::format {
namespace {

using bench::NullWriter;

constexpr int kRows = 100'000;

ReportWriterOptions Options(bool gzip, int level) {
  ReportWriterOptions options;
  options.source_bucket = "example-source-bucket";
  options.columns = ReportColumns(
      false, {InventoryField::kSize, InventoryField::kLastModifiedDate, InventoryField::kETag,
              InventoryField::kStorageClass, InventoryField::kIsMultipartUploaded});
  options.gzip = gzip;
  options.compression_level = level;
  return options;
}

int64_t Encode(const std::vector<store::ObjectInfo>& records, bool gzip, int level) {
  NullWriter out;
  auto writer = NewReportWriter(Options(gzip, level), &out);
  for (const auto& r : records) (*writer)->Append(r).IgnoreError();
  auto summary = (*writer)->Finish();
  return summary.ok() ? summary->bytes : 0;
}

// Arg 0: plain CSV; 1..9: gzip level.
void BM_CsvEncode(benchmark::State& state) {
  static const auto records = bench::TypicalRecords(kRows);
  static const int64_t csv_bytes = Encode(records, false, 6);
  const int level = static_cast<int>(state.range(0));
  int64_t out_bytes = 0;
  for (auto _ : state) {
    out_bytes = Encode(records, level > 0, level > 0 ? level : 6);
    benchmark::DoNotOptimize(out_bytes);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * csv_bytes);
  state.counters["ratio"] = static_cast<double>(out_bytes) / static_cast<double>(csv_bytes);
}
BENCHMARK(BM_CsvEncode)->Arg(0)->Arg(1)->Arg(6)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace stocktake::format
