#include "base/status.h"

#include <cerrno>
#include <cstring>

namespace stocktake {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kNotFound: return "NotFound";
    case Code::kInvalidArgument: return "InvalidArgument";
    case Code::kPermissionDenied: return "PermissionDenied";
    case Code::kCorruption: return "Corruption";
    case Code::kIOError: return "IOError";
    case Code::kUnavailable: return "Unavailable";
    case Code::kCancelled: return "Cancelled";
    case Code::kInternal: return "Internal";
    case Code::kAlreadyExists: return "AlreadyExists";
    case Code::kFailedPrecondition: return "FailedPrecondition";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message_;
  return Status(code_, std::move(msg));
}

Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
Status InvalidArgument(std::string msg) { return Status(Code::kInvalidArgument, std::move(msg)); }
Status PermissionDenied(std::string msg) { return Status(Code::kPermissionDenied, std::move(msg)); }
Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
Status Cancelled(std::string msg) { return Status(Code::kCancelled, std::move(msg)); }
Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
Status AlreadyExists(std::string msg) { return Status(Code::kAlreadyExists, std::move(msg)); }
Status FailedPrecondition(std::string msg) {
  return Status(Code::kFailedPrecondition, std::move(msg));
}

Status ErrnoStatus(std::string_view what, int err) {
  std::string msg(what);
  msg += ": ";
  msg += std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return NotFound(std::move(msg));
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDenied(std::move(msg));
    default:
      return IOError(std::move(msg));
  }
}

bool IsRetryable(const Status& status) { return status.code() == Code::kUnavailable; }

}  // namespace stocktake
