#include "register/catalog.h"

#include <sqlite3.h>

#include <filesystem>
#include <tuple>

#include "config/sqlite_statement.h"
#include "config/state_database.h"
#include "register/catalog_schema.h"

namespace stocktake::reg {
namespace {

using config::SqliteExec;
using config::SqliteStatement;

constexpr int kBusyTimeoutMs = 10'000;

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
// the larger collector id, so every process picks the same winner whatever
// the order of arrival.
bool IsNewer(const RegisteredReport& a, const RegisteredReport& b) {
  return std::tie(a.creation_ms, a.manifest_key, a.collector) >
         std::tie(b.creation_ms, b.manifest_key, b.collector);
}

// Whether `arriving` replaces `current`: it is newer, or it is a report
// regenerated at the same key with the same scan start (an OBS report
// timed by its minute folder, a fixed report), which the register read
// from that key after `current`, so it is what the collector holds now.
bool Replaces(const RegisteredReport& arriving, const RegisteredReport& current) {
  return !IsNewer(current, arriving);
}

bool SameSecond(int64_t a_ms, int64_t b_ms) {
  auto floor_div = [](int64_t ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); };
  return floor_div(a_ms) == floor_div(b_ms);
}

}  // namespace

bool MarkerStamp::Matches(const MarkerStamp& listed) const {
  if (size < 0 || size != listed.size) return false;
  if (!etag.empty() && !listed.etag.empty()) {
    // S3: HEAD's Last-Modified has whole seconds, a listing's millis.
    return etag == listed.etag && SameSecond(last_modified_ms, listed.last_modified_ms);
  }
  return last_modified_ms == listed.last_modified_ms;
}

Result<std::unique_ptr<Catalog>> Catalog::Open(const std::string& state_dir, const Clock* clock) {
  std::string path;
  static_assert(kSchemaVersion == 2, "list every migration below");
  const config::DatabaseSchema schema{kDatabaseFile,
                                      {kCatalogSchemaV1, kCatalogMigrationV2},
                                      /*synchronous_full=*/true,
                                      kBusyTimeoutMs};
  ASSIGN_OR_RETURN(sqlite3* db, config::OpenDatabase(state_dir, schema, &path));
  return std::unique_ptr<Catalog>(new Catalog(db, path, clock));
}

Catalog::~Catalog() { sqlite3_close(db_); }

Result<ReportState> Catalog::Lookup(std::string_view collector, std::string_view manifest_key,
                                    std::string_view checksum) {
  std::lock_guard<std::mutex> lock(mu_);
  return LookupLocked(collector, manifest_key, checksum);
}

Result<ReportState> Catalog::LookupLocked(std::string_view collector,
                                          std::string_view manifest_key,
                                          std::string_view checksum) {
  const std::string what = "look up report " + std::string(manifest_key) + " in " + path_;
  for (const char* table : {"reports", "quarantine"}) {
    ASSIGN_OR_RETURN(SqliteStatement s,
                     SqliteStatement::Prepare(db_,
                                              std::string("SELECT 1 FROM ") + table +
                                                  " WHERE collector = ?1 AND manifest_key = ?2 "
                                                  "AND checksum = ?3",
                                              what));
    RETURN_IF_ERROR(s.Bind(collector, manifest_key, checksum));
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) {
      return std::string_view(table) == "reports" ? ReportState::kRegistered
                                                  : ReportState::kQuarantined;
    }
  }
  return ReportState::kUnknown;
}

Result<KeyState> Catalog::LookupKey(std::string_view collector, std::string_view manifest_key) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "look up manifest " + std::string(manifest_key) + " in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement s,
                   SqliteStatement::Prepare(db_,
                                            "SELECT checksum, size, last_modified_ms, etag FROM "
                                            "markers WHERE collector = ?1 AND manifest_key = ?2",
                                            what));
  RETURN_IF_ERROR(s.Bind(collector, manifest_key));
  ASSIGN_OR_RETURN(bool row, s.Step());
  KeyState key;
  if (!row) return key;
  key.known = true;
  key.checksum = s.Text(0);
  key.stamp = MarkerStamp{s.Int64(1), s.Int64(2), s.Text(3)};
  ASSIGN_OR_RETURN(key.state, LookupLocked(collector, manifest_key, key.checksum));
  return key;
}

