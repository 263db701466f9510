// The one table from Status codes to process exit codes, so scripts can
// tell usage errors from missing things from transient failures.
#pragma once

#include "base/status.h"

namespace stocktake::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // Internal, IOError, Corruption, ...
inline constexpr int kExitUsage = 2;    // bad flags or arguments (CLI parse, InvalidArgument)

// 0 for OK; 2 InvalidArgument; 3 NotFound; 4 PermissionDenied;
// 5 Unavailable; 6 AlreadyExists/FailedPrecondition; 130 Cancelled; else 1.
int ExitCodeFor(const Status& status);

}  // namespace stocktake::cli
