#include "base/uuid.h"

#include <gtest/gtest.h>

#include <set>

namespace stocktake {
namespace {

TEST(UuidTest, IsVersion4InCanonicalLowercaseForm) {
  for (int i = 0; i < 100; ++i) {
    std::string id = NewUuidV4();
    ASSERT_EQ(id.size(), 36u);
    for (size_t pos : {8, 13, 18, 23}) EXPECT_EQ(id[pos], '-') << id;
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    for (char c : id) EXPECT_TRUE(c == '-' || std::isdigit(c) || (c >= 'a' && c <= 'f')) << id;
  }
}

TEST(UuidTest, DoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) seen.insert(NewUuidV4());
  EXPECT_EQ(seen.size(), 10'000u);
}

}  // namespace
}  // namespace stocktake
