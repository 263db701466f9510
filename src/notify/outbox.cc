#include "notify/outbox.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include "config/sqlite_statement.h"
#include "config/state_database.h"

namespace stocktake::notify {
namespace {

using config::SqliteExec;
using config::SqliteStatement;

constexpr int kBusyTimeoutMs = 5000;

constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS events (
  id         TEXT    PRIMARY KEY,
  body       TEXT    NOT NULL,
  bucket     TEXT    NOT NULL,
  key        TEXT    NOT NULL,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
  event_id         TEXT    NOT NULL,
  target           TEXT    NOT NULL,
  state            TEXT    NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  first_attempt_ms INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms  INTEGER NOT NULL DEFAULT 0,
  lease_until_ms   INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT    NOT NULL DEFAULT '',
  UNIQUE (event_id, target)
);
CREATE INDEX IF NOT EXISTS deliveries_by_target ON deliveries (target, state);
)sql";

constexpr std::string_view kPending = "pending";
constexpr std::string_view kFailed = "failed";

// "?2, ?3, ..." for an IN list of `count` parameters starting at `first`.
std::string Placeholders(size_t first, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += "?" + std::to_string(first + i);
  }
  return out;
}

Status BindAll(SqliteStatement* stmt, int first, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    RETURN_IF_ERROR(stmt->BindText(first + static_cast<int>(i), values[i]));
  }
  return Status::OK();
}

constexpr std::string_view kDeliveryColumns =
    "d.event_id, d.target, d.state, d.attempts, d.first_attempt_ms, d.next_attempt_ms, "
    "d.last_error, e.bucket, e.key, e.created_ms";

Delivery ReadDelivery(const SqliteStatement& stmt) {
  Delivery d;
  d.event_id = stmt.Text(0);
  d.target = stmt.Text(1);
  d.state = stmt.Text(2) == kFailed ? DeliveryState::kFailed : DeliveryState::kPending;
  d.attempts = static_cast<int>(stmt.Int64(3));
  d.first_attempt_ms = stmt.Int64(4);
  d.next_attempt_ms = stmt.Int64(5);
  d.last_error = stmt.Text(6);
  d.bucket = stmt.Text(7);
  d.key = stmt.Text(8);
  d.created_ms = stmt.Int64(9);
  return d;
}

}  // namespace

std::string_view DeliveryStateName(DeliveryState state) {
  return state == DeliveryState::kFailed ? kFailed : kPending;
}

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::string& state_dir) {
  std::string path;
  static_assert(kSchemaVersion == 1, "list every migration below");
  const config::DatabaseSchema schema{kDatabaseFile, {kSchemaV1}, /*synchronous_full=*/true,
                                      kBusyTimeoutMs};
  ASSIGN_OR_RETURN(sqlite3* db, config::OpenDatabase(state_dir, schema, &path));
  return std::unique_ptr<Outbox>(new Outbox(db, path));
}

Outbox::~Outbox() { sqlite3_close(db_); }

Result<int> Outbox::Add(std::string_view event_id, std::string_view body, std::string_view bucket,
                        std::string_view key, int64_t created_ms,
                        const std::vector<std::string>& targets) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "store event " + std::string(event_id) + " in " + path_;
  int added = 0;
  RETURN_IF_ERROR(config::InWriteTransaction(db_, what, [&]() -> Status {
    ASSIGN_OR_RETURN(SqliteStatement event,
                     SqliteStatement::Prepare(db_,
                                              "INSERT OR IGNORE INTO events (id, body, bucket, "
                                              "key, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                                              what));
    RETURN_IF_ERROR(event.Bind(event_id, body, bucket, key, created_ms));
    RETURN_IF_ERROR(event.Step().status());
    for (const std::string& target : targets) {
      ASSIGN_OR_RETURN(SqliteStatement delivery,
                       SqliteStatement::Prepare(db_,
                                                "INSERT OR IGNORE INTO deliveries (event_id, "
                                                "target, state) VALUES (?1, ?2, ?3)",
                                                what));
      RETURN_IF_ERROR(delivery.Bind(event_id, target, kPending));
      RETURN_IF_ERROR(delivery.Step().status());
      added += sqlite3_changes(db_);
    }
    return Status::OK();
  }));
  return added;
}

Result<std::optional<Delivery>> Outbox::Claim(std::string_view target, int64_t now_ms,
                                              int64_t lease_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "claim an event for " + std::string(target) + " in " + path_;
  std::optional<Delivery> out;
  RETURN_IF_ERROR(config::InWriteTransaction(db_, what, [&]() -> Status {
    ASSIGN_OR_RETURN(
        SqliteStatement select,
        SqliteStatement::Prepare(db_,
                                 "SELECT " + std::string(kDeliveryColumns) +
                                     ", e.body FROM deliveries d JOIN events e ON e.id = "
                                     "d.event_id WHERE d.target = ?1 AND d.state = ?2 AND "
                                     "d.next_attempt_ms <= ?3 AND d.lease_until_ms <= ?3 "
                                     "ORDER BY d.rowid LIMIT 1",
                                 what));
    RETURN_IF_ERROR(select.Bind(target, kPending, now_ms));
    ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return Status::OK();
    Delivery d = ReadDelivery(select);
    d.body = select.Text(10);
    ASSIGN_OR_RETURN(SqliteStatement lease,
                     SqliteStatement::Prepare(db_,
                                              "UPDATE deliveries SET lease_until_ms = ?1 WHERE "
                                              "event_id = ?2 AND target = ?3",
                                              what));
    RETURN_IF_ERROR(lease.Bind(now_ms + lease_ms, d.event_id, target));
    RETURN_IF_ERROR(lease.Step().status());
    out = std::move(d);
    return Status::OK();
  }));
  return out;
}

Status Outbox::Acknowledge(std::string_view event_id, std::string_view target) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what =
      "acknowledge event " + std::string(event_id) + " for " + std::string(target) + " in " + path_;
  return config::InWriteTransaction(db_, what, [&]() -> Status {
    ASSIGN_OR_RETURN(SqliteStatement del,
                     SqliteStatement::Prepare(
                         db_, "DELETE FROM deliveries WHERE event_id = ?1 AND target = ?2", what));
    RETURN_IF_ERROR(del.Bind(event_id, target));
    RETURN_IF_ERROR(del.Step().status());
    ASSIGN_OR_RETURN(SqliteStatement orphan,
                     SqliteStatement::Prepare(db_,
                                              "DELETE FROM events WHERE id = ?1 AND NOT EXISTS "
                                              "(SELECT 1 FROM deliveries WHERE event_id = ?1)",
                                              what));
    RETURN_IF_ERROR(orphan.BindText(1, event_id));
    return orphan.Step().status();
  });
}

