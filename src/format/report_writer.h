// ReportWriter: encodes inventory records into one report data file
// (CSV.gz now; Parquet and ORC later) and streams the bytes into an
// ObjectWriter that it does not own. Writers never open paths themselves.
//
// Usage: Append(record)... then Finish() (or Abandon()). The caller then
// Close()s or Abort()s the ObjectWriter. REQUIRES: Finish or Abandon before
// destruction. Not thread-safe; memory is bounded by the compressor's
// buffers, whatever the number of rows. Formats: docs/report-format.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/inventory_field.h"
#include "base/status.h"
#include "store/object_store.h"

namespace stocktake::format {

enum class ReportFormat { kCsv, kParquet, kOrc };

// Page compression of Parquet reports; AWS writes Snappy.
enum class ParquetCompression { kSnappy, kZstd, kGzip, kNone };

// "CSV" / "Parquet" / "ORC" as in configs and manifests.
std::string_view ReportFormatName(ReportFormat format);
// Data file suffix: ".csv.gz", ".parquet", ".orc"; OBS plain CSV: ".csv".
std::string_view ReportFileSuffix(ReportFormat format, bool gzip);

struct ReportWriterOptions {
  ReportFormat format = ReportFormat::kCsv;
  std::string source_bucket;                // written in the Bucket column
  std::vector<InventoryField> columns;      // from ReportColumns(), canonical order
  bool gzip = true;                         // CSV: false only for the OBS layout
  int compression_level = 6;                // gzip (CSV, Parquet) and Parquet zstd, 1..9
  ParquetCompression parquet_compression = ParquetCompression::kSnappy;
  // A Parquet row group ends at whichever limit it reaches first; memory
  // is bounded by one row group (compressed pages plus open pages).
  int64_t parquet_row_group_rows = 1'000'000;
  int64_t parquet_row_group_bytes = int64_t{128} << 20;  // uncompressed
  // CSV: rows are encoded into a block of about this many bytes, which is
  // then compressed and flushed to the ObjectWriter; BytesWritten() lags
  // the rows appended by at most one block. Smaller blocks track a
  // file-size limit more closely at a small cost in speed and size.
  int64_t flush_bytes = 1 << 20;
};

struct FileSummary {
  int64_t rows = 0;
  int64_t bytes = 0;        // bytes handed to the ObjectWriter
  std::string md5_hex;      // MD5 of exactly those bytes
};

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  virtual Status Append(const store::ObjectInfo& record) = 0;
  // Flushes everything into the ObjectWriter (but does not Close it).
  virtual Result<FileSummary> Finish() = 0;
  virtual void Abandon() = 0;
  // Compressed bytes produced so far (for splitting files by size).
  virtual int64_t BytesWritten() const = 0;
  virtual int64_t RowsWritten() const = 0;
};

// A CsvGzWriter for kCsv (csv_gz_writer.h), a ParquetReportWriter for
// kParquet (parquet_writer.h). InvalidArgument for ORC ("ORC reports are
// not supported yet"), no columns, a compression level outside 1..9 or
// row group limits below 1. `out` must outlive the writer.
Result<std::unique_ptr<ReportWriter>> NewReportWriter(const ReportWriterOptions& options,
                                                      store::ObjectWriter* out);

// The manifest.json fileSchema for these columns: "Bucket, Key, Size" for
// AWS CSV, "Bucket,Key,Size" for OBS, the Parquet message text, or the ORC
// struct<> string.
std::string FileSchema(ReportFormat format, const std::vector<InventoryField>& columns,
                       bool obs_dialect);

}  // namespace stocktake::format
