#include "config/run_store.h"

#include <sqlite3.h>

#include "config/sqlite_statement.h"
#include "config/state_database.h"

namespace stocktake::config {
namespace {

constexpr std::string_view kColumns =
    "run_id, store_id, bucket, config_id, trigger, slot_ms, started_at_ms, ended_at_ms, status, "
    "objects, bytes, error, report_location";

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  for (RunStatus s : {RunStatus::kRunning, RunStatus::kSucceeded, RunStatus::kFailed,
                      RunStatus::kCancelled}) {
    if (RunStatusName(s) == name) return s;
  }
  return std::nullopt;
}

Result<RunRecord> ReadRow(const SqliteStatement& stmt, const std::string& path) {
  RunRecord run;
  run.run_id = stmt.Int64(0);
  run.store_id = stmt.Text(1);
  run.bucket = stmt.Text(2);
  run.config_id = stmt.Text(3);
  run.trigger = stmt.Text(4) == RunTriggerName(RunTrigger::kRemote) ? RunTrigger::kRemote
                                                                     : RunTrigger::kSchedule;
  run.slot_ms = stmt.Int64(5);
  run.started_at_ms = stmt.Int64(6);
  run.ended_at_ms = stmt.Int64(7);
  const std::string status = stmt.Text(8);
  std::optional<RunStatus> parsed = ParseRunStatus(status);
  if (!parsed) {
    return Corruption("read runs in " + path + ": unknown status '" + status + "' of run " +
                      std::to_string(run.run_id));
  }
  run.status = *parsed;
  run.objects = stmt.Int64(9);
  run.bytes = stmt.Int64(10);
  run.error = stmt.Text(11);
  run.report_location = stmt.Text(12);
  return run;
}

}  // namespace

std::string_view RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning: return "running";
    case RunStatus::kSucceeded: return "succeeded";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kCancelled: return "cancelled";
  }
  return "unknown";
}

std::string_view RunTriggerName(RunTrigger trigger) {
  return trigger == RunTrigger::kRemote ? "remote" : "schedule";
}

Result<std::unique_ptr<RunStore>> RunStore::Open(const std::string& state_dir) {
  std::string path;
  ASSIGN_OR_RETURN(sqlite3* db, OpenStateDatabase(state_dir, &path));
  return std::unique_ptr<RunStore>(new RunStore(db, std::move(path)));
}

RunStore::~RunStore() { sqlite3_close(db_); }

Result<int64_t> RunStore::Begin(const RunRecord& run) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "record run of " + run.bucket + "/" + run.config_id + " in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_,
                                            "INSERT INTO runs (store_id, bucket, config_id, "
                                            "trigger, slot_ms, started_at_ms, status) VALUES "
                                            "(?1, ?2, ?3, ?4, ?5, ?6, 'running')",
                                            what));
  RETURN_IF_ERROR(stmt.Bind(run.store_id, run.bucket, run.config_id, RunTriggerName(run.trigger),
                            run.slot_ms, run.started_at_ms));
  RETURN_IF_ERROR(stmt.Step().status());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
}

Status RunStore::Finish(const RunRecord& run) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "finish run " + std::to_string(run.run_id) + " in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_,
                                            "UPDATE runs SET ended_at_ms = ?2, status = ?3, "
                                            "objects = ?4, bytes = ?5, error = ?6, "
                                            "report_location = ?7 WHERE run_id = ?1",
                                            what));
  RETURN_IF_ERROR(stmt.Bind(run.run_id, run.ended_at_ms, RunStatusName(run.status), run.objects,
                            run.bytes, run.error, run.report_location));
  RETURN_IF_ERROR(stmt.Step().status());
  if (sqlite3_changes(db_) == 0) return NotFound(what + ": no such run");
  return Status::OK();
}

Result<int> RunStore::AbandonRunning(int64_t now_ms, std::string_view error) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "close interrupted runs in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_,
                                            "UPDATE runs SET ended_at_ms = ?1, status = 'failed', "
                                            "error = ?2 WHERE status = 'running'",
                                            what));
  RETURN_IF_ERROR(stmt.Bind(now_ms, error));
  RETURN_IF_ERROR(stmt.Step().status());
  return sqlite3_changes(db_);
}

Result<std::vector<RunRecord>> RunStore::List(const RunQuery& query) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "list runs in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(
                       db_,
                       "SELECT " + std::string(kColumns) +
                           " FROM runs WHERE (?1 = '' OR store_id = ?1) AND (?2 = '' OR bucket = "
                           "?2) AND (?3 = '' OR config_id = ?3) ORDER BY run_id DESC LIMIT ?4",
                       what));
  RETURN_IF_ERROR(stmt.Bind(query.store_id, query.bucket, query.config_id, query.limit));
  return stmt.ReadAll([&](const SqliteStatement& row) { return ReadRow(row, path_); });
}

Result<std::optional<int64_t>> RunStore::LastScheduledSlot(std::string_view store_id,
                                                           std::string_view bucket,
                                                           std::string_view config_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "read last run of " + std::string(bucket) + "/" +
                           std::string(config_id) + " in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_,
                                            "SELECT MAX(slot_ms) FROM runs WHERE store_id = ?1 "
                                            "AND bucket = ?2 AND config_id = ?3 AND trigger = "
                                            "'schedule'",
                                            what));
  RETURN_IF_ERROR(stmt.Bind(store_id, bucket, config_id));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || !stmt.OptionalText(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.Int64(0));
}

}  // namespace stocktake::config
