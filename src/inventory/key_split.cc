#include "inventory/key_split.h"

#include <algorithm>

namespace stocktake::inventory {
namespace {

constexpr int kAsciiEnd = 0x80;  // new bytes stay below: valid UTF-8 on their own

// Byte i of s, or -1 past its end (a shorter string sorts first).
int ByteAt(std::string_view s, size_t i) {
  return i < s.size() ? static_cast<unsigned char>(s[i]) : -1;
}

// Past the last byte of b's class: a digit's is ':', a lowercase letter's
// '{', an uppercase letter's '['; any other byte (or none) has no class.
int ClassEnd(int b) {
  if (b >= '0' && b <= '9') return '9' + 1;
  if (b >= 'a' && b <= 'z') return 'z' + 1;
  if (b >= 'A' && b <= 'Z') return 'Z' + 1;
  return kAsciiEnd;
}

}  // namespace

std::optional<std::string> SplitKeyBetween(std::string_view lower,
                                           std::optional<std::string_view> upper) {
  if (upper && *upper <= lower) return std::nullopt;
  std::string out;  // always a prefix of lower
  bool tight = upper.has_value();  // out is also a prefix of upper
  for (size_t i = 0; i <= lower.size(); ++i) {
    const int lo = ByteAt(lower, i);
    const int hi = tight ? ByteAt(*upper, i) : 256;
    // Only split on a character boundary of lower, so out + c stays UTF-8.
    const bool boundary = lo < 0 || (lo & 0xC0) != 0x80;
    if (boundary) {
      const int floor = std::max(lo, 0);  // no NUL bytes in split keys
      // Within lower's byte class: keys that have a digit here mostly have
      // digits here, so a split past '9' would most often cut off no keys.
      const int ceil = std::min({hi, kAsciiEnd, ClassEnd(lo)});
      if (ceil - floor >= 2) {
        out.push_back(static_cast<char>(floor + (ceil - floor) / 2));
        return out;
      }
    }
    if (lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(lo));
    tight = tight && lo == hi;
  }
  return std::nullopt;
}

std::optional<std::string> PrefixEnd(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    unsigned char last = static_cast<unsigned char>(out.back());
    if (last != 0xff) {
      out.back() = static_cast<char>(last + 1);
      return out;
    }
    out.pop_back();
  }
  return std::nullopt;
}

}  // namespace stocktake::inventory
