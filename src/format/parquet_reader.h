// ParquetReader: reads flat Parquet files — ours (parquet_writer.h) and
// those DuckDB, Spark/parquet-mr, Arrow or AWS S3 Inventory write — row by
// row, either as generic typed cells (for `stocktake cat`) or as inventory
// records (ObjectInfo, for the register). Supported: data pages v1 and v2,
// dictionary pages, the encodings and timestamp units of
// parquet_column_reader.h, required and optional columns, Snappy, Gzip,
// Zstd or no compression. Nested or repeated columns, encrypted footers and
// LZ4/Brotli/LZO are InvalidArgument.
//
// The reader pulls byte ranges through a callback (or ranged Gets of an
// ObjectStore object): the footer once, then each row group's column chunks
// when the group starts. Memory: the footer, one row group's compressed
// chunks and one decoded page per column. A corrupt or truncated file is
// Corruption naming the file (and column), never a crash. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/inventory_field.h"
#include "base/status.h"
#include "format/cell_value.h"
#include "format/parquet_column_reader.h"
#include "format/parquet_metadata.h"
#include "store/object_store.h"

namespace stocktake::format {

// Returns exactly `length` bytes at `offset` of the file, or an error.
using ParquetRangeReader = std::function<Result<std::string>(int64_t offset, int64_t length)>;

struct ParquetColumnInfo {
  std::string name;
  CellType type = CellType::kString;  // every non-null value of the column has it
  bool optional = true;
};

class ParquetReader {
 public:
  // Reads and checks the footer of the `file_size`-byte file behind `read`;
  // `name` (e.g. "s3://b/k") prefixes error messages. Corruption for a
  // file that is not Parquet or is damaged; InvalidArgument for what the
  // reader does not support; `read`'s errors unchanged.
  static Result<std::unique_ptr<ParquetReader>> Open(ParquetRangeReader read, int64_t file_size,
                                                     std::string name);
  // The object bucket/key of `store` (Head, then ranged Gets). `store`
  // must outlive the reader.
  static Result<std::unique_ptr<ParquetReader>> Open(store::ObjectStore* store,
                                                     std::string_view bucket, std::string_view key);

  const std::vector<ParquetColumnInfo>& columns() const { return columns_; }
  const ParquetFileMetaData& metadata() const { return meta_; }
  int64_t num_rows() const { return meta_.num_rows; }

  // Sets `*row` to the next row (one cell per columns() entry) and returns
  // true, or returns false after the last row. Errors as Open.
  Result<bool> NextRow(std::vector<CellValue>* row);

  // The next row as an inventory record. Columns are matched by their
  // Parquet name (key, version_id, ...) or CSV name (Key, VersionId, ...);
  // others are ignored. The inverse of the writer's rules: a null is the
  // field's default; version_id "" is S3's "null" version and a null
  // version_id is "". `*bucket` (unless null) gets the bucket column.
  // InvalidArgument when there is no key column or a known column has an
  // unexpected type.
  Result<bool> NextObject(store::ObjectInfo* object, std::string* bucket);

 private:
  ParquetReader(ParquetRangeReader read, std::string name)
      : read_(std::move(read)), name_(std::move(name)) {}
  Status ReadFooter(int64_t file_size);
  Status LoadRowGroup(size_t index);
  Status MapInventoryColumns();
  Status Fail(std::string what) const;

  ParquetRangeReader read_;
  std::string name_;
  ParquetFileMetaData meta_;
  int64_t data_end_ = 0;  // where the footer starts
  std::vector<ParquetColumnInfo> columns_;
  std::vector<ParquetColumnReader> readers_;
  size_t next_group_ = 0;
  int64_t group_rows_ = 0;
  int64_t row_in_group_ = 0;
  std::vector<CellValue> row_;
  std::vector<std::optional<InventoryField>> fields_;  // per column, for NextObject
  bool fields_mapped_ = false;
};

}  // namespace stocktake::format
