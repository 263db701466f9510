#include "config/sqlite_statement.h"

#include <utility>

#include <sqlite3.h>

namespace stocktake::config {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Unavailable(std::move(msg));
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_PERM || primary == SQLITE_READONLY) {
    return PermissionDenied(std::move(msg));
  }
  return IOError(std::move(msg));
}

Status SqliteExec(sqlite3* db, std::string_view sql, std::string_view what) {
  int rc = sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, what);
  return Status::OK();
}

Result<SqliteStatement> SqliteStatement::Prepare(sqlite3* db, std::string_view sql,
                                                 std::string what) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteError(db, rc, what);
  }
  return SqliteStatement(db, stmt, std::move(what));
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), what_(std::move(other.what_)) {}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

Status SqliteStatement::Check(int rc) const {
  if (rc == SQLITE_OK) return Status::OK();
  return SqliteError(db_, rc, what_);
}

Status SqliteStatement::BindText(int index, std::string_view text) {
  // A null pointer would bind SQL NULL; an empty view must stay ''.
  const char* data = text.data() != nullptr ? text.data() : "";
  return Check(
      sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()), SQLITE_TRANSIENT));
}

Status SqliteStatement::BindOptionalText(int index, const std::optional<std::string>& text) {
  if (!text) return Check(sqlite3_bind_null(stmt_, index));
  return BindText(index, *text);
}

Status SqliteStatement::BindInt64(int index, int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value));
}

Result<bool> SqliteStatement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, what_);
}

std::string SqliteStatement::Text(int column) const {
  return OptionalText(column).value_or("");
}

std::optional<std::string> SqliteStatement::OptionalText(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

int64_t SqliteStatement::Int64(int column) const { return sqlite3_column_int64(stmt_, column); }

}  // namespace stocktake::config
