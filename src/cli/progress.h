// Progress: a one-line progress bar on stderr when stderr is a terminal
// (objects, rate, elapsed; ETA when a total is known), silent otherwise.
// Updates are throttled to ~10 per second. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

namespace stocktake::cli {

class Progress {
 public:
  // quiet forces silence even on a TTY.
  explicit Progress(bool quiet);
  ~Progress();
  // Sets the label and, when known (> 0), the expected total.
  void Start(std::string label, int64_t total = 0);
  void Update(int64_t done, int64_t bytes);
  // Clears the line (the caller prints the result).
  void Done();
  bool enabled() const { return enabled_; }

 private:
  void Draw(bool force);
  bool enabled_;
  std::mutex mu_;
  std::string label_;
  int64_t total_ = 0, done_ = 0, bytes_ = 0;
  int64_t start_ms_ = 0, last_draw_ms_ = 0;
  bool drawn_ = false;
};

// "1.5 GiB"
std::string HumanBytes(int64_t bytes);

}  // namespace stocktake::cli
