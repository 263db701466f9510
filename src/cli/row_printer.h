// RowPrinter: prints typed rows (format::CellValue) to a FILE* as CSV with a
// header row, or as JSON lines, for `stocktake cat`.
//
// CSV: RFC 4180 — a field is quoted when it holds a comma, quote, CR or LF,
// or is an empty string (so "" differs from a null, which is an empty
// field). JSON lines: one object per row in column order; int64 as numbers,
// timestamps as ISO 8601 UTC strings with milliseconds (as in CSV reports),
// nulls and non-finite doubles as null. Output is buffered; the FILE is not
// owned and must outlive the printer. Not thread-safe.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "base/status.h"
#include "format/cell_value.h"

namespace stocktake::cli {

enum class OutputFormat { kCsv, kJsonLines };

class RowPrinter {
 public:
  RowPrinter(OutputFormat format, std::FILE* out) : format_(format), out_(out) {}

  // REQUIRES: once, before the first Row (CSV prints it as the header).
  Status Header(std::vector<std::string> names);
  // REQUIRES: row.size() == the header's size. IOError when writing fails.
  Status Row(const std::vector<format::CellValue>& row);
  // Writes what is buffered; IOError when writing fails.
  Status Flush();

 private:
  void AppendCsvField(const format::CellValue& value);
  void AppendJsonValue(const format::CellValue& value);

  OutputFormat format_;
  std::FILE* out_;
  std::vector<std::string> names_;
  std::string buffer_;
};

}  // namespace stocktake::cli
