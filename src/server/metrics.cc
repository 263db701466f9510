#include "server/metrics.h"

#include <cstdio>

namespace stocktake::server {
namespace {

void Header(std::string* out, const char* name, const char* type, const char* help) {
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void Sample(std::string* out, const std::string& name, const std::string& labels, double value) {
  char number[64];
  std::snprintf(number, sizeof(number), "%.17g", value);
  *out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + number + "\n";
}

std::string Bound(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

}  // namespace

void Metrics::RecordRequest(const std::string& operation, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{operation, status}];
}

std::string Metrics::Render(const schedule::RunStats& runs) const {
  std::string out;
  Header(&out, "stocktake_runs_total", "counter", "Report runs finished, by status.");
  Sample(&out, "stocktake_runs_total", "status=\"succeeded\"", runs.succeeded);
  Sample(&out, "stocktake_runs_total", "status=\"failed\"", runs.failed);
  Sample(&out, "stocktake_runs_total", "status=\"cancelled\"", runs.cancelled);
  Header(&out, "stocktake_objects_listed_total", "counter", "Objects listed by finished runs.");
  Sample(&out, "stocktake_objects_listed_total", "", runs.objects);
  Header(&out, "stocktake_bytes_listed_total", "counter",
         "Sum of the sizes of the objects listed by finished runs.");
  Sample(&out, "stocktake_bytes_listed_total", "", runs.bytes);
  Header(&out, "stocktake_scheduler_errors_total", "counter",
         "Scheduler failures outside runs (reading configurations, writing run history).");
  Sample(&out, "stocktake_scheduler_errors_total", "", runs.errors);
  Header(&out, "stocktake_run_duration_seconds", "histogram", "Duration of finished runs.");
  for (size_t i = 0; i < std::size(schedule::RunStats::kDurationBuckets); ++i) {
    Sample(&out, "stocktake_run_duration_seconds_bucket",
           "le=\"" + Bound(schedule::RunStats::kDurationBuckets[i]) + "\"",
           runs.duration_counts[i]);
  }
  Sample(&out, "stocktake_run_duration_seconds_bucket", "le=\"+Inf\"", runs.duration_count);
  Sample(&out, "stocktake_run_duration_seconds_sum", "", runs.duration_sum_seconds);
  Sample(&out, "stocktake_run_duration_seconds_count", "", runs.duration_count);
  Header(&out, "stocktake_run_queue_size", "gauge", "Runs waiting for a worker.");
  Sample(&out, "stocktake_run_queue_size", "", runs.queued);
  Header(&out, "stocktake_runs_in_progress", "gauge", "Runs being generated now.");
  Sample(&out, "stocktake_runs_in_progress", "", runs.running);
  Header(&out, "stocktake_http_requests_total", "counter",
         "HTTP requests answered, by operation and status code.");
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, count] : requests_) {
    Sample(&out, "stocktake_http_requests_total",
           "operation=\"" + key.first + "\",code=\"" + std::to_string(key.second) + "\"", count);
  }
  return out;
}

}  // namespace stocktake::server
