// CsvGzWriter: the ReportWriter for S3 Inventory CSV data files, exactly as
// AWS writes them (docs/report-format.md, spec §4): no header, every field
// double-quoted, "\n" line ends, keys form-URL-encoded, gzip-compressed (or
// plain CSV for the OBS layout).
//
// Rows are formatted into a reusable buffer and compressed in blocks of
// about 1 MB as one streaming gzip member, so memory stays bounded (a few
// MB) whatever the number of rows. The MD5 and byte count cover exactly the
// bytes handed to the ObjectWriter, which the writer does not own and never
// closes. Not thread-safe. REQUIRES: Finish() or Abandon() before
// destruction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/hash.h"
#include "format/gzip_stream.h"
#include "format/report_writer.h"

namespace stocktake::format {

class CsvGzWriter : public ReportWriter {
 public:
  // REQUIRES: options.format == kCsv; `out` outlives the writer.
  CsvGzWriter(const ReportWriterOptions& options, store::ObjectWriter* out);
  ~CsvGzWriter() override;

  // The ObjectWriter's status when a flushed block fails to upload;
  // FailedPrecondition after Finish/Abandon or a previous failure.
  Status Append(const store::ObjectInfo& record) override;
  Result<FileSummary> Finish() override;
  void Abandon() override;
  int64_t BytesWritten() const override { return bytes_; }
  int64_t RowsWritten() const override { return rows_; }

 private:
  // Formats one CSV row, with its "\n", onto the end of `*out`.
  void AppendRow(const store::ObjectInfo& record, std::string* out);
  Status FlushBlock();
  Status Emit(std::string_view bytes);
  void AppendTimestamp(int64_t epoch_ms, std::string* out);

  ReportWriterOptions options_;
  store::ObjectWriter* out_;
  std::optional<GzipCompressor> gzip_;
  Md5Hasher md5_;
  std::string block_;
  // Date prefix cache: day number -> "YYYY-MM-DDT", so most rows format
  // their timestamps without allocating.
  int64_t cached_day_ = INT64_MIN;
  std::string cached_day_prefix_;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
  Status failed_;
  bool done_ = false;
};

}  // namespace stocktake::format
