#include "base/time_util.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace stocktake {
namespace {

TEST(TimeUtilTest, FormatsKnownInstants) {
  EXPECT_EQ(FormatIso8601Millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Millis(1713748408123), "2024-04-22T01:13:28.123Z");
  EXPECT_EQ(FormatIso8601Millis(951782400000), "2000-02-29T00:00:00.000Z");  // leap day
  EXPECT_EQ(FormatIso8601Millis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIso8601Millis(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatAmzDate(1713748408123), "20240422T011328Z");
  EXPECT_EQ(FormatReportFolder(1713748408123), "2024-04-22T01-13Z");
  EXPECT_EQ(FormatHiveDt(1713748408123), "2024-04-22-01-13");
  EXPECT_EQ(FormatIsoDate(1713748408123), "2024-04-22");
}

TEST(TimeUtilTest, FormatAndParseRoundTripOverFourCenturies) {
  // Every ~3.7 days from 1900 to 2300, with varying millis: exercises leap
  // years (2000 yes, 1900/2100 no) and month ends.
  constexpr int64_t kStep = 320'000'123;
  int checked = 0;
  for (int64_t ms = -2'208'988'800'000; ms < 10'413'792'000'000; ms += kStep) {
    std::string text = FormatIso8601Millis(ms);
    ASSERT_EQ(text.size(), 24u) << ms;
    Result<int64_t> back = ParseTimestamp(text);
    ASSERT_TRUE(back.ok()) << text << ": " << back.status().ToString();
    ASSERT_EQ(*back, ms) << text;
    ++checked;
  }
  EXPECT_GT(checked, 30000);
}

TEST(TimeUtilTest, ParsesTheFormsStoresSend) {
  EXPECT_EQ(*ParseTimestamp("2024-04-22T01:13:28Z"), 1713748408000);
  EXPECT_EQ(*ParseTimestamp("2024-04-22T01:13:28.123456Z"), 1713748408123);
  EXPECT_EQ(*ParseTimestamp("Mon, 22 Apr 2024 01:13:28 GMT"), 1713748408000);
  EXPECT_EQ(*ParseTimestamp("20240422T011328Z"), 1713748408000);
  EXPECT_FALSE(ParseTimestamp("2024-13-22T01:13:28Z").ok());
  EXPECT_FALSE(ParseTimestamp("yesterday").ok());
}

}  // namespace
}  // namespace stocktake
