// Status and Result<T>: the only way fallible stocktake code reports failure.
//
// A Status is either OK or carries a Code plus a one-line message that names
// the operation and its target ("list s3://b/p: SlowDown (503)"). Result<T>
// holds either a value or a non-OK Status. Both are [[nodiscard]] values,
// cheap to move, and not thread-safe to mutate concurrently (like any value).
// IsRetryable() is the single place that decides whether a failure may be
// retried; only RetryingStore acts on it.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace stocktake {

enum class Code {
  kOk = 0,
  kNotFound,
  kInvalidArgument,
  kPermissionDenied,
  kCorruption,
  kIOError,
  kUnavailable,  // transient: throttling, 5xx, timeouts, resets
  kCancelled,
  kInternal,
  kAlreadyExists,
  kFailedPrecondition,
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NotFound: get local:/x/b/k: no such key"
  std::string ToString() const;
  // Returns a copy whose message is "context: message".
  Status WithContext(std::string_view context) const;
  // Explicitly ignores a status (e.g. best-effort cleanup).
  void IgnoreError() const {}

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

Status NotFound(std::string msg);
Status InvalidArgument(std::string msg);
Status PermissionDenied(std::string msg);
Status Corruption(std::string msg);
Status IOError(std::string msg);
Status Unavailable(std::string msg);
Status Cancelled(std::string msg);
Status Internal(std::string msg);
Status AlreadyExists(std::string msg);
Status FailedPrecondition(std::string msg);
// IOError from errno: "<what>: <strerror(err)>"; ENOENT maps to NotFound,
// EACCES/EPERM/EROFS to PermissionDenied.
Status ErrnoStatus(std::string_view what, int err);

// True for failures worth retrying (kUnavailable). The one retry predicate.
bool IsRetryable(const Status& status);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result from an OK status");
  }
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  // REQUIRES: ok().
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace stocktake

#define ST_CONCAT_INNER(a, b) a##b
#define ST_CONCAT(a, b) ST_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::stocktake::Status st_status_ = (expr);           \
    if (!st_status_.ok()) return st_status_;           \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(ST_CONCAT(st_result_, __LINE__), lhs, expr)
