#include "inventory/key_split.h"

#include <gtest/gtest.h>

#include <random>

namespace stocktake::inventory {
namespace {

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t j = 1; j < n; ++j) {
      if ((static_cast<unsigned char>(s[i + j]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

struct SplitCase {
  std::string lower;
  std::optional<std::string> upper;
  std::optional<std::string> want;
};

TEST(KeySplitTest, SplitsHalfwayWithAsciiBytesOrSaysThereIsNoRoom) {
  const std::vector<SplitCase> cases = {
      {"", std::nullopt, "@"},
      {"photos/2023/x", std::nullopt, "u"},  // within a-z
      {"a", "b", "a@"},
      {"abc", "abd", "abc@"},
      {"a", "c", "b"},
      {"z", "\xC3\xA9", "z@"},  // z is the last letter: a byte deeper
      {"\x7f", std::nullopt, "\x7f@"},
      {"\xC3\xA9t\xC3\xA9", std::nullopt, "\xC3\xA9w"},  // halfway from the t to z
      {"\xC3\xA9", "\xC3\xAA", "\xC3\xA9@"},  // never cuts a character in two
      {"d123/x", "d2", "d16"},  // digits stay digits
      {"d9/x", "e", "d9W"},     // 9 is the last digit: a byte deeper, where '/' has no class
      {"a", "a\x01", std::nullopt},          // nothing but NUL fits between
      {"a", "a", std::nullopt},
      {"b", "a", std::nullopt},
  };
  for (const SplitCase& c : cases) {
    std::optional<std::string_view> upper;
    if (c.upper) upper = *c.upper;
    EXPECT_EQ(SplitKeyBetween(c.lower, upper), c.want) << c.lower << " .. " << c.upper.value_or("∞");
  }
}

TEST(KeySplitTest, RandomBoundsAlwaysGiveAValidKeyStrictlyBetween) {
  std::mt19937 rng(7);
  const std::vector<std::string> atoms = {"a", "b", "/", "0", "9", "~", " ", "\x7f",
                                          "\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\x98\x80"};
  auto random_key = [&] {
    std::string k;
    for (size_t n = rng() % 6; n > 0; --n) k += atoms[rng() % atoms.size()];
    return k;
  };
  int split = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string lower = random_key(), upper = random_key();
    if (lower > upper) std::swap(lower, upper);
    const bool bounded = round % 3 != 0;
    std::optional<std::string> m =
        SplitKeyBetween(lower, bounded ? std::optional<std::string_view>(upper) : std::nullopt);
    if (!m) continue;
    ++split;
    EXPECT_GT(*m, lower);
    if (bounded) {
      EXPECT_LT(*m, upper);
    }
    EXPECT_TRUE(ValidUtf8(*m)) << *m;
    EXPECT_EQ(m->find('\0'), std::string::npos);
  }
  EXPECT_GT(split, 10000);
}

TEST(KeySplitTest, PrefixEndIsTheFirstKeyPastThePrefix) {
  EXPECT_EQ(PrefixEnd("ab"), "ac");
  EXPECT_EQ(PrefixEnd("a\xff"), "b");
  EXPECT_EQ(PrefixEnd("logs/"), "logs0");
  EXPECT_EQ(PrefixEnd(""), std::nullopt);
  EXPECT_EQ(PrefixEnd("\xff\xff"), std::nullopt);
}

}  // namespace
}  // namespace stocktake::inventory
