// RunStore: the history of report runs — one row per run of an inventory
// configuration, scheduled or remote: when it started and ended, how many
// objects and bytes it listed, how it ended and where its report went. Kept
// in the `runs` table of the state database (state_database.h; layout in
// docs/config.md). The scheduler also reads it back to know which slot each
// configuration last ran for, so a restart neither repeats nor forgets one.
//
// Thread-safe: one connection guarded by a mutex; other processes (e.g.
// `stocktake runs`) may read the same file meanwhile.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct sqlite3;

namespace stocktake::config {

enum class RunStatus { kRunning, kSucceeded, kFailed, kCancelled };
enum class RunTrigger { kSchedule, kRemote };

// "running", "succeeded", "failed", "cancelled"; "schedule", "remote".
std::string_view RunStatusName(RunStatus status);
std::string_view RunTriggerName(RunTrigger trigger);

struct RunRecord {
  int64_t run_id = 0;
  std::string store_id;
  std::string bucket;
  std::string config_id;
  RunTrigger trigger = RunTrigger::kSchedule;
  int64_t slot_ms = 0;  // the scheduled instant it ran for; the start for remote runs
  int64_t started_at_ms = 0;
  int64_t ended_at_ms = 0;  // 0 while running
  RunStatus status = RunStatus::kRunning;
  int64_t objects = 0;
  int64_t bytes = 0;
  std::string error;
  std::string report_location;  // manifest URL of a delivered report
};

struct RunQuery {
  std::string store_id;   // "" = every store
  std::string bucket;     // "" = every bucket
  std::string config_id;  // "" = every configuration
  int limit = 20;         // newest first
};

class RunStore {
 public:
  // Opens the state database in `state_dir` (see OpenStateDatabase).
  static Result<std::unique_ptr<RunStore>> Open(const std::string& state_dir);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  // Records a run that starts now (status running); returns its id.
  Result<int64_t> Begin(const RunRecord& run);
  // Records how run `run_id` ended: status, end, counts, error, location.
  // NotFound when there is no such run.
  Status Finish(const RunRecord& run);
  // Marks runs still "running" (left by a daemon that died) as failed with
  // `error`, ending at `now_ms`; returns how many.
  Result<int> AbandonRunning(int64_t now_ms, std::string_view error);

  // The newest runs matching `query`, newest first.
  Result<std::vector<RunRecord>> List(const RunQuery& query) const;
  // The latest slot_ms of a scheduled run of this configuration, whatever
  // its outcome; nullopt when it never ran on schedule.
  Result<std::optional<int64_t>> LastScheduledSlot(std::string_view store_id,
                                                   std::string_view bucket,
                                                   std::string_view config_id) const;

 private:
  RunStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* const db_;
  const std::string path_;
  mutable std::mutex mu_;
};

}  // namespace stocktake::config
