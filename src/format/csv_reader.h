// CsvReader: streams the rows of one inventory CSV data file, gzip or plain,
// as RFC 4180 fields (quoted or not, doubled quotes, newlines inside quotes,
// "\n" or "\r\n" line ends). Blank lines are skipped, as real AWS files may
// end with some. ParseInventoryRow turns a row into an ObjectInfo given the
// manifest's column list. Dialect: docs/report-format.md.
//
// The reader pulls compressed bytes through a callback (or reads a byte
// span it does not own) and keeps only the current block and row in memory;
// a row over 16 MiB is Corruption. Truncated or damaged input is Corruption
// naming the file and line, never a crash. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/inventory_field.h"
#include "base/status.h"
#include "format/gzip_stream.h"
#include "store/object_store.h"

namespace stocktake::format {

enum class CsvCompression { kNone, kGzip, kDetect };  // kDetect: gzip magic 1f 8b

class CsvReader {
 public:
  // Copies up to `capacity` bytes into `buf` and returns the count; 0 means
  // the end of the file. Errors are passed through unchanged.
  using Pull = std::function<Result<size_t>(char* buf, size_t capacity)>;

  // `name` (e.g. "s3://b/k") is used in error messages.
  CsvReader(Pull pull, CsvCompression compression, std::string name);
  // Reads `data`, which must outlive the reader.
  static CsvReader FromBytes(std::string_view data, CsvCompression compression, std::string name);

  // Sets `*row` to the next row's fields and returns true, or returns false
  // at the end. Corruption on malformed CSV or gzip; the pull's own status
  // otherwise. After an error, further calls return the same error.
  Result<bool> Next(std::vector<std::string>* row);
  // Like Next, then converts the row with ParseInventoryRow. `bucket` may
  // be null.
  Result<bool> NextObject(const std::vector<InventoryField>& columns, store::ObjectInfo* object,
                          std::string* bucket);
  // 1-based line where the last returned row starts.
  int64_t line() const { return row_line_; }

 private:
  enum class Parse { kRow, kNeedMore };
  Result<Parse> ParseRow(std::vector<std::string>* row);
  Status Fill();
  Status Fail(Status status);

  Pull pull_;
  CsvCompression compression_;
  std::string name_;
  std::optional<GzipDecompressor> gunzip_;
  std::string raw_;
  std::string text_;
  size_t pos_ = 0;
  bool input_done_ = false;
  int64_t line_ = 0;  // newlines consumed before pos_
  int64_t row_line_ = 0;
  Status error_;
};

// Fills `*object` (and `*bucket`, unless null) from `row` laid out as
// `columns`: keys are URL-decoded ('+' is a space), dates parsed from ISO
// 8601, booleans from true/false, sizes from decimal; "" leaves the default.
// Corruption naming the column on a wrong field count or a bad value.
Status ParseInventoryRow(const std::vector<std::string>& row,
                         const std::vector<InventoryField>& columns, store::ObjectInfo* object,
                         std::string* bucket);

}  // namespace stocktake::format
