#include "base/log.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

constexpr int64_t kNow = 1767225600123;  // 2026-01-01T00:00:00.123Z

TEST(LogTest, TextLinesAreKeyValuePairsQuotedWhenNeeded) {
  EXPECT_EQ(FormatLogLine(LogStyle::kText, kNow, "run.end",
                          {{"bucket", "photos"}, {"error", "list s3://b: SlowDown (503)"},
                           {"report", ""}, {"q", "a\"b=c\nd"}}),
            "ts=2026-01-01T00:00:00.123Z event=run.end bucket=photos "
            "error=\"list s3://b: SlowDown (503)\" report=\"\" q=\"a\\\"b=c\\nd\"");
}

TEST(LogTest, JsonLinesAreOneObject) {
  EXPECT_EQ(FormatLogLine(LogStyle::kJson, kNow, "http.request",
                          {{"path", "/a \"b\""}, {"status", "200"}, {"ctl", std::string(1, '\x01')}}),
            "{\"ts\":\"2026-01-01T00:00:00.123Z\",\"event\":\"http.request\","
            "\"path\":\"/a \\\"b\\\"\",\"status\":\"200\",\"ctl\":\"\\u0001\"}");
}

}  // namespace
}  // namespace stocktake
