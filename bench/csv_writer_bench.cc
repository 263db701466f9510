// CSV(.gz) report encoding speed: rows/s and MB/s of CSV text for typical
// records (key, size, date, ETag, storage class, multipart flag).
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

constexpr int kRows = 100'000;

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
  static const auto records = TypicalRecords();
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
