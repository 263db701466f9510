#include "format/report_writer.h"

#include "format/csv_gz_writer.h"
#include "format/parquet_writer.h"

namespace stocktake::format {
namespace {

std::string_view ParquetTypeName(InventoryField field) {
  switch (FieldTypeOf(field)) {
    case FieldType::kString:
      return "binary";
    case FieldType::kBool:
      return "boolean";
    case FieldType::kInt64:
    case FieldType::kTimestampMillis:
      return "int64";
  }
  return "binary";
}

std::string_view ParquetAnnotation(InventoryField field) {
  switch (FieldTypeOf(field)) {
    case FieldType::kString:
      return " (UTF8)";
    case FieldType::kTimestampMillis:
      return " (TIMESTAMP_MILLIS)";
    case FieldType::kBool:
    case FieldType::kInt64:
      return "";
  }
  return "";
}

std::string_view OrcType(InventoryField field) {
  switch (FieldTypeOf(field)) {
    case FieldType::kString:
      return "string";
    case FieldType::kBool:
      return "boolean";
    case FieldType::kInt64:
      return "bigint";
    case FieldType::kTimestampMillis:
      return "timestamp";
  }
  return "string";
}

bool IsRequiredColumn(InventoryField field) {
  return field == InventoryField::kBucket || field == InventoryField::kKey;
}

}  // namespace

std::string_view ReportFormatName(ReportFormat format) {
  switch (format) {
    case ReportFormat::kCsv:
      return "CSV";
    case ReportFormat::kParquet:
      return "Parquet";
    case ReportFormat::kOrc:
      return "ORC";
  }
  return "CSV";
}

std::string_view ReportFileSuffix(ReportFormat format, bool gzip) {
  switch (format) {
    case ReportFormat::kCsv:
      return gzip ? ".csv.gz" : ".csv";
    case ReportFormat::kParquet:
      return ".parquet";
    case ReportFormat::kOrc:
      return ".orc";
  }
  return ".csv.gz";
}

Result<std::unique_ptr<ReportWriter>> NewReportWriter(const ReportWriterOptions& options,
                                                      store::ObjectWriter* out) {
  if (options.format == ReportFormat::kOrc) {
    return InvalidArgument(std::string(ReportFormatName(options.format)) +
                           " reports are not supported yet");
  }
  if (out == nullptr) return InvalidArgument("report writer: no output object");
  if (options.columns.empty()) return InvalidArgument("report writer: no columns");
  const bool leveled = options.format == ReportFormat::kParquet
                           ? options.parquet_compression == ParquetCompression::kGzip ||
                                 options.parquet_compression == ParquetCompression::kZstd
                           : options.gzip;
  if (leveled && (options.compression_level < 1 || options.compression_level > 9)) {
    return InvalidArgument("report writer: compression level " +
                           std::to_string(options.compression_level) + " is not in 1..9");
  }
  if (options.format == ReportFormat::kParquet) {
    if (options.parquet_row_group_rows < 1 || options.parquet_row_group_bytes < 1) {
      return InvalidArgument("report writer: Parquet row group limits must be positive");
    }
    return std::unique_ptr<ReportWriter>(new ParquetReportWriter(options, out));
  }
  return std::unique_ptr<ReportWriter>(new CsvGzWriter(options, out));
}

std::string FileSchema(ReportFormat format, const std::vector<InventoryField>& columns,
                       bool obs_dialect) {
  std::string schema;
  switch (format) {
    case ReportFormat::kCsv:
      for (InventoryField field : columns) {
        if (!schema.empty()) schema += obs_dialect ? "," : ", ";
        schema += FieldName(field);
      }
      return schema;
    case ReportFormat::kParquet:
      schema = "message s3.inventory { ";
      for (InventoryField field : columns) {
        schema += IsRequiredColumn(field) ? "required " : "optional ";
        schema += ParquetTypeName(field);
        schema += ' ';
        schema += FieldColumnName(field);
        schema += ParquetAnnotation(field);
        schema += "; ";
      }
      return schema + "}";
    case ReportFormat::kOrc:
      schema = "struct<";
      for (InventoryField field : columns) {
        if (schema.size() > 7) schema += ',';
        schema += FieldColumnName(field);
        schema += ':';
        schema += OrcType(field);
      }
      return schema + ">";
  }
  return schema;
}

}  // namespace stocktake::format
