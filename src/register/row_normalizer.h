// RowNormalizer: turns the rows of any report dialect into rows of the
// central register's schema — all 21 inventory columns in canonical order
// (spec §4), typed as our Parquet writer writes them: strings, BOOLEAN
// flags, INT64 size, TIMESTAMP(MILLIS) dates, and null for every value the
// report does not carry (unselected optional fields, "" in CSV).
//
// Input dialects: CSV rows laid out by the manifest's fileSchema (AWS
// "Bucket, Key, Size", OBS "Bucket,Key,Size"; keys URL-decoded with '+' as
// a space; booleans true/false in any case; ISO 8601 dates), and Parquet
// rows (ours, AWS's parquet-mr files, DuckDB/Spark writers) whose columns
// are matched by snake_case or CSV name; raw UTF-8 keys; timestamps in any
// unit; integers where timestamps are expected read as epoch millis (the
// Athena ORC DDL's bigint lock date); strings where a typed value is
// expected are parsed. Unknown Parquet columns are ignored. An empty
// bucket cell takes the report's source bucket; a different one is
// Corruption. Bad values are Corruption naming the column and value.
// Immutable after construction; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/inventory_field.h"
#include "base/status.h"
#include "format/cell_value.h"
#include "format/parquet_reader.h"

namespace stocktake::reg {

// The central schema: every InventoryField in canonical order.
std::vector<InventoryField> CentralColumns();

class RowNormalizer {
 public:
  // For a CSV report. InvalidArgument for an unknown field name or a
  // schema without Key.
  static Result<RowNormalizer> ForCsv(std::string_view file_schema, std::string source_bucket);
  // For a Parquet report with these columns. InvalidArgument when there is
  // no key column.
  static Result<RowNormalizer> ForParquet(const std::vector<format::ParquetColumnInfo>& columns,
                                          std::string source_bucket);

  // Fills `*out` (resized to CentralColumns().size()) from one input row.
  Status FromCsv(const std::vector<std::string>& fields, std::vector<format::CellValue>* out) const;
  Status FromParquet(const std::vector<format::CellValue>& cells,
                     std::vector<format::CellValue>* out) const;

 private:
  RowNormalizer(std::vector<std::optional<InventoryField>> map, std::string source_bucket)
      : map_(std::move(map)), source_bucket_(std::move(source_bucket)) {}
  Status Finish(std::vector<format::CellValue>* out) const;

  std::vector<std::optional<InventoryField>> map_;  // per input column
  std::string source_bucket_;
};

}  // namespace stocktake::reg
