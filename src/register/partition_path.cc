#include "register/partition_path.h"

#include <cstdio>


namespace stocktake::reg {
namespace {

bool NeedsEscape(unsigned char c) {
  if (c < 0x20 || c == 0x7f) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string EscapePartitionText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (NeedsEscape(c)) {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Result<std::string> UnescapePartitionText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return InvalidArgument("partition text '" + std::string(text) + "': bad escape at offset " +
                             std::to_string(i));
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string BuildPartitionPath(const std::vector<PartitionColumn>& columns) {
  std::string out;
  for (const auto& [key, value] : columns) {
    out += EscapePartitionText(key);
    out += '=';
    if (value.has_value() && !value->empty()) {
      out += EscapePartitionText(*value);
    } else {
      out += kHiveDefaultPartition;
    }
    out += '/';
  }
  return out;
}

Result<std::vector<PartitionColumn>> ParsePartitionPath(std::string_view path) {
  std::vector<PartitionColumn> columns;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    const bool last = slash == std::string_view::npos;
    std::string_view level = path.substr(start, last ? std::string_view::npos : slash - start);
    start = last ? path.size() : slash + 1;
    const size_t eq = level.find('=');
    if (eq == std::string_view::npos) {
      if (last) break;  // a file name after the partition levels
      return InvalidArgument("partition path '" + std::string(path) + "': level '" +
                             std::string(level) + "' is not key=value");
    }
    if (eq == 0) {
      return InvalidArgument("partition path '" + std::string(path) + "': empty key in '" +
                             std::string(level) + "'");
    }
    ASSIGN_OR_RETURN(std::string key, UnescapePartitionText(level.substr(0, eq)));
    std::string_view raw = level.substr(eq + 1);
    if (raw == kHiveDefaultPartition || raw.empty()) {
      columns.emplace_back(std::move(key), std::nullopt);
    } else {
      ASSIGN_OR_RETURN(std::string value, UnescapePartitionText(raw));
      columns.emplace_back(std::move(key), std::move(value));
    }
  }
  return columns;
}

bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const int y = std::stoi(std::string(text.substr(0, 4)));
  const int m = std::stoi(std::string(text.substr(5, 2)));
  const int d = std::stoi(std::string(text.substr(8, 2)));
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string CentralPartition::Path() const {
  return BuildPartitionPath(
      {{"dt", dt}, {"account", account}, {"region", region}, {"bucket", bucket}});
}

Result<CentralPartition> CentralPartition::Parse(std::string_view path) {
  ASSIGN_OR_RETURN(std::vector<PartitionColumn> columns, ParsePartitionPath(path));
  static constexpr const char* kKeys[] = {"dt", "account", "region", "bucket"};
  if (columns.size() != 4) {
    return InvalidArgument("central partition '" + std::string(path) + "': " +
                           std::to_string(columns.size()) + " levels, expected 4");
  }
  for (size_t i = 0; i < 4; ++i) {
    if (columns[i].first != kKeys[i] || !columns[i].second.has_value()) {
      return InvalidArgument("central partition '" + std::string(path) + "': level " +
                             std::to_string(i + 1) + " must be " + kKeys[i] + "=<value>");
    }
  }
  CentralPartition p{*columns[0].second, *columns[1].second, *columns[2].second,
                     *columns[3].second};
  if (!IsIsoDate(p.dt)) {
    return InvalidArgument("central partition '" + std::string(path) + "': dt '" + p.dt +
                           "' is not YYYY-MM-DD");
  }
  return p;
}

}  // namespace stocktake::reg
