#include "base/url.h"

#include <array>

namespace stocktake {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

constexpr std::array<bool, 256> MakeTable(std::string_view keep) {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (char c : keep) t[static_cast<unsigned char>(c)] = true;
  return t;
}

constexpr auto kUnreserved = MakeTable("-_.~");
constexpr auto kUnreservedSlash = MakeTable("-_.~/");
constexpr auto kInventoryKeep = MakeTable("-_.*/");

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string UriEncode(std::string_view in, bool keep_slash) {
  const auto& table = keep_slash ? kUnreservedSlash : kUnreserved;
  std::string out;
  out.reserve(in.size() * 3 / 2);
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (table[c]) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void AppendInventoryKeyEncoded(std::string_view key, std::string* out) {
  size_t run_start = 0;
  for (size_t i = 0; i < key.size(); ++i) {
    auto c = static_cast<unsigned char>(key[i]);
    if (kInventoryKeep[c]) continue;
    out->append(key.data() + run_start, i - run_start);
    if (c == ' ') {
      out->push_back('+');
    } else {
      char esc[3] = {'%', kHex[c >> 4], kHex[c & 15]};
      out->append(esc, 3);
    }
    run_start = i + 1;
  }
  out->append(key.data() + run_start, key.size() - run_start);
}

std::string InventoryKeyEncode(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  AppendInventoryKeyEncoded(key, &out);
  return out;
}

Result<std::string> UrlDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) {
        return InvalidArgument("truncated %-escape in '" + std::string(in) + "'");
      }
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return InvalidArgument("bad %-escape in '" + std::string(in) + "'");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace stocktake