Status Outbox::SetOutcome(std::string_view sql, std::string_view what, std::string_view event_id,
                          std::string_view target, int attempts, int64_t first_attempt_ms,
                          int64_t next_attempt_ms, std::string_view error) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::Prepare(db_, sql, std::string(what)));
  RETURN_IF_ERROR(stmt.Bind(attempts, first_attempt_ms, next_attempt_ms, error, event_id, target));
  return stmt.Step().status();
}

Status Outbox::Retry(std::string_view event_id, std::string_view target, int attempts,
                     int64_t first_attempt_ms, int64_t next_attempt_ms, std::string_view error) {
  return SetOutcome(
      "UPDATE deliveries SET attempts = ?1, first_attempt_ms = ?2, next_attempt_ms = ?3, "
      "last_error = ?4, lease_until_ms = 0 WHERE event_id = ?5 AND target = ?6",
      "record a failed delivery of event " + std::string(event_id) + " in " + path_, event_id,
      target, attempts, first_attempt_ms, next_attempt_ms, error);
}

Status Outbox::Fail(std::string_view event_id, std::string_view target, int attempts,
                    int64_t first_attempt_ms, std::string_view error) {
  return SetOutcome(
      "UPDATE deliveries SET attempts = ?1, first_attempt_ms = ?2, next_attempt_ms = ?3, "
      "last_error = ?4, lease_until_ms = 0, state = 'failed' WHERE event_id = ?5 AND "
      "target = ?6",
      "give up event " + std::string(event_id) + " in " + path_, event_id, target, attempts,
      first_attempt_ms, 0, error);
}

Result<int> Outbox::Requeue(const std::vector<std::string>& targets) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "requeue deliveries in " + path_;
  std::string sql =
      "UPDATE deliveries SET state = 'pending', attempts = 0, first_attempt_ms = 0, "
      "next_attempt_ms = 0 WHERE (state = 'failed' OR next_attempt_ms > 0)";
  if (!targets.empty()) sql += " AND target IN (" + Placeholders(1, targets.size()) + ")";
  ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::Prepare(db_, sql, what));
  RETURN_IF_ERROR(BindAll(&stmt, 1, targets));
  RETURN_IF_ERROR(stmt.Step().status());
  return sqlite3_changes(db_);
}

Result<std::optional<int64_t>> Outbox::NextDue(std::string_view target) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "find the next delivery for " + std::string(target) + " in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_,
                                            "SELECT MIN(MAX(next_attempt_ms, lease_until_ms)) "
                                            "FROM deliveries WHERE target = ?1 AND state = ?2",
                                            what));
  RETURN_IF_ERROR(stmt.Bind(target, kPending));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || !stmt.OptionalText(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.Int64(0));
}

Result<int64_t> Outbox::Count(DeliveryState state, const std::vector<std::string>& targets) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "count " + std::string(DeliveryStateName(state)) + " deliveries in " + path_;
  std::string sql = "SELECT COUNT(*) FROM deliveries WHERE state = ?1";
  if (!targets.empty()) sql += " AND target IN (" + Placeholders(2, targets.size()) + ")";
  ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::Prepare(db_, sql, what));
  RETURN_IF_ERROR(stmt.BindText(1, DeliveryStateName(state)));
  RETURN_IF_ERROR(BindAll(&stmt, 2, targets));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int64(0) : 0;
}

Result<std::vector<Delivery>> Outbox::List(int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "list deliveries in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_,
                                            "SELECT " + std::string(kDeliveryColumns) +
                                                " FROM deliveries d JOIN events e ON e.id = "
                                                "d.event_id ORDER BY d.rowid LIMIT ?1",
                                            what));
  RETURN_IF_ERROR(stmt.BindInt64(1, limit));
  return stmt.ReadAll(ReadDelivery);
}

Result<std::vector<std::string>> Outbox::Targets() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "list notification targets in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(
                       db_, "SELECT DISTINCT target FROM deliveries ORDER BY target", what));
  return stmt.ReadAll([](const config::SqliteStatement& row) { return row.Text(0); });
}

Result<int64_t> Outbox::CountEvents() {
  std::lock_guard<std::mutex> lock(mu_);
  std::string what = "count events in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement stmt,
                   SqliteStatement::Prepare(db_, "SELECT COUNT(*) FROM events", what));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int64(0) : 0;
}

}  // namespace stocktake::notify
