#include "cli/row_printer.h"

#include <charconv>
#include <cmath>

#include "base/time_util.h"
#include "format/manifest.h"

namespace stocktake::cli {
namespace {

constexpr size_t kFlushBytes = 1 << 16;

void AppendDouble(double value, std::string* out) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end);
}

void AppendCsvText(std::string_view text, std::string* out) {
  if (!text.empty() && text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

Status RowPrinter::Header(std::vector<std::string> names) {
  names_ = std::move(names);
  if (format_ != OutputFormat::kCsv) return Status::OK();
  for (size_t i = 0; i < names_.size(); ++i) {
    if (i > 0) buffer_.push_back(',');
    AppendCsvText(names_[i], &buffer_);
  }
  buffer_.push_back('\n');
  return Status::OK();
}

void RowPrinter::AppendCsvField(const format::CellValue& v) {
  switch (v.type) {
    case format::CellType::kNull:
      break;
    case format::CellType::kBool:
      buffer_.append(v.int_value ? "true" : "false");
      break;
    case format::CellType::kInt64:
      buffer_.append(std::to_string(v.int_value));
      break;
    case format::CellType::kDouble:
      AppendDouble(v.double_value, &buffer_);
      break;
    case format::CellType::kTimestampMillis:
      buffer_.append(FormatIso8601Millis(v.int_value));
      break;
    case format::CellType::kString:
      AppendCsvText(v.string_value, &buffer_);
      break;
  }
}

void RowPrinter::AppendJsonValue(const format::CellValue& v) {
  switch (v.type) {
    case format::CellType::kNull:
      buffer_.append("null");
      break;
    case format::CellType::kBool:
      buffer_.append(v.int_value ? "true" : "false");
      break;
    case format::CellType::kInt64:
      buffer_.append(std::to_string(v.int_value));
      break;
    case format::CellType::kDouble:
      if (std::isfinite(v.double_value)) {
        AppendDouble(v.double_value, &buffer_);
      } else {
        buffer_.append("null");
      }
      break;
    case format::CellType::kTimestampMillis:
      format::AppendJsonString(FormatIso8601Millis(v.int_value), &buffer_);
      break;
    case format::CellType::kString:
      format::AppendJsonString(v.string_value, &buffer_);
      break;
  }
}

Status RowPrinter::Row(const std::vector<format::CellValue>& row) {
  if (format_ == OutputFormat::kCsv) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) buffer_.push_back(',');
      AppendCsvField(row[i]);
    }
  } else {
    buffer_.push_back('{');
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) buffer_.push_back(',');
      format::AppendJsonString(i < names_.size() ? names_[i] : "column" + std::to_string(i),
                               &buffer_);
      buffer_.push_back(':');
      AppendJsonValue(row[i]);
    }
    buffer_.push_back('}');
  }
  buffer_.push_back('\n');
  return buffer_.size() >= kFlushBytes ? Flush() : Status::OK();
}

Status RowPrinter::Flush() {
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), out_) != buffer_.size()) {
    return IOError("cat: writing the output failed");
  }
  buffer_.clear();
  return std::fflush(out_) == 0 ? Status::OK() : IOError("cat: writing the output failed");
}

}  // namespace stocktake::cli
