// Validation of inventory configurations under a profile (s3 or obs), per
// "Our validation rules" and "OBS differences" in spec §1 of
// ../shared/spec/inventory-spec.md; summarised in docs/config.md.
//
// Three groups of rules, each a separate call because each needs different
// inputs:
//   ValidateConfig          one configuration on its own;
//   ValidateAgainstExisting the bucket's set of configurations (limits, OBS
//                           prefix overlap); ConfigStore runs it inside its
//                           write transaction;
//   ValidateDestination     facts about the source and destination buckets,
//                           supplied by the caller through BucketDirectory
//                           (this layer has no store access).
// Failures are ConfigError statuses (config_error.h), mostly InvalidArgument.
// Pure functions, thread-safe (BucketDirectory implementations must be
// safe to call from the calling thread).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/inventory_config.h"

namespace stocktake::config {

// At most 64 characters from [A-Za-z0-9._-], not empty.
bool IsValidConfigId(std::string_view id);
// S3 general-purpose bucket naming: 3-63 of [a-z0-9.-], starting and ending
// with a letter or digit, no "..", not an IPv4 address, no reserved prefix
// ("xn--", "sthree-") or suffix ("-s3alias", "--ol-s3").
bool IsValidBucketName(std::string_view name);
// 1,000 for s3, 10 for obs.
int MaxConfigsPerBucket(Profile profile);

// Rules on one configuration: Id syntax and, when `expected_id` is not
// empty, equality with it (the ?id= of the request); destination bucket (an
// S3 ARN of a valid name for s3; a valid name, plain or ARN, for obs);
// AccountId of 12 digits; SSE-KMS with a KeyId; OptionalFields from the
// allowed set. obs adds: CSV only, SSE-KMS only, no AccountId, OBS's field
// subset. Returns the first broken rule.
Status ValidateConfig(const InventoryConfig& config, Profile profile,
                      std::string_view expected_id = {});

// What the set rules need to know about a configuration.
struct ConfigSummary {
  std::string id;
  std::optional<std::string> filter_prefix;  // nullopt: whole bucket
};
ConfigSummary Summarize(const InventoryConfig& config);

// Rules on adding `incoming` to a bucket that holds `existing`. An existing
// entry with incoming's id is being replaced, so it counts neither towards
// the limit nor as an overlap. s3: at most 1,000 configurations
// (TooManyConfigurations). obs: at most 10 (InventoryCountOverLimit), and no
// filter prefix may be a string prefix of another, a missing or empty filter
// counting as the prefix "" (PrefixExistInclusionRelationship).
Status ValidateAgainstExisting(const ConfigSummary& incoming,
                               const std::vector<ConfigSummary>& existing, Profile profile);

// Facts about a bucket. An empty region or owner means "unknown" and is
// never compared.
struct BucketFacts {
  std::string region;
  std::string owner_account;
  bool default_encryption = false;
};

// Supplies bucket facts, e.g. from an ObjectStore. Implementations return
// NotFound for a bucket that does not exist; any other failure is passed on
// unchanged by ValidateDestination.
class BucketDirectory {
 public:
  virtual ~BucketDirectory() = default;
  virtual Result<BucketFacts> Describe(std::string_view bucket) const = 0;
};

// Rules needing the buckets themselves: the destination exists and is in the
// source's region; s3: a given AccountId equals the destination owner; obs:
// the destination has the source's owner and no default encryption.
// `directory` is only used during the call.
Status ValidateDestination(const InventoryConfig& config, std::string_view source_bucket,
                           const BucketDirectory& directory, Profile profile);

}  // namespace stocktake::config
