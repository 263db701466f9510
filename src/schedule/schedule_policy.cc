#include "schedule/schedule_policy.h"

namespace stocktake::schedule {
namespace {

// 1970-01-01 was a Thursday (weekday 4).
constexpr int kEpochWeekday = 4;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

uint64_t Fnv1a(std::string_view text) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

int64_t JitterMs(std::string_view key, int64_t jitter_ms) {
  if (jitter_ms <= 0) return 0;
  return static_cast<int64_t>(Fnv1a(key) % static_cast<uint64_t>(jitter_ms));
}

int64_t LatestSlot(config::Frequency frequency, std::string_view key, int64_t now_ms,
                   const ScheduleOptions& options) {
  const int64_t offset = int64_t{options.minutes_of_day} * 60000 + JitterMs(key, options.jitter_ms);
  // Slot k of a day-based series sits at k * period + phase.
  int64_t period = kDayMs;
  int64_t phase = offset;
  if (frequency == config::Frequency::kWeekly) {
    period = 7 * kDayMs;
    const int64_t day = ((options.weekday - kEpochWeekday) % 7 + 7) % 7;  // days after epoch
    phase = day * kDayMs + offset;
  }
  return FloorDiv(now_ms - phase, period) * period + phase;
}

int64_t NextSlot(config::Frequency frequency, std::string_view key, int64_t after_ms,
                 const ScheduleOptions& options) {
  const int64_t period = frequency == config::Frequency::kWeekly ? 7 * kDayMs : kDayMs;
  return LatestSlot(frequency, key, after_ms, options) + period;
}

}  // namespace stocktake::schedule
