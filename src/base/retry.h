// RetryPolicy: bounded exponential backoff with full jitter. The one place
// that decides how long to wait between attempts; callers loop only through
// Run(). Thread-safe (the sleeper and clock must be too).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "base/status.h"

namespace stocktake {

// The most tries a caller may configure (--max-attempts, AWS_MAX_ATTEMPTS).
inline constexpr int kMaxRetryAttempts = 20;

struct RetryOptions {
  int max_attempts = 6;           // total tries, including the first
  int64_t base_delay_ms = 50;     // first backoff ceiling
  int64_t max_delay_ms = 5000;    // cap per wait
  int64_t max_total_ms = 60000;   // give up when the next wait would pass this
};

class RetryPolicy {
 public:
  using Sleeper = std::function<void(int64_t ms)>;
  explicit RetryPolicy(RetryOptions options = {}, Sleeper sleeper = nullptr);

  // Calls fn until it returns a non-retryable status, success, or the
  // budget runs out; returns the last status (with the attempt count added
  // to the message when retries were exhausted).
  Status Run(const std::function<Status()>& fn) const;

  // The wait before attempt number `attempt` (1-based retry index).
  int64_t BackoffMillis(int attempt) const;
  const RetryOptions& options() const { return options_; }

 private:
  RetryOptions options_;
  Sleeper sleeper_;
};

}  // namespace stocktake
