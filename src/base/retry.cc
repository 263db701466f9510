#include "base/retry.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <thread>

namespace stocktake {

RetryPolicy::RetryPolicy(RetryOptions options, Sleeper sleeper)
    : options_(options), sleeper_(std::move(sleeper)) {
  if (!sleeper_) {
    sleeper_ = [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  }
}

int64_t RetryPolicy::BackoffMillis(int attempt) const {
  int64_t ceiling = options_.base_delay_ms;
  for (int i = 1; i < attempt && ceiling < options_.max_delay_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, options_.max_delay_ms);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> dist(ceiling / 2, ceiling);  // "equal jitter"
  return dist(rng);
}

Status RetryPolicy::Run(const std::function<Status()>& fn) const {
  int64_t waited = 0;
  Status last;
  int attempt = 1;
  for (;; ++attempt) {
    last = fn();
    if (last.ok() || !IsRetryable(last)) return last;
    if (attempt >= options_.max_attempts) break;
    int64_t wait = BackoffMillis(attempt);
    if (waited + wait > options_.max_total_ms) break;
    sleeper_(wait);
    waited += wait;
  }
  if (attempt == 1) return last;  // a budget of one try: nothing was retried
  return Status(last.code(), last.message() + " (gave up after " + std::to_string(attempt) +
                                 " attempts, " + std::to_string(waited) + " ms of backoff)");
}

}  // namespace stocktake
