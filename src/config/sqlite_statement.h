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
#include <type_traits>
#include <vector>

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
  // Binds `values` to parameters 1, 2, ... in order: integers (and bool) as
  // INTEGER, std::optional<std::string> as text or NULL, anything that
  // converts to std::string_view as text. Stops at the first failure.
  template <typename... Values>
  Status Bind(const Values&... values);

  // Advances: true when a row is ready, false when done.
  Result<bool> Step();

  // Steps through every remaining row and returns read(*this) for each.
  // `read` returns a T, or a Result<T> whose first error ends the walk.
  template <typename Read>
  auto ReadAll(Read&& read);

  // Column accessors for the current row (0-based). NULL text reads as "".
  std::string Text(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  int64_t Int64(int column) const;

 private:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string what)
      : db_(db), stmt_(stmt), what_(std::move(what)) {}
  Status Check(int rc) const;
  template <typename T>
  Status BindOne(int index, const T& value);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string what_;
};

namespace internal {
template <typename T>
struct RowType {
  using type = T;
};
template <typename T>
struct RowType<Result<T>> {
  using type = T;
};
}  // namespace internal

template <typename Read>
auto SqliteStatement::ReadAll(Read&& read) {
  using Returned = std::invoke_result_t<Read&, SqliteStatement&>;
  using T = typename internal::RowType<Returned>::type;
  return [&]() -> Result<std::vector<T>> {
    std::vector<T> out;
    for (;;) {
      ASSIGN_OR_RETURN(bool row, Step());
      if (!row) return out;
      if constexpr (std::is_same_v<Returned, T>) {
        out.push_back(read(*this));
      } else {
        ASSIGN_OR_RETURN(T value, read(*this));
        out.push_back(std::move(value));
      }
    }
  }();
}

template <typename T>
Status SqliteStatement::BindOne(int index, const T& value) {
  if constexpr (std::is_same_v<T, std::optional<std::string>>) {
    return BindOptionalText(index, value);
  } else if constexpr (std::is_integral_v<T>) {
    return BindInt64(index, static_cast<int64_t>(value));
  } else {
    return BindText(index, std::string_view(value));
  }
}

template <typename... Values>
Status SqliteStatement::Bind(const Values&... values) {
  Status status;
  int index = 0;
  ((status = status.ok() ? BindOne(++index, values) : status), ...);
  return status;
}

}  // namespace stocktake::config
