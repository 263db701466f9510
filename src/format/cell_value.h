// CellValue: one typed value of a report row, as the readers hand it out
// (parquet_reader.h) and `stocktake cat` prints it. Plain value type.
#pragma once

#include <cstdint>
#include <string>

namespace stocktake::format {

enum class CellType { kNull, kBool, kInt64, kDouble, kTimestampMillis, kString };

// "null", "bool", "int64", "double", "timestamp", "string".
const char* CellTypeName(CellType type);

struct CellValue {
  CellType type = CellType::kNull;
  int64_t int_value = 0;  // kBool (0 or 1), kInt64, kTimestampMillis (epoch ms UTC)
  double double_value = 0;
  std::string string_value;  // kString: raw bytes, usually UTF-8

  bool is_null() const { return type == CellType::kNull; }
  bool operator==(const CellValue&) const = default;
};

}  // namespace stocktake::format
