#include "register/catalog.h"

#include <sqlite3.h>

#include <filesystem>
#include <tuple>

#include "config/sqlite_statement.h"
#include "config/state_database.h"

namespace stocktake::reg {
namespace {

using config::SqliteExec;
using config::SqliteStatement;

constexpr int kBusyTimeoutMs = 10'000;

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE reports (
  collector TEXT NOT NULL,
  manifest_key TEXT NOT NULL,
  checksum TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  bucket TEXT NOT NULL,
  dt TEXT NOT NULL,
  config_id TEXT NOT NULL,
  creation_ms INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  part_key TEXT NOT NULL,
  registered_at_ms INTEGER NOT NULL,
  superseded_by TEXT NOT NULL DEFAULT '',
  part_deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (collector, manifest_key)
);
CREATE INDEX reports_partition ON reports (dt, account, region, bucket, superseded_by);
CREATE TABLE quarantine (
  collector TEXT NOT NULL,
  manifest_key TEXT NOT NULL,
  reason TEXT NOT NULL,
  quarantined_at_ms INTEGER NOT NULL,
  PRIMARY KEY (collector, manifest_key)
);
)sql";

constexpr const char* kReportColumns =
    "collector, manifest_key, checksum, account, region, bucket, dt, config_id, creation_ms, "
    "rows, bytes, part_key, registered_at_ms, superseded_by, part_deleted";

RegisteredReport ReadReport(const SqliteStatement& s) {
  RegisteredReport r;
  r.collector = s.Text(0);
  r.manifest_key = s.Text(1);
  r.checksum = s.Text(2);
  r.account = s.Text(3);
  r.region = s.Text(4);
  r.bucket = s.Text(5);
  r.dt = s.Text(6);
  r.config_id = s.Text(7);
  r.creation_ms = s.Int64(8);
  r.rows = s.Int64(9);
  r.bytes = s.Int64(10);
  r.part_key = s.Text(11);
  r.registered_at_ms = s.Int64(12);
  r.superseded_by = s.Text(13);
  r.part_deleted = s.Int64(14) != 0;
  return r;
}

// Newer report first: later scan start, then the larger manifest key, then
// the larger collector id, so every process picks the same winner.
bool IsNewer(const RegisteredReport& a, const RegisteredReport& b) {
  return std::tie(a.creation_ms, a.manifest_key, a.collector) >
         std::tie(b.creation_ms, b.manifest_key, b.collector);
}

}  // namespace

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& state_dir, const Clock* clock) {
  std::string path;
  static_assert(kSchemaVersion == 1, "list every migration below");
  const config::DatabaseSchema schema{kDatabaseFile, {kSchemaV1}, /*synchronous_full=*/true,
                                      kBusyTimeoutMs};
  ASSIGN_OR_RETURN(sqlite3* db, config::OpenDatabase(state_dir, schema, &path));
  return std::unique_ptr<Catalog>(new Catalog(db, path, clock));
}

Catalog::~Catalog() { sqlite3_close(db_); }

Result<ReportState> Catalog::Lookup(std::string_view collector, std::string_view manifest_key) {
  std::lock_guard<std::mutex> lock(mu_);
  return LookupLocked(collector, manifest_key);
}

Result<ReportState> Catalog::LookupLocked(std::string_view collector,
                                          std::string_view manifest_key) {
  const std::string what = "look up report " + std::string(manifest_key) + " in " + path_;
  for (const char* table : {"reports", "quarantine"}) {
    ASSIGN_OR_RETURN(SqliteStatement s,
                     SqliteStatement::Prepare(db_,
                                              std::string("SELECT 1 FROM ") + table +
                                                  " WHERE collector = ?1 AND manifest_key = ?2",
                                              what));
    RETURN_IF_ERROR(s.BindText(1, collector));
    RETURN_IF_ERROR(s.BindText(2, manifest_key));
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) {
      return std::string_view(table) == "reports" ? ReportState::kRegistered
                                                  : ReportState::kQuarantined;
    }
  }
  return ReportState::kUnknown;
}

