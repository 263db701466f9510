#include "schedule/scheduler.h"

#include <algorithm>
#include <chrono>

#include "base/log.h"

namespace stocktake::schedule {

std::optional<Result<config::RunRecord>> RunTicket::Wait(int64_t timeout_ms) const {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return result_.has_value(); });
  return result_;
}

void RunTicket::Complete(Result<config::RunRecord> result) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    result_ = std::move(result);
  }
  cv_.notify_all();
}

Scheduler::Scheduler(RunExecutor* executor, config::ConfigStore* configs, config::RunStore* runs,
                     Clock* clock, SchedulerOptions options)
    : executor_(executor), configs_(configs), runs_(runs), clock_(clock), options_(options) {}

Scheduler::~Scheduler() { Stop(); }

std::string Scheduler::KeyOf(const std::string& store_id, const std::string& bucket,
                             const std::string& id) {
  return store_id + '\n' + bucket + '\n' + id;
}

Status Scheduler::Start() {
  ASSIGN_OR_RETURN(int closed,
                   runs_->AbandonRunning(clock_->NowMillis(), "daemon stopped during the run"));
  if (closed > 0) Log("runs.abandoned", {{"count", std::to_string(closed)}});
  for (int i = 0; i < std::max(1, options_.run_threads); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
  if (options_.tick_interval_ms > 0) ticker_ = std::thread([this] { TickerLoop(); });
  return Status::OK();
}

Result<std::optional<int64_t>> Scheduler::DueSlot(const std::string& store_id,
                                                  const config::StoredConfig& stored,
                                                  int64_t now) const {
  const std::string key = KeyOf(store_id, stored.bucket, stored.config.id);
  const int64_t slot = LatestSlot(stored.config.frequency, key, now, options_.schedule);
  // Configured (or replaced) after its latest slot: the next one is its first.
  if (stored.updated_at_ms > slot) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(std::optional<int64_t> last,
                   runs_->LastScheduledSlot(store_id, stored.bucket, stored.config.id));
  if (last && *last >= slot) return std::optional<int64_t>();
  return std::optional<int64_t>(slot);
}

Result<int> Scheduler::Tick() {
  const int64_t now = clock_->NowMillis();
  int queued = 0;
  for (const ScheduledStore& store : executor_->stores()) {
    ASSIGN_OR_RETURN(std::vector<config::StoredConfig> all, configs_->ListAll(store.store_id));
    for (config::StoredConfig& stored : all) {
      if (!stored.config.is_enabled) continue;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return queued;
        if (active_.count(KeyOf(store.store_id, stored.bucket, stored.config.id)) > 0) continue;
      }
      ASSIGN_OR_RETURN(std::optional<int64_t> slot, DueSlot(store.store_id, stored, now));
      if (!slot) continue;
      RunRequest request{store.store_id, std::move(stored), config::RunTrigger::kSchedule, *slot};
      bool added = false;
      Enqueue(std::move(request), &added);
      queued += added ? 1 : 0;
    }
  }
  return queued;
}

std::shared_ptr<RunTicket> Scheduler::Enqueue(RunRequest request, bool* queued) {
  const std::string key =
      KeyOf(request.store_id, request.config.bucket, request.config.config.id);
  std::lock_guard<std::mutex> lock(mu_);
  *queued = false;
  auto it = active_.find(key);
  if (it != active_.end()) return it->second;
  auto ticket = std::make_shared<RunTicket>();
  if (stopping_) {
    ticket->Complete(Cancelled("the daemon is stopping"));
    return ticket;
  }
  active_[key] = ticket;
  queue_.push_back(Job{std::move(request), key, ticket});
  ++stats_.queued;
  *queued = true;
  cv_.notify_all();
  return ticket;
}

Result<std::shared_ptr<RunTicket>> Scheduler::RunNow(const std::string& store_id,
                                                     const std::string& bucket,
                                                     const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Cancelled("run " + bucket + "/" + id + ": the daemon is stopping");
  }
  ASSIGN_OR_RETURN(config::StoredConfig stored, configs_->Get(store_id, bucket, id));
  RunRequest request{store_id, std::move(stored), config::RunTrigger::kRemote,
                     clock_->NowMillis()};
  bool queued = false;
  return Enqueue(std::move(request), &queued);
}

void Scheduler::WorkerLoop() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      --stats_.queued;
      ++stats_.running;
      ++running_;
    }
    Log("run.start", {{"bucket", job.request.config.bucket},
                      {"id", job.request.config.config.id},
                      {"trigger", std::string(config::RunTriggerName(job.request.trigger))}});
    Result<config::RunRecord> result = executor_->Execute(job.request, &cancel_);
    Record(result);
    {
      std::lock_guard<std::mutex> lock(mu_);
      active_.erase(job.key);
      --stats_.running;
      --running_;
    }
    job.ticket->Complete(std::move(result));
    cv_.notify_all();
  }
}

void Scheduler::Record(const Result<config::RunRecord>& result) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!result.ok()) {
    ++stats_.errors;
    Log("run.error", {{"error", result.status().message()}});
    return;
  }
  const config::RunRecord& run = *result;
  switch (run.status) {
    case config::RunStatus::kSucceeded: ++stats_.succeeded; break;
    case config::RunStatus::kCancelled: ++stats_.cancelled; break;
    default: ++stats_.failed; break;
  }
  stats_.objects += run.objects;
  stats_.bytes += run.bytes;
  const double seconds = static_cast<double>(run.ended_at_ms - run.started_at_ms) / 1000.0;
  for (size_t i = 0; i < std::size(RunStats::kDurationBuckets); ++i) {
    if (seconds <= RunStats::kDurationBuckets[i]) ++stats_.duration_counts[i];
  }
  ++stats_.duration_count;
  stats_.duration_sum_seconds += seconds;
  Log("run.end", {{"run_id", std::to_string(run.run_id)},
                  {"bucket", run.bucket},
                  {"id", run.config_id},
                  {"trigger", std::string(config::RunTriggerName(run.trigger))},
                  {"status", std::string(config::RunStatusName(run.status))},
                  {"objects", std::to_string(run.objects)},
                  {"bytes", std::to_string(run.bytes)},
                  {"duration_ms", std::to_string(run.ended_at_ms - run.started_at_ms)},
                  {"report", run.report_location},
                  {"error", run.error}});
}

void Scheduler::TickerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Result<int> ticked = Tick();
    lock.lock();
    if (!ticked.ok()) {
      ++stats_.errors;
      Log("schedule.error", {{"error", ticked.status().message()}});
    }
    cv_.wait_for(lock, std::chrono::milliseconds(options_.tick_interval_ms),
                 [&] { return stopping_; });
  }
}

void Scheduler::BeginStop() {
  std::deque<Job> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cancel_ = true;
    dropped.swap(queue_);
    stats_.queued = 0;
    for (const Job& job : dropped) active_.erase(job.key);
  }
  cv_.notify_all();
  for (Job& job : dropped) {
    job.ticket->Complete(Cancelled("the daemon stopped before the run began"));
  }
}

void Scheduler::Stop() {
  BeginStop();
  if (ticker_.joinable()) ticker_.join();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

bool Scheduler::WaitIdle(int64_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return queue_.empty() && running_ == 0; });
}

RunStats Scheduler::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace stocktake::schedule
