// The state database <state_dir>/stocktake.db shared by ConfigStore and
// RunStore: opening it (WAL, busy timeout) and migrating its schema, which is
// versioned with PRAGMA user_version (layout in docs/config.md). Each store
// holds its own connection, so one process may open the file several times
// and other processes may share it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct sqlite3;

namespace stocktake::config {

// 1: inventory_configs. 2: runs (report run history).
inline constexpr int kStateSchemaVersion = 2;
inline constexpr std::string_view kStateDatabaseFile = "stocktake.db";

// A SQLite file of the state folder and how to build its schema.
struct DatabaseSchema {
  std::string_view file;  // name inside the state folder
  // migrations[i] takes the schema from version i to i + 1 (PRAGMA
  // user_version); the newest version is migrations.size().
  std::vector<std::string_view> migrations;
  bool synchronous_full = false;  // FULL: survives a power cut, not only a crash
  int busy_timeout_ms = 10000;
};

// Opens <state_dir>/<schema.file> (creating the folder and file as needed)
// in WAL mode and migrates it in one write transaction; the caller owns the
// connection (sqlite3_close). IOError/PermissionDenied when the file can't
// be opened; FailedPrecondition when a newer program wrote it.
Result<sqlite3*> OpenDatabase(const std::string& state_dir, const DatabaseSchema& schema,
                              std::string* path);

// OpenDatabase for stocktake.db (configs and runs).
Result<sqlite3*> OpenStateDatabase(const std::string& state_dir, std::string* path);

// Runs `body` between BEGIN IMMEDIATE and COMMIT; rolls back when it fails.
template <typename Fn>
Status InWriteTransaction(sqlite3* db, const std::string& what, Fn body);

}  // namespace stocktake::config

#include "config/sqlite_statement.h"

namespace stocktake::config {

template <typename Fn>
Status InWriteTransaction(sqlite3* db, const std::string& what, Fn body) {
  RETURN_IF_ERROR(SqliteExec(db, "BEGIN IMMEDIATE", what));
  Status st = body();
  if (st.ok()) st = SqliteExec(db, "COMMIT", what);
  if (!st.ok()) SqliteExec(db, "ROLLBACK", what).IgnoreError();
  return st;
}

}  // namespace stocktake::config
