#include "format/cell_value.h"

namespace stocktake::format {

const char* CellTypeName(CellType type) {
  switch (type) {
    case CellType::kNull:
      return "null";
    case CellType::kBool:
      return "bool";
    case CellType::kInt64:
      return "int64";
    case CellType::kDouble:
      return "double";
    case CellType::kTimestampMillis:
      return "timestamp";
    case CellType::kString:
      return "string";
  }
  return "unknown";
}

}  // namespace stocktake::format
