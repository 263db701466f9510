// ParquetReportWriter: the ReportWriter for S3 Inventory Parquet data files
// (spec §4, docs/report-format.md): root `s3.inventory`, the selected
// columns in canonical order with snake_case names, bucket/key REQUIRED
// BYTE_ARRAY STRING, the rest OPTIONAL; INT64 size, INT64
// TIMESTAMP(MILLIS, UTC) dates, BOOLEAN flags. Values follow the CSV
// writer's rules (delete markers have no object fields, S3's "null" version
// id is ""), with absent values written as nulls.
//
// Rows are buffered per column as compressed pages (parquet_column_writer.h)
// and a row group is emitted when it reaches options.parquet_row_group_rows
// rows or parquet_row_group_bytes uncompressed bytes, so memory is bounded by
// one row group. The footer (Thrift compact) carries column statistics.
// The MD5 and byte count cover exactly the bytes handed to the ObjectWriter,
// which the writer does not own and never closes. Not thread-safe.
// REQUIRES: Finish() or Abandon() before destruction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/hash.h"
#include "format/cell_value.h"
#include "format/parquet_column_writer.h"
#include "format/parquet_metadata.h"
#include "format/report_writer.h"

namespace stocktake::format {

// The footer's created_by (parquet-mr style "<app> version <v>").
inline constexpr std::string_view kParquetCreatedBy = "stocktake version 0.1.0";

// The schema root's name, as AWS writes it ("message s3.inventory").
inline constexpr std::string_view kParquetRootName = "s3.inventory";

class ParquetReportWriter : public ReportWriter {
 public:
  // REQUIRES: options.format == kParquet, validated by NewReportWriter;
  // `out` outlives the writer.
  ParquetReportWriter(const ReportWriterOptions& options, store::ObjectWriter* out);
  ~ParquetReportWriter() override;

  // The ObjectWriter's status when a row group fails to upload;
  // FailedPrecondition after Finish/Abandon or a previous failure.
  Status Append(const store::ObjectInfo& record) override;
  // Appends one row given as typed cells, one per options.columns entry in
  // the same order (the register's normalised rows, where every absent
  // value must stay null rather than take ObjectInfo's defaults): kString
  // for string columns, kBool, kInt64, kTimestampMillis (epoch ms) for the
  // others, kNull for absent. InvalidArgument naming the column for a wrong
  // cell count, a type that does not match or a null bucket/key; otherwise
  // as Append.
  Status AppendCells(const std::vector<CellValue>& cells);
  Result<FileSummary> Finish() override;
  void Abandon() override;
  // Bytes handed to the ObjectWriter plus the closed compressed pages of
  // the open row group (open pages, at most ~1 MiB per column, not yet).
  // Never decreases.
  int64_t BytesWritten() const override;
  int64_t RowsWritten() const override { return rows_; }

 private:
  Status AppendValues(const store::ObjectInfo& record);
  Status AppendCellValues(const std::vector<CellValue>& cells);
  // Counts the appended row and closes the row group when it is full.
  Status EndRow();
  Status FlushRowGroup();
  Status Emit(std::string_view bytes);

  ReportWriterOptions options_;
  store::ObjectWriter* out_;
  std::vector<ParquetColumnWriter> columns_;
  ParquetFileMetaData meta_;
  Md5Hasher md5_;
  std::string chunk_;
  int64_t group_rows_ = 0;
  int64_t rows_ = 0;
  int64_t bytes_ = 0;
  Status failed_;
  bool done_ = false;
};

}  // namespace stocktake::format
