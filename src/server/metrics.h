// Metrics: the daemon's counters in the Prometheus text exposition format
// 0.0.4, for GET /metrics. HTTP requests are counted here (by operation and
// status); report runs are counted by the Scheduler (schedule::RunStats) and
// passed in when rendering.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "schedule/scheduler.h"

namespace stocktake::server {

class Metrics {
 public:
  // Counts one answered request of `operation` ("ListBuckets", "Healthz",
  // "Unknown" when it never routed) with HTTP `status`.
  void RecordRequest(const std::string& operation, int status);

  // Every metric, ending with a newline.
  std::string Render(const schedule::RunStats& runs) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
};

}  // namespace stocktake::server
