// `stocktake register --status`: the catalog as text on stdout — the
// current report of every partition, the lag of every bucket (now minus
// its newest report's scan start), and the quarantine with reasons.
// A report regenerated at the same manifest key counts as a report of its
// own (the older content superseded); `checksum` (MD5 of manifest.json, or
// the refused marker's text) tells them apart. A quarantine entry lasts
// until a good report is registered at its key.
// Layout (tab-separated columns under a header line per section):
//   reports: N registered (C current, S superseded)
//   dt account region bucket rows bytes config registered_at manifest checksum
//   lag: B buckets
//   account region bucket newest_report lag
//   quarantine: Q reports
//   quarantined_at collector manifest checksum reason
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
