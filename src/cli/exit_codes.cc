#include "cli/exit_codes.h"

namespace stocktake::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Code::kOk: return kExitOk;
    case Code::kInvalidArgument: return kExitUsage;
    case Code::kNotFound: return 3;
    case Code::kPermissionDenied: return 4;
    case Code::kUnavailable: return 5;
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition: return 6;
    case Code::kCancelled: return 130;
    case Code::kCorruption:
    case Code::kIOError:
    case Code::kInternal: return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace stocktake::cli