Result<CommitOutcome> Catalog::Commit(RegisteredReport report) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "register report " + report.manifest_key + " in " + path_;
  CommitOutcome outcome;
  report.registered_at_ms = clock_->NowMillis();
  report.part_deleted = false;
  report.superseded_by.clear();
  Status st = config::InWriteTransaction(db_, what, [&]() -> Status {
    ASSIGN_OR_RETURN(ReportState state, LookupLocked(report.collector, report.manifest_key));
    if (state != ReportState::kUnknown) {
      outcome.already_known = true;
      return Status::OK();
    }
    ASSIGN_OR_RETURN(
        SqliteStatement select,
        SqliteStatement::Prepare(db_,
                                 std::string("SELECT ") + kReportColumns +
                                     " FROM reports WHERE dt = ?1 AND account = ?2 AND "
                                     "region = ?3 AND bucket = ?4 AND superseded_by = ''",
                                 what));
    RETURN_IF_ERROR(select.BindText(1, report.dt));
    RETURN_IF_ERROR(select.BindText(2, report.account));
    RETURN_IF_ERROR(select.BindText(3, report.region));
    RETURN_IF_ERROR(select.BindText(4, report.bucket));
    ASSIGN_OR_RETURN(bool has_current, select.Step());
    outcome.current = true;
    if (has_current) {
      RegisteredReport current = ReadReport(select);
      if (IsNewer(report, current)) {
        ASSIGN_OR_RETURN(SqliteStatement update,
                         SqliteStatement::Prepare(db_,
                                                  "UPDATE reports SET superseded_by = ?3 WHERE "
                                                  "collector = ?1 AND manifest_key = ?2",
                                                  what));
        RETURN_IF_ERROR(update.BindText(1, current.collector));
        RETURN_IF_ERROR(update.BindText(2, current.manifest_key));
        RETURN_IF_ERROR(update.BindText(3, report.manifest_key));
        RETURN_IF_ERROR(update.Step().status());
        current.superseded_by = report.manifest_key;
        outcome.stale.push_back(std::move(current));
      } else {
        report.superseded_by = current.manifest_key;
        outcome.current = false;
        outcome.stale.push_back(report);
      }
    }
    ASSIGN_OR_RETURN(
        SqliteStatement insert,
        SqliteStatement::Prepare(db_,
                                 std::string("INSERT INTO reports (") + kReportColumns +
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                     "?12, ?13, ?14, 0)",
                                 what));
    RETURN_IF_ERROR(insert.BindText(1, report.collector));
    RETURN_IF_ERROR(insert.BindText(2, report.manifest_key));
    RETURN_IF_ERROR(insert.BindText(3, report.checksum));
    RETURN_IF_ERROR(insert.BindText(4, report.account));
    RETURN_IF_ERROR(insert.BindText(5, report.region));
    RETURN_IF_ERROR(insert.BindText(6, report.bucket));
    RETURN_IF_ERROR(insert.BindText(7, report.dt));
    RETURN_IF_ERROR(insert.BindText(8, report.config_id));
    RETURN_IF_ERROR(insert.BindInt64(9, report.creation_ms));
    RETURN_IF_ERROR(insert.BindInt64(10, report.rows));
    RETURN_IF_ERROR(insert.BindInt64(11, report.bytes));
    RETURN_IF_ERROR(insert.BindText(12, report.part_key));
    RETURN_IF_ERROR(insert.BindInt64(13, report.registered_at_ms));
    RETURN_IF_ERROR(insert.BindText(14, report.superseded_by));
    return insert.Step().status();
  });
  RETURN_IF_ERROR(st);
  return outcome;
}

Status Catalog::MarkPartDeleted(const RegisteredReport& report) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "mark part " + report.part_key + " deleted in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement s,
                   SqliteStatement::Prepare(db_,
                                            "UPDATE reports SET part_deleted = 1 WHERE "
                                            "collector = ?1 AND manifest_key = ?2",
                                            what));
  RETURN_IF_ERROR(s.BindText(1, report.collector));
  RETURN_IF_ERROR(s.BindText(2, report.manifest_key));
  return s.Step().status();
}

Result<std::vector<RegisteredReport>> Catalog::SelectReports(std::string_view where) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "list reports in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement s,
                   SqliteStatement::Prepare(db_,
                                            std::string("SELECT ") + kReportColumns +
                                                " FROM reports " + std::string(where) +
                                                " ORDER BY dt, account, region, bucket, "
                                                "creation_ms, manifest_key, collector",
                                            what));
  return s.ReadAll(ReadReport);
}

Result<std::vector<RegisteredReport>> Catalog::PendingPartDeletes() {
  return SelectReports("WHERE superseded_by != '' AND part_deleted = 0");
}

Result<std::vector<RegisteredReport>> Catalog::Reports() { return SelectReports(""); }

Status Catalog::Quarantine(std::string_view collector, std::string_view manifest_key,
                           std::string_view reason) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "quarantine report " + std::string(manifest_key) + " in " + path_;
  return config::InWriteTransaction(db_, what, [&]() -> Status {
    ASSIGN_OR_RETURN(ReportState state, LookupLocked(collector, manifest_key));
    if (state != ReportState::kUnknown) return Status::OK();
    ASSIGN_OR_RETURN(SqliteStatement s,
                     SqliteStatement::Prepare(db_,
                                              "INSERT INTO quarantine (collector, manifest_key, "
                                              "reason, quarantined_at_ms) VALUES (?1, ?2, ?3, ?4)",
                                              what));
    RETURN_IF_ERROR(s.BindText(1, collector));
    RETURN_IF_ERROR(s.BindText(2, manifest_key));
    RETURN_IF_ERROR(s.BindText(3, reason));
    RETURN_IF_ERROR(s.BindInt64(4, clock_->NowMillis()));
    return s.Step().status();
  });
}

Result<std::vector<QuarantinedReport>> Catalog::Quarantined() {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "list quarantine in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement s,
                   SqliteStatement::Prepare(db_,
                                            "SELECT collector, manifest_key, reason, "
                                            "quarantined_at_ms FROM quarantine ORDER BY "
                                            "quarantined_at_ms, collector, manifest_key",
                                            what));
  return s.ReadAll([](const config::SqliteStatement& row) {
    return QuarantinedReport{row.Text(0), row.Text(1), row.Text(2), row.Int64(3)};
  });
}

}  // namespace stocktake::reg
