// When Daily and Weekly inventory configurations are due. Every
// configuration has slots: each day (Daily) or each configured weekday
// (Weekly) at the configured UTC time, plus a per-configuration jitter that
// is stable (derived from the configuration's identity) and lies in
// [0, jitter_ms), so a fleet of configurations does not start at one instant
// and a restart does not move a configuration's slot.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "config/inventory_config.h"

namespace stocktake::schedule {

struct ScheduleOptions {
  int minutes_of_day = 0;  // UTC, 0..1439
  int weekday = 0;         // Weekly: 0 = Sunday .. 6 = Saturday
  int64_t jitter_ms = 0;   // 0 = none
};

inline constexpr int64_t kDayMs = 24LL * 3600 * 1000;

// The delay of configuration `key` after each of its slots' base time:
// in [0, jitter_ms), 0 when jitter_ms <= 0.
int64_t JitterMs(std::string_view key, int64_t jitter_ms);

// The latest slot of a configuration with this frequency and key at or
// before `now_ms` (epoch milliseconds, UTC), jitter included.
int64_t LatestSlot(config::Frequency frequency, std::string_view key, int64_t now_ms,
                   const ScheduleOptions& options);

// The first slot strictly after `after_ms`.
int64_t NextSlot(config::Frequency frequency, std::string_view key, int64_t after_ms,
                 const ScheduleOptions& options);

}  // namespace stocktake::schedule
