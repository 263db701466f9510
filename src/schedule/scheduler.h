// Scheduler: runs inventory configurations on their Daily/Weekly schedule
// (schedule_policy.h) and on demand, on a fixed pool of worker threads.
//
//  - Tick() looks at every enabled Daily/Weekly configuration of every store
//    and queues those whose latest slot (at the clock's now) has not run yet:
//    after downtime, however many slots were missed, a configuration runs
//    once, for its latest slot. A configuration created or replaced after
//    its latest slot waits for the next one. Disabled ones never run on
//    schedule.
//  - RunNow() queues one configuration immediately (a remote run).
//  - A configuration is never queued or run twice at once: asking again while
//    it is queued or running returns the ticket of that run.
//  - Stop() stops ticking, drops queued runs, cancels running reports (their
//    data files are deleted and the run is recorded as cancelled) and joins
//    the workers.
// Start() with tick_interval_ms > 0 also ticks on a background thread; tests
// leave it 0 and call Tick() themselves with a FakeClock.
//
// Thread-safe. The stores, ConfigStore, RunStore and clock are borrowed and
// must outlive the Scheduler.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "config/config_store.h"
#include "config/run_store.h"
#include "schedule/report_delivered.h"
#include "schedule/run_executor.h"
#include "schedule/schedule_policy.h"

namespace stocktake::schedule {

struct SchedulerOptions {
  ScheduleOptions schedule;
  int run_threads = 2;
  // Background ticking period in real milliseconds; 0 = only explicit Tick().
  int64_t tick_interval_ms = 0;
};

// One queued or running run; waiters block on it until it ends.
class RunTicket {
 public:
  // The final record, once the run ended; nullopt when `timeout_ms` passed
  // first. A run dropped by Stop() before it started ends as cancelled.
  std::optional<Result<config::RunRecord>> Wait(int64_t timeout_ms) const;

 private:
  friend class Scheduler;
  void Complete(Result<config::RunRecord> result);

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::optional<Result<config::RunRecord>> result_;
};

// Counters since start, for /metrics.
struct RunStats {
  static constexpr double kDurationBuckets[] = {1, 5, 15, 60, 300, 900, 3600, 4 * 3600};
  int64_t succeeded = 0, failed = 0, cancelled = 0;
  int64_t objects = 0, bytes = 0;  // listed by finished runs
  int64_t errors = 0;              // scheduler errors (history writes, config reads)
  // Run durations: count per bucket (<= bound, cumulative as Prometheus
  // wants), plus +Inf = count.
  int64_t duration_counts[std::size(kDurationBuckets)] = {};
  int64_t duration_count = 0;
  double duration_sum_seconds = 0;
  int64_t queued = 0, running = 0;  // now
};

class Scheduler {
 public:
  Scheduler(RunExecutor* executor, config::ConfigStore* configs, config::RunStore* runs,
            Clock* clock, SchedulerOptions options);
  ~Scheduler();  // Stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Closes runs a previous process left "running" (as failed) and starts
  // the workers (and the ticker). REQUIRES: called once.
  Status Start();
  // Queues every due configuration; returns how many were queued. Fails
  // when the configurations or the history cannot be read.
  Result<int> Tick();
  // Queues configuration `id` of `bucket` in store `store_id` now. NotFound
  // when there is no such configuration; Cancelled after Stop().
  Result<std::shared_ptr<RunTicket>> RunNow(const std::string& store_id, const std::string& bucket,
                                            const std::string& id);
  // The non-blocking half of Stop(): no more runs are queued or started,
  // queued ones are dropped (their tickets end Cancelled) and running
  // reports are told to abandon. Idempotent.
  void BeginStop();
  // BeginStop(), then waits for the running reports and the threads to end.
  // Idempotent.
  void Stop();
  // True once nothing is queued or running (bounded by `timeout_ms`).
  bool WaitIdle(int64_t timeout_ms);

  RunStats Stats() const;

 private:
  struct Job {
    RunRequest request;
    std::string key;
    std::shared_ptr<RunTicket> ticket;
  };

  static std::string KeyOf(const std::string& store_id, const std::string& bucket,
                           const std::string& id);
  // Queues unless the key is active; returns the active or new ticket.
  std::shared_ptr<RunTicket> Enqueue(RunRequest request, bool* queued);
  // Whether the configuration's latest slot is due and not yet run.
  Result<std::optional<int64_t>> DueSlot(const std::string& store_id,
                                         const config::StoredConfig& stored, int64_t now) const;
  void WorkerLoop();
  void TickerLoop();
  void Record(const Result<config::RunRecord>& result);

  RunExecutor* const executor_;
  config::ConfigStore* const configs_;
  config::RunStore* const runs_;
  Clock* const clock_;
  const SchedulerOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;       // work queued, a run ended, or stopping
  std::deque<Job> queue_;
  std::map<std::string, std::shared_ptr<RunTicket>> active_;  // queued or running, by key
  int running_ = 0;
  bool stopping_ = false;
  RunStats stats_;
  std::atomic<bool> cancel_{false};
  std::vector<std::thread> workers_;
  std::thread ticker_;
};

}  // namespace stocktake::schedule
