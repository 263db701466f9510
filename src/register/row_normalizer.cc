#include "register/row_normalizer.h"

#include <charconv>

#include "base/time_util.h"
#include "base/url.h"

namespace stocktake::reg {
namespace {

using format::CellType;
using format::CellValue;

CellValue Null() { return CellValue{}; }

CellValue String(std::string value) {
  CellValue c;
  c.type = CellType::kString;
  c.string_value = std::move(value);
  return c;
}

CellValue Typed(CellType type, int64_t value) {
  CellValue c;
  c.type = type;
  c.int_value = value;
  return c;
}

Status Bad(InventoryField field, std::string_view value, std::string_view why) {
  std::string shown(value.substr(0, 64));
  return Corruption("column " + std::string(FieldColumnName(field)) + ": " + std::string(why) +
                    " '" + shown + (value.size() > 64 ? "..." : "") + "'");
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

std::optional<int64_t> ParseDecimal(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// A text value (CSV field or Parquet string cell) as `field`'s type.
Result<CellValue> FromText(InventoryField field, std::string_view text, bool csv) {
  if (text.empty()) {
    // S3's null version is written as "" (spec §4); keep it distinct from
    // "no VersionId column".
    return field == InventoryField::kVersionId ? String("") : Null();
  }
  switch (FieldTypeOf(field)) {
    case FieldType::kString:
      if (field == InventoryField::kKey && csv) {
        Result<std::string> key = UrlDecode(text, /*plus_is_space=*/true);
        if (!key.ok()) return Bad(field, text, "bad URL encoding");
        return String(std::move(key).value());
      }
      return String(std::string(text));
    case FieldType::kBool:
      if (EqualsNoCase(text, "true")) return Typed(CellType::kBool, 1);
      if (EqualsNoCase(text, "false")) return Typed(CellType::kBool, 0);
      return Bad(field, text, "not a boolean");
    case FieldType::kInt64:
      if (std::optional<int64_t> v = ParseDecimal(text); v && *v >= 0) {
        return Typed(CellType::kInt64, *v);
      }
      return Bad(field, text, "not a byte count");
    case FieldType::kTimestampMillis: {
      if (std::optional<int64_t> v = ParseDecimal(text)) {
        return Typed(CellType::kTimestampMillis, *v);
      }
      Result<int64_t> ms = ParseTimestamp(text);
      if (!ms.ok()) return Bad(field, text, "not a timestamp");
      return Typed(CellType::kTimestampMillis, *ms);
    }
  }
  return Bad(field, text, "unknown type");
}

Result<CellValue> FromCell(InventoryField field, const CellValue& cell) {
  if (cell.is_null()) return Null();
  const FieldType want = FieldTypeOf(field);
  if (cell.type == CellType::kString) {
    if (want == FieldType::kString) return cell;
    return FromText(field, cell.string_value, /*csv=*/false);
  }
  switch (want) {
    case FieldType::kBool:
      if (cell.type == CellType::kBool) return cell;
      break;
    case FieldType::kInt64:
      if (cell.type == CellType::kInt64) return cell;
      break;
    case FieldType::kTimestampMillis:
      if (cell.type == CellType::kTimestampMillis || cell.type == CellType::kInt64) {
        return Typed(CellType::kTimestampMillis, cell.int_value);
      }
      break;
    case FieldType::kString:
      break;
  }
  return Corruption("column " + std::string(FieldColumnName(field)) + ": a " +
                    format::CellTypeName(cell.type) + " value where a " +
                    (want == FieldType::kString           ? "string"
                     : want == FieldType::kBool           ? "boolean"
                     : want == FieldType::kInt64          ? "int64"
                                                          : "timestamp") +
                    " is expected");
}

}  // namespace

std::vector<InventoryField> CentralColumns() {
  std::vector<InventoryField> all;
  for (int i = 0; i < kInventoryFieldCount; ++i) all.push_back(static_cast<InventoryField>(i));
  return all;
}

Result<RowNormalizer> RowNormalizer::ForCsv(std::string_view file_schema,
                                            std::string source_bucket) {
  std::vector<std::optional<InventoryField>> map;
  bool has_key = false;
  size_t start = 0;
  while (start <= file_schema.size()) {
    size_t comma = file_schema.find(',', start);
    if (comma == std::string_view::npos) comma = file_schema.size();
    std::string_view name = file_schema.substr(start, comma - start);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    std::optional<InventoryField> field = ParseFieldName(name);
    if (!field) {
      return InvalidArgument("fileSchema '" + std::string(file_schema) + "': unknown field '" +
                             std::string(name) + "'");
    }
    has_key = has_key || *field == InventoryField::kKey;
    map.push_back(field);
    start = comma + 1;
  }
  if (!has_key) return InvalidArgument("fileSchema '" + std::string(file_schema) + "' has no Key");
  return RowNormalizer(std::move(map), std::move(source_bucket));
}

Result<RowNormalizer> RowNormalizer::ForParquet(
    const std::vector<format::ParquetColumnInfo>& columns, std::string source_bucket) {
  std::vector<std::optional<InventoryField>> map;
  bool has_key = false;
  for (const format::ParquetColumnInfo& column : columns) {
    std::optional<InventoryField> field = ParseColumnName(column.name);
    has_key = has_key || field == InventoryField::kKey;
    map.push_back(field);
  }
  if (!has_key) return InvalidArgument("parquet file has no key column");
  return RowNormalizer(std::move(map), std::move(source_bucket));
}

Status RowNormalizer::FromCsv(const std::vector<std::string>& fields,
                              std::vector<CellValue>* out) const {
  if (fields.size() != map_.size()) {
    return Corruption(std::to_string(fields.size()) + " fields, fileSchema has " +
                      std::to_string(map_.size()));
  }
  out->assign(kInventoryFieldCount, CellValue{});
  for (size_t i = 0; i < fields.size(); ++i) {
    ASSIGN_OR_RETURN((*out)[static_cast<size_t>(*map_[i])], FromText(*map_[i], fields[i], true));
  }
  return Finish(out);
}

Status RowNormalizer::FromParquet(const std::vector<CellValue>& cells,
                                  std::vector<CellValue>* out) const {
  if (cells.size() != map_.size()) {
    return Internal("parquet row of " + std::to_string(cells.size()) + " cells for " +
                    std::to_string(map_.size()) + " columns");
  }
  out->assign(kInventoryFieldCount, CellValue{});
  for (size_t i = 0; i < cells.size(); ++i) {
    if (!map_[i]) continue;
    ASSIGN_OR_RETURN((*out)[static_cast<size_t>(*map_[i])], FromCell(*map_[i], cells[i]));
  }
  return Finish(out);
}

Status RowNormalizer::Finish(std::vector<CellValue>* out) const {
  CellValue& bucket = (*out)[static_cast<size_t>(InventoryField::kBucket)];
  if (bucket.is_null() || bucket.string_value.empty()) {
    bucket = String(source_bucket_);
  } else if (bucket.string_value != source_bucket_) {
    return Corruption("row of bucket '" + bucket.string_value + "' in a report of bucket '" +
                      source_bucket_ + "'");
  }
  const CellValue& key = (*out)[static_cast<size_t>(InventoryField::kKey)];
  if (key.is_null() || key.string_value.empty()) return Corruption("row without a key");
  return Status::OK();
}

}  // namespace stocktake::reg
