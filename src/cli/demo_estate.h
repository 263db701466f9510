// DemoEstate: builds the sample estate `stocktake demo` inventories — the
// AWS seed's multi-account, multi-region picture on local folders:
//   <root>/<region>/<account>/<bucket>/<key>
// so that each <root>/<region>/<account> folder is one LocalStore (one
// account's buckets in one region; its top-level folders are the buckets).
// Together ~`objects` objects of varied sizes (a few large sparse files),
// modification dates spread over three years, nested prefixes and awkward
// names (spaces, '+', '%', quotes, unicode, emoji, S3-order traps like
// a-b / a/b / a0). Deterministic: the same seed and size give the same tree.
// Files are written straight to the filesystem: the estate is the user's
// data, not stocktake's storage. Plain functions; the build uses its own
// worker threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace stocktake::cli {

struct DemoBucket {
  std::string account;  // 12-digit account id
  std::string region;
  std::string name;  // unique across the estate, as S3 bucket names are
  int64_t objects = 0;
  int64_t bytes = 0;
};

struct DemoEstateOptions {
  std::string root;          // created if missing
  int64_t objects = 100000;  // total across buckets, approximately
  int threads = 4;
  uint64_t seed = 20261128;
  std::function<void(int64_t done)> progress;
};

// The account that owns the collectors and the central store (the seed's
// central account); the other accounts deliver into its collectors.
inline constexpr char kDemoCentralAccount[] = "111122223333";
// The central region (the seed's Ireland).
inline constexpr char kDemoCentralRegion[] = "eu-west-1";

// The estate's regions, in order.
const std::vector<std::string>& DemoRegions();

// The collector bucket of `region`: "inventory-<region>" (the seed's
// collectors are the buckets whose names start with "inventory").
std::string DemoCollectorBucket(const std::string& region);

// The folder holding one account's buckets in one region.
std::string DemoSourceRoot(const std::string& root, const std::string& region,
                           const std::string& account);

// Creates the estate unless `root` already holds one made with the same
// options (a marker file records them); an older demo estate there is
// replaced. Returns every source bucket, ordered by account, region, name.
// Errors name the file or folder that could not be written.
Result<std::vector<DemoBucket>> BuildDemoEstate(const DemoEstateOptions& options);

}  // namespace stocktake::cli
