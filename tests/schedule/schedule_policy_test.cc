#include "schedule/schedule_policy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "base/time_util.h"

namespace stocktake::schedule {
namespace {

using config::Frequency;

int64_t At(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return DaysFromCivil(y, m, d) * kDayMs + (hh * 60LL + mm) * 60000;
}

TEST(SchedulePolicyTest, DailySlotIsTheConfiguredUtcTime) {
  ScheduleOptions options;
  options.minutes_of_day = 2 * 60 + 30;
  EXPECT_EQ(LatestSlot(Frequency::kDaily, "k", At(2026, 1, 5, 2, 30), options),
            At(2026, 1, 5, 2, 30));
  EXPECT_EQ(LatestSlot(Frequency::kDaily, "k", At(2026, 1, 5, 2, 29), options),
            At(2026, 1, 4, 2, 30));
  EXPECT_EQ(LatestSlot(Frequency::kDaily, "k", At(2026, 1, 5, 23, 59), options),
            At(2026, 1, 5, 2, 30));
  EXPECT_EQ(NextSlot(Frequency::kDaily, "k", At(2026, 1, 5, 2, 30), options),
            At(2026, 1, 6, 2, 30));
}

TEST(SchedulePolicyTest, WeeklySlotIsTheConfiguredWeekday) {
  ScheduleOptions options;
  options.weekday = 3;  // Wednesday; 2026-01-07 is one
  options.minutes_of_day = 60;
  EXPECT_EQ(LatestSlot(Frequency::kWeekly, "k", At(2026, 1, 7, 1, 0), options),
            At(2026, 1, 7, 1, 0));
  EXPECT_EQ(LatestSlot(Frequency::kWeekly, "k", At(2026, 1, 7, 0, 59), options),
            At(2025, 12, 31, 1, 0));
  EXPECT_EQ(LatestSlot(Frequency::kWeekly, "k", At(2026, 1, 13, 23, 0), options),
            At(2026, 1, 7, 1, 0));
  options.weekday = 0;  // Sunday 2026-01-04
  EXPECT_EQ(LatestSlot(Frequency::kWeekly, "k", At(2026, 1, 5), options), At(2026, 1, 4, 1, 0));
  // Before the epoch too.
  EXPECT_EQ(LatestSlot(Frequency::kWeekly, "k", At(1969, 12, 30), options), At(1969, 12, 28, 1, 0));
}

TEST(SchedulePolicyTest, JitterIsBoundedStableAndSpread) {
  ScheduleOptions options;
  options.minutes_of_day = 0;
  options.jitter_ms = 10 * 60 * 1000;
  const int64_t now = At(2026, 1, 5, 12, 0);
  std::set<int64_t> offsets;
  for (int i = 0; i < 200; ++i) {
    const std::string key = "local:/r\nbucket" + std::to_string(i) + "\ndaily";
    const int64_t slot = LatestSlot(Frequency::kDaily, key, now, options);
    const int64_t offset = slot - At(2026, 1, 5);
    EXPECT_GE(offset, 0) << key;
    EXPECT_LT(offset, options.jitter_ms) << key;
    EXPECT_EQ(offset, JitterMs(key, options.jitter_ms));
    EXPECT_EQ(slot, LatestSlot(Frequency::kDaily, key, now, options));  // stable
    offsets.insert(offset);
  }
  EXPECT_GT(offsets.size(), 150u);  // spread, not one instant
  EXPECT_EQ(JitterMs("any", 0), 0);
}

TEST(SchedulePolicyTest, JitteredSlotIsNotDueBeforeItsDelay) {
  ScheduleOptions options;
  options.jitter_ms = 3600 * 1000;
  const std::string key = "k";
  const int64_t jitter = JitterMs(key, options.jitter_ms);
  ASSERT_GT(jitter, 0);
  // Just before today's jittered slot, the latest slot is yesterday's.
  EXPECT_EQ(LatestSlot(Frequency::kDaily, key, At(2026, 1, 5) + jitter - 1, options),
            At(2026, 1, 4) + jitter);
  EXPECT_EQ(LatestSlot(Frequency::kDaily, key, At(2026, 1, 5) + jitter, options),
            At(2026, 1, 5) + jitter);
}

}  // namespace
}  // namespace stocktake::schedule
