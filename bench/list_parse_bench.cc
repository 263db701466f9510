// P3 (issue 5): client CPU per listed key for parse + encode: one
// ListObjectsV2 page of 1,000 entries (as RGW and AWS send it) parsed into
// ObjectInfo, then encoded as report rows (plain CSV, and CSV.gz level 1 as
// reports are written). items/s inverted is the CPU time per key.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "bench_records.h"

#include "base/allocator.h"
#include "format/report_writer.h"
#include "store/s3_xml.h"

namespace stocktake {
namespace {

constexpr int kKeys = 1000;

// As in the binary (see base/allocator.h).
const bool kAllocatorConfigured = (ConfigureAllocator(), true);

// A page like RGW's: hostile-free keys of typical length, quoted ETags.
const std::string& Page() {
  static const std::string page = [] {
    std::string xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult "
        "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bench</Name><Prefix></Prefix>"
        "<KeyCount>1000</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>"
        "<NextContinuationToken>tok</NextContinuationToken>";
    char buf[512];
    for (int i = 0; i < kKeys; ++i) {
      std::snprintf(buf, sizeof(buf),
                    "<Contents><Key>data/year=2026/month=%02d/part-%07d-of-stream %d.json.gz</Key>"
                    "<LastModified>2026-%02d-%02dT%02d:%02d:%02d.%03dZ</LastModified>"
                    "<ETag>&quot;%032x&quot;</ETag><Size>%d</Size><Owner><ID>owner</ID>"
                    "<DisplayName>owner</DisplayName></Owner><StorageClass>STANDARD</StorageClass>"
                    "</Contents>",
                    1 + i % 12, i, i % 7, 1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60,
                    i % 1000, i * 2654435761u, (i * 7919) % 1048576);
      xml += buf;
    }
    return xml + "</ListBucketResult>";
  }();
  return page;
}

void BM_ParseListPage(benchmark::State& state) {
  const std::string& page = Page();
  for (auto _ : state) {
    Result<store::ListPage> parsed = store::ParseListObjectsV2(page);
    if (!parsed.ok() || parsed->objects.size() != kKeys) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations() * kKeys);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(page.size()));
}
BENCHMARK(BM_ParseListPage)->Unit(benchmark::kMicrosecond);

// Arg: 0 = plain CSV, 1 = CSV.gz level 1 (what reports use).
void BM_ParseAndEncodePage(benchmark::State& state) {
  const std::string& page = Page();
  format::ReportWriterOptions options;
  options.source_bucket = "bench";
  options.columns = ReportColumns(
      false, {InventoryField::kSize, InventoryField::kLastModifiedDate, InventoryField::kETag,
              InventoryField::kStorageClass, InventoryField::kIsMultipartUploaded});
  options.gzip = state.range(0) > 0;
  options.compression_level = 1;
  bench::NullWriter out;
  auto writer = format::NewReportWriter(options, &out);
  if (!writer.ok()) {
    state.SkipWithError("writer");
    return;
  }
  for (auto _ : state) {
    Result<store::ListPage> parsed = store::ParseListObjectsV2(page);
    if (!parsed.ok()) state.SkipWithError("parse failed");
    for (const store::ObjectInfo& obj : parsed->objects) (*writer)->Append(obj).IgnoreError();
  }
  benchmark::DoNotOptimize((*writer)->Finish().ok());
  state.SetItemsProcessed(state.iterations() * kKeys);
}
BENCHMARK(BM_ParseAndEncodePage)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace stocktake
