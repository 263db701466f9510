#include "config/state_database.h"

#include <filesystem>
#include <system_error>

#include <sqlite3.h>

namespace stocktake::config {
namespace {

constexpr int kBusyTimeoutMs = 5000;

constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS inventory_configs (
  store_id      TEXT    NOT NULL,
  bucket        TEXT    NOT NULL,
  config_id     TEXT    NOT NULL,
  profile       TEXT    NOT NULL,
  filter_prefix TEXT,
  config_xml    TEXT    NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (store_id, bucket, config_id)
) WITHOUT ROWID;
)sql";

constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  run_id          INTEGER PRIMARY KEY AUTOINCREMENT,
  store_id        TEXT    NOT NULL,
  bucket          TEXT    NOT NULL,
  config_id       TEXT    NOT NULL,
  trigger         TEXT    NOT NULL,
  slot_ms         INTEGER NOT NULL,
  started_at_ms   INTEGER NOT NULL,
  ended_at_ms     INTEGER,
  status          TEXT    NOT NULL,
  objects         INTEGER NOT NULL DEFAULT 0,
  bytes           INTEGER NOT NULL DEFAULT 0,
  error           TEXT    NOT NULL DEFAULT '',
  report_location TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_by_config ON runs (store_id, bucket, config_id, slot_ms);
)sql";

Result<int64_t> UserVersion(sqlite3* db, const std::string& what) {
  ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::Prepare(db, "PRAGMA user_version", what));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int64(0) : int64_t{0};
}

Status Migrate(sqlite3* db, const std::string& path, const DatabaseSchema& schema) {
  const std::string what = "migrate " + path;
  const int64_t newest = static_cast<int64_t>(schema.migrations.size());
  return InWriteTransaction(db, what, [&]() -> Status {
    // The statement is finalized before the migrations run: an open one
    // would keep DROP TABLE from working ("database table is locked").
    ASSIGN_OR_RETURN(const int64_t version, UserVersion(db, what));
    if (version > newest) {
      return FailedPrecondition(what + ": schema version " + std::to_string(version) +
                                " is newer than this program's " + std::to_string(newest));
    }
    for (int64_t v = version; v < newest; ++v) {
      RETURN_IF_ERROR(SqliteExec(db, schema.migrations[static_cast<size_t>(v)], what));
    }
    if (version < newest) {
      RETURN_IF_ERROR(SqliteExec(db, "PRAGMA user_version = " + std::to_string(newest), what));
    }
    return Status::OK();
  });
}

}  // namespace

Result<sqlite3*> OpenDatabase(const std::string& state_dir, const DatabaseSchema& schema,
                              std::string* path) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) return ErrnoStatus("create state directory " + state_dir, ec.value());
  *path = state_dir + "/" + std::string(schema.file);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path->c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    Status st = SqliteError(db, rc, "open " + *path);
    sqlite3_close(db);
    return st;
  }
  sqlite3_busy_timeout(db, schema.busy_timeout_ms);
  const char* pragmas = schema.synchronous_full
                            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
  Status st = SqliteExec(db, pragmas, "set up " + *path);
  if (st.ok()) st = Migrate(db, *path, schema);
  if (!st.ok()) {
    sqlite3_close(db);
    return st;
  }
  return db;
}

Result<sqlite3*> OpenStateDatabase(const std::string& state_dir, std::string* path) {
  static_assert(kStateSchemaVersion == 2, "list every migration below");
  const DatabaseSchema schema{kStateDatabaseFile, {kSchemaV1, kSchemaV2},
                              /*synchronous_full=*/false, kBusyTimeoutMs};
  return OpenDatabase(state_dir, schema, path);
}

}  // namespace stocktake::config
