// Catalog: the register's record of every report it has consolidated and
// every report it refused, in the SQLite database <state_dir>/register.db
// (schema in docs/register.md).
//
// A report is identified by (collector id, manifest.json key); registering
// or quarantining the same report again is a no-op, which is what makes
// replayed and duplicated events harmless. Each central partition
// (dt, account, region, bucket) has at most one current report: Commit
// decides, inside one write transaction, whether the new report replaces the
// current one (newer creation time; ties broken by manifest key, then
// collector) or is itself superseded, and returns the part objects that
// are no longer wanted. Those are deleted after the commit and marked with
// MarkPartDeleted; PendingPartDeletes lists the ones a crash left behind.
//
// Thread-safe: one connection behind a mutex; WAL mode with a busy timeout,
// so other processes may read the file. Errors name the database path;
// a lock held past the timeout is Unavailable.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

struct sqlite3;

namespace stocktake::reg {

struct RegisteredReport {
  std::string collector;     // Collector::Id()
  std::string manifest_key;  // key of manifest.json inside the collector
  std::string checksum;      // MD5 hex of manifest.json
  std::string account;
  std::string region;
  std::string bucket;        // source bucket
  std::string dt;            // YYYY-MM-DD
  std::string config_id;
  int64_t creation_ms = 0;   // scan start
  int64_t rows = 0;
  int64_t bytes = 0;         // size of the part object
  std::string part_key;      // key of the part in the central bucket
  int64_t registered_at_ms = 0;
  std::string superseded_by;  // manifest key of the report that replaced it; "" = current
  bool part_deleted = false;
};

struct QuarantinedReport {
  std::string collector;
  std::string manifest_key;
  std::string reason;
  int64_t quarantined_at_ms = 0;
};

enum class ReportState { kUnknown, kRegistered, kQuarantined };

struct CommitOutcome {
  bool already_known = false;  // the report was registered or quarantined before: nothing changed
  bool current = false;        // the report is now its partition's current one
  // Parts to delete after the commit (the replaced report's, or the new
  // report's own when a newer one is current), as (collector, manifest key, part key).
  std::vector<RegisteredReport> stale;
};

class Catalog {
 public:
  static constexpr std::string_view kDatabaseFile = "register.db";
  static constexpr int kSchemaVersion = 1;

  // Opens (creating) <state_dir>/register.db. IOError/PermissionDenied when
  // it cannot be opened; FailedPrecondition for a newer schema. `clock`
  // stamps registered_at and must outlive the catalog.
  static Result<std::unique_ptr<Catalog>> Open(const std::string& state_dir, const Clock* clock);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::string& path() const { return path_; }

  Result<ReportState> Lookup(std::string_view collector, std::string_view manifest_key);
  // Registers `report` (registered_at, superseded_by and part_deleted are
  // set here) and settles its partition; see the class comment.
  Result<CommitOutcome> Commit(RegisteredReport report);
  // Records that `report`'s part object is gone.
  Status MarkPartDeleted(const RegisteredReport& report);
  // Superseded reports whose part may still exist.
  Result<std::vector<RegisteredReport>> PendingPartDeletes();
  // Quarantines a report with its reason; a no-op when already known.
  Status Quarantine(std::string_view collector, std::string_view manifest_key,
                    std::string_view reason);

  // Every registered report, by dt, account, region, bucket, creation time.
  Result<std::vector<RegisteredReport>> Reports();
  // Every quarantined report, oldest first.
  Result<std::vector<QuarantinedReport>> Quarantined();

 private:
  Catalog(sqlite3* db, std::string path, const Clock* clock)
      : db_(db), path_(std::move(path)), clock_(clock) {}
  Result<ReportState> LookupLocked(std::string_view collector, std::string_view manifest_key);
  Result<std::vector<RegisteredReport>> SelectReports(std::string_view where);

  std::mutex mu_;
  sqlite3* db_;
  const std::string path_;
  const Clock* clock_;
};

}  // namespace stocktake::reg
