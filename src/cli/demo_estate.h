// DemoEstate: builds the sample estate `stocktake demo` inventories — a local
// folder tree whose top-level folders are buckets, with ~100,000 objects of
// varied sizes (a few large sparse files), modification dates spread over
// three years, nested prefixes and awkward names (spaces, '+', '%', quotes,
// unicode, emoji, S3-order traps like a-b / a/b / a0). Deterministic: the
// same seed gives the same tree. Files are written straight to the
// filesystem: the estate is the user's data, not stocktake's storage.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace stocktake::cli {

struct DemoBucket {
  std::string name;
  int64_t objects = 0;
  int64_t bytes = 0;
};

struct DemoEstateOptions {
  std::string root;              // created if missing
  int64_t objects = 100000;      // total across buckets, approximately
  int threads = 4;
  uint64_t seed = 20261128;
  std::function<void(int64_t done)> progress;
};

// Creates the estate unless `root` already holds one made with the same
// options (a marker file records them). Returns the source buckets.
Result<std::vector<DemoBucket>> BuildDemoEstate(const DemoEstateOptions& options);

// The bucket that receives the reports (created empty).
inline constexpr char kDemoReportBucket[] = "inventory-reports";

}  // namespace stocktake::cli
