// Parquet report encoding speed: rows/s and file bytes per row for typical
// records (the same rows as csv_writer_bench), per page compression.
#include <benchmark/benchmark.h>

#include "base/hash.h"
#include "format/report_writer.h"

namespace stocktake::format {
namespace {

// Counts and drops the bytes, so the benchmark measures encoding only.
class NullWriter : public store::ObjectWriter {
 public:
  Status Append(std::string_view data) override {
    bytes_ += static_cast<int64_t>(data.size());
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  void Abort() override {}
  int64_t BytesWritten() const override { return bytes_; }

 private:
  int64_t bytes_ = 0;
};

constexpr int kRows = 200'000;

std::vector<store::ObjectInfo> TypicalRecords() {
  std::vector<store::ObjectInfo> records(kRows);
  for (int i = 0; i < kRows; ++i) {
    store::ObjectInfo& o = records[i];
    o.key =
        "data/2024/04/" + std::to_string(i % 31) + "/events-" + std::to_string(i) + " part.json.gz";
    o.size = int64_t{i} * 7919 % 50'000'000;
    o.last_modified_ms = 1'713'748'408'000 + int64_t{i} * 1234;
    o.etag = Md5Hex(o.key);
    if (i % 10 == 0) o.etag += "-3";
    o.storage_class = "STANDARD";
  }
  return records;
}

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
  static const auto records = TypicalRecords();
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
