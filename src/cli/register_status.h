// `stocktake register --status`: the catalog as text on stdout — the
// current report of every partition, the lag of every bucket (now minus
// its newest report's scan start), and the quarantine with reasons.
// Layout (tab-separated columns under a header line per section):
//   reports: N registered (C current, S superseded)
//   dt account region bucket rows bytes config registered_at manifest
//   lag: B buckets
//   account region bucket newest_report lag
//   quarantine: Q reports
//   quarantined_at collector manifest reason
#pragma once

#include "base/clock.h"
#include "base/status.h"
#include "register/catalog.h"

namespace stocktake::cli {

// The catalog's errors unchanged.
Status PrintRegisterStatus(reg::Catalog* catalog, const Clock* clock);

// "45s", "12m05s", "3h04m", "2d03h".
std::string FormatLag(int64_t millis);

}  // namespace stocktake::cli