Status Catalog::PutMarkerLocked(std::string_view collector, std::string_view manifest_key,
                                std::string_view checksum, const MarkerStamp& stamp,
                                const std::string& what) {
  ASSIGN_OR_RETURN(
      SqliteStatement s,
      SqliteStatement::Prepare(db_,
                               "INSERT OR REPLACE INTO markers (collector, manifest_key, checksum, "
                               "size, last_modified_ms, etag) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                               what));
  RETURN_IF_ERROR(s.Bind(collector, manifest_key, checksum, stamp.size, stamp.last_modified_ms,
                         stamp.etag));
  return s.Step().status();
}

Status Catalog::RecordStamp(std::string_view collector, std::string_view manifest_key,
                            std::string_view checksum, const MarkerStamp& stamp) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "record marker of " + std::string(manifest_key) + " in " + path_;
  return config::InWriteTransaction(db_, what, [&]() -> Status {
    return PutMarkerLocked(collector, manifest_key, checksum, stamp, what);
  });
}

Result<CommitOutcome> Catalog::Commit(RegisteredReport report, const MarkerStamp& marker) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "register report " + report.manifest_key + " in " + path_;
  CommitOutcome outcome;
  report.registered_at_ms = clock_->NowMillis();
  report.part_deleted = false;
  report.superseded_by.clear();
  Status st = config::InWriteTransaction(db_, what, [&]() -> Status {
    ASSIGN_OR_RETURN(ReportState state,
                     LookupLocked(report.collector, report.manifest_key, report.checksum));
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
    RETURN_IF_ERROR(select.Bind(report.dt, report.account, report.region, report.bucket));
    ASSIGN_OR_RETURN(bool has_current, select.Step());
    outcome.current = true;
    if (has_current) {
      RegisteredReport current = ReadReport(select);
      if (Replaces(report, current)) {
        ASSIGN_OR_RETURN(SqliteStatement update,
                         SqliteStatement::Prepare(db_,
                                                  "UPDATE reports SET superseded_by = ?4 WHERE "
                                                  "collector = ?1 AND manifest_key = ?2 AND "
                                                  "checksum = ?3",
                                                  what));
        RETURN_IF_ERROR(update.Bind(current.collector, current.manifest_key, current.checksum,
                                    report.manifest_key));
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
    RETURN_IF_ERROR(insert.Bind(report.collector, report.manifest_key, report.checksum,
                                report.account, report.region, report.bucket, report.dt,
                                report.config_id, report.creation_ms, report.rows, report.bytes,
                                report.part_key, report.registered_at_ms, report.superseded_by));
    RETURN_IF_ERROR(insert.Step().status());
    // The key now holds a good report: an earlier refusal there is over.
    ASSIGN_OR_RETURN(SqliteStatement unquarantine,
                     SqliteStatement::Prepare(db_,
                                              "DELETE FROM quarantine WHERE collector = ?1 AND "
                                              "manifest_key = ?2",
                                              what));
    RETURN_IF_ERROR(unquarantine.Bind(report.collector, report.manifest_key));
    RETURN_IF_ERROR(unquarantine.Step().status());
    return PutMarkerLocked(report.collector, report.manifest_key, report.checksum, marker, what);
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
                                            "collector = ?1 AND manifest_key = ?2 AND "
                                            "checksum = ?3",
                                            what));
  RETURN_IF_ERROR(s.Bind(report.collector, report.manifest_key, report.checksum));
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
                                                "creation_ms, manifest_key, collector, checksum",
                                            what));
  return s.ReadAll(ReadReport);
}

Result<std::vector<RegisteredReport>> Catalog::PendingPartDeletes() {
  return SelectReports("WHERE superseded_by != '' AND part_deleted = 0");
}

Result<std::vector<RegisteredReport>> Catalog::Reports() { return SelectReports(""); }

Status Catalog::Quarantine(std::string_view collector, std::string_view manifest_key,
                           std::string_view checksum, std::string_view reason,
                           const MarkerStamp& marker) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "quarantine report " + std::string(manifest_key) + " in " + path_;
  return config::InWriteTransaction(db_, what, [&]() -> Status {
    ASSIGN_OR_RETURN(ReportState state, LookupLocked(collector, manifest_key, checksum));
    if (state != ReportState::kUnknown) return Status::OK();
    ASSIGN_OR_RETURN(SqliteStatement s,
                     SqliteStatement::Prepare(db_,
                                              "INSERT OR REPLACE INTO quarantine (collector, "
                                              "manifest_key, checksum, reason, quarantined_at_ms) "
                                              "VALUES (?1, ?2, ?3, ?4, ?5)",
                                              what));
    RETURN_IF_ERROR(s.Bind(collector, manifest_key, checksum, reason, clock_->NowMillis()));
    RETURN_IF_ERROR(s.Step().status());
    return PutMarkerLocked(collector, manifest_key, checksum, marker, what);
  });
}

Result<std::vector<QuarantinedReport>> Catalog::Quarantined() {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string what = "list quarantine in " + path_;
  ASSIGN_OR_RETURN(SqliteStatement s,
                   SqliteStatement::Prepare(db_,
                                            "SELECT collector, manifest_key, checksum, "
                                            "reason, quarantined_at_ms FROM quarantine ORDER BY "
                                            "quarantined_at_ms, collector, manifest_key",
                                            what));
  return s.ReadAll([](const config::SqliteStatement& row) {
    return QuarantinedReport{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Int64(4)};
  });
}

}  // namespace stocktake::reg
