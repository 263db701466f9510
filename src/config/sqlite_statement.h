// Thin Status-returning wrappers over the SQLite C API, for ConfigStore.
//
// SqliteStatement owns one prepared statement and finalizes it on
// destruction; it must not outlive its connection. Not thread-safe: callers
// serialise use of the connection. Failures name the database path and the
// operation; SQLITE_BUSY/SQLITE_LOCKED (the busy timeout ran out) map to
// Unavailable, everything else to IOError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace stocktake::config {

// The Status for SQLite result code `rc` on connection `db` (may be null).
Status SqliteError(sqlite3* db, int rc, std::string_view what);

// Runs one or more statements that return no rows we need.
Status SqliteExec(sqlite3* db, std::string_view sql, std::string_view what);

class SqliteStatement {
 public:
  // `what` names the operation in messages ("list configs in /x/stocktake.db").
  static Result<SqliteStatement> Prepare(sqlite3* db, std::string_view sql, std::string what);
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Bind parameter `index` (1-based). Text is copied by SQLite.
  Status BindText(int index, std::string_view text);
  Status BindOptionalText(int index, const std::optional<std::string>& text);
  Status BindInt64(int index, int64_t value);

  // Advances: true when a row is ready, false when done.
  Result<bool> Step();

  // Column accessors for the current row (0-based). NULL text reads as "".
  std::string Text(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  int64_t Int64(int column) const;

 private:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string what)
      : db_(db), stmt_(stmt), what_(std::move(what)) {}
  Status Check(int rc) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string what_;
};

}  // namespace stocktake::config
