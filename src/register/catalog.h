// Catalog: the register's record of every report it has consolidated and
// every report it refused, in the SQLite database <state_dir>/register.db
// (schema v2 in docs/register.md; a v1 file is migrated when opened).
//
// A report is identified by its content: (collector id, manifest.json key,
// MD5 of manifest.json). A report regenerated at the same key (a second run
// in the same minute, a rewritten report) is a new report; registering or
// quarantining the same content again is a no-op, which is what makes
// replayed and duplicated events harmless. Per manifest key the catalog
// also keeps the completion marker (manifest.checksum, or manifest.json in
// the OBS dialect) it last handled: the marker's checksum and its listing
// stamp (size, last modified, ETag), so that reconciliation notices a
// rewritten report from a listing alone.
//
// Each central partition (dt, account, region, bucket) has at most one
// current report: Commit decides, inside one write transaction, whether the
// new report replaces the current one (newer creation time; ties broken by
// manifest key, then collector; a report regenerated at the same key with
// the same creation time replaces the one read there before) or is itself
// superseded, and
// returns the part objects that are no longer wanted. Those are deleted
// after the commit and marked with MarkPartDeleted; PendingPartDeletes
// lists the ones a crash left behind. A manifest key has at most one
// quarantine entry, for the content last refused there; registering a new
// content at that key removes it.
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
  // Manifest key of the report that replaced it ("" = current); the report's
  // own key when a report regenerated at the same key replaced it.
  std::string superseded_by;
  bool part_deleted = false;
};

struct QuarantinedReport {
  std::string collector;
  std::string manifest_key;
  std::string checksum;  // the refused content's marker checksum ("" = from a v1 catalog)
  std::string reason;
  int64_t quarantined_at_ms = 0;
};

// What a listing shows of a completion marker, to notice a rewrite without
// reading it. Recorded from a Head taken before the report is read, so a
// rewrite racing the ingest makes the stamps differ (an extra check) and
// is never missed.
struct MarkerStamp {
  int64_t size = -1;  // -1: unknown (a v1 catalog's reports): never matches
  int64_t last_modified_ms = 0;
  std::string etag;  // "" when the store does not say (local listings)

  // True when `listed` shows the same object: equal sizes, and equal ETags
  // and times in the same second when both sides have an ETag (S3, whose
  // HEAD gives whole seconds and whose listing gives millis), else equal
  // times to the millisecond (local listings have no ETag).
  bool Matches(const MarkerStamp& listed) const;
};

enum class ReportState { kUnknown, kRegistered, kQuarantined };

// What the catalog knows of one manifest key.
struct KeyState {
  bool known = false;    // a report was registered or quarantined at this key
  std::string checksum;  // marker checksum of the content last handled there
  MarkerStamp stamp;     // the marker's stamp when last handled
  ReportState state = ReportState::kUnknown;  // of that content
};

struct CommitOutcome {
  bool already_known = false;  // the report was registered or quarantined before: nothing changed
  bool current = false;        // the report is now its partition's current one
  // Parts to delete after the commit (the replaced report's, or the new
  // report's own when a newer one is current).
  std::vector<RegisteredReport> stale;
};

class Catalog {
 public:
  static constexpr std::string_view kDatabaseFile = "register.db";
  // 1: reports keyed by (collector, manifest key). 2: keyed by content too,
  // quarantine checksum, markers.
  static constexpr int kSchemaVersion = 2;

  // Opens (creating, or migrating an older schema in one transaction)
  // <state_dir>/register.db. IOError/PermissionDenied when it cannot be
  // opened; FailedPrecondition for a newer schema. `clock` stamps
  // registered_at and quarantined_at and must outlive the catalog.
  static Result<std::unique_ptr<Catalog>> Open(const std::string& state_dir, const Clock* clock);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  const std::string& path() const { return path_; }

  // The state of one content: the report (collector, manifest_key) whose
  // marker checksum is `checksum`.
  Result<ReportState> Lookup(std::string_view collector, std::string_view manifest_key,
                             std::string_view checksum);
  // What is known of a manifest key (known == false: never seen).
  Result<KeyState> LookupKey(std::string_view collector, std::string_view manifest_key);
  // Registers `report` (registered_at, superseded_by and part_deleted are
  // set here), records `marker` as its key's stamp, drops the key's
  // quarantine entry and settles its partition; see the class comment.
  // A content registered or quarantined before changes nothing.
  Result<CommitOutcome> Commit(RegisteredReport report, const MarkerStamp& marker);
  // Records that `report`'s part object is gone.
  Status MarkPartDeleted(const RegisteredReport& report);
  // Superseded reports whose part may still exist.
  Result<std::vector<RegisteredReport>> PendingPartDeletes();
  // Quarantines the content `checksum` at a key with its reason, replacing
  // the key's earlier quarantine entry; a no-op when that content is
  // already registered or quarantined.
  Status Quarantine(std::string_view collector, std::string_view manifest_key,
                    std::string_view checksum, std::string_view reason,
                    const MarkerStamp& marker);
  // Records that the key's marker, whose checksum is `checksum`, now lists
  // as `stamp` (a rewrite with the same content, or a v1 catalog's first
  // reconciliation).
  Status RecordStamp(std::string_view collector, std::string_view manifest_key,
                     std::string_view checksum, const MarkerStamp& stamp);

  // Every registered report, by dt, account, region, bucket, creation time.
  Result<std::vector<RegisteredReport>> Reports();
  // Every quarantined report, oldest first.
  Result<std::vector<QuarantinedReport>> Quarantined();

 private:
  Catalog(sqlite3* db, std::string path, const Clock* clock)
      : db_(db), path_(std::move(path)), clock_(clock) {}
  Result<ReportState> LookupLocked(std::string_view collector, std::string_view manifest_key,
                                   std::string_view checksum);
  Status PutMarkerLocked(std::string_view collector, std::string_view manifest_key,
                         std::string_view checksum, const MarkerStamp& stamp,
                         const std::string& what);
  Result<std::vector<RegisteredReport>> SelectReports(std::string_view where);

  std::mutex mu_;
  sqlite3* db_;
  const std::string path_;
  const Clock* clock_;
};

}  // namespace stocktake::reg
