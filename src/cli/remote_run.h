// `stocktake run --remote URL --bucket B --id ID`: asks a running
// `stocktake serve` to run one configuration now (POST /_stocktake/run,
// SigV4-signed with the AWS credentials of the environment or --profile) and
// waits until the report is delivered, then prints where it is.
#pragma once

#include <string>

#include "base/status.h"
#include "cli/store_options.h"

namespace stocktake::cli {

// Prints "B/ID: N objects, X -> <manifest url>" on success. Errors map to
// exit codes: NotFound (no such bucket or configuration), PermissionDenied
// (unknown key, wrong secret, not the owner), Unavailable (daemon down or
// stopping), InvalidArgument (bad URL), Internal for a failed run, each with
// a one-line message.
Status RunRemote(const std::string& url, const std::string& bucket, const std::string& id,
                 const StoreFlags& flags);

}  // namespace stocktake::cli
