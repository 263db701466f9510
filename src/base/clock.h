// Clock: the source of "now" for everything that records or compares time.
// Inject a FakeClock in tests; never call std::chrono::system_clock directly
// in logic that a test must control. Implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

namespace stocktake {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMillis() const = 0;
  // Process-wide real clock; lives forever.
  static Clock* Real();
};

class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMillis() const override { return now_ms_.load(); }
  void Set(int64_t now_ms) { now_ms_.store(now_ms); }
  void Advance(int64_t delta_ms) { now_ms_.fetch_add(delta_ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace stocktake
