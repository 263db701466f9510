// XML forms of inventory configurations: the AWS S3 dialect and the Huawei
// OBS dialect (docs/config.md; spec §1 of ../shared/spec/inventory-spec.md).
//
// Parsing is strict: unknown or repeated elements, stray text, a missing
// required element, an unknown OptionalFields/Field or a non-boolean
// IsEnabled fail with MalformedXML; a Format, IncludedObjectVersions or
// Frequency outside its enum fails with InvalidArgument (config_error.h).
// Element order is free on input. Writing uses the element order AWS (or OBS)
// emits in its GET responses, so output compares equal to theirs. Rule checks
// (id syntax, ARN, limits) are validate.h's job. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/inventory_config.h"

namespace stocktake::config {

inline constexpr std::string_view kS3XmlNamespace = "http://s3.amazonaws.com/doc/2006-03-01/";
// "http://obs.<region>.myhuaweicloud.com/doc/2015-06-30/"
std::string ObsXmlNamespace(std::string_view region);

struct XmlWriteOptions {
  Profile profile = Profile::kS3;
  // OBS only: the region in the namespace; empty writes no xmlns attribute.
  std::string obs_region;
  // Pretty-print with two-space indentation (for people); default is the
  // compact single line a server returns.
  bool indent = false;
};

// One page of ListBucketInventoryConfigurations. OBS lists have no tokens.
struct InventoryConfigList {
  std::vector<InventoryConfig> configs;
  std::string continuation_token;  // echo of the request's token; empty: none
  bool is_truncated = false;
  std::string next_continuation_token;  // set when is_truncated
  bool operator==(const InventoryConfigList&) const = default;
};

// Parses an <InventoryConfiguration> document in the dialect of `profile`.
// In the OBS dialect Bucket may be a plain name or an ARN.
Result<InventoryConfig> ParseInventoryConfigXml(std::string_view xml, Profile profile);

// Writes `config` in the dialect of options.profile. The OBS dialect has no
// AccountId and drops it (validation rejects it for OBS first); it writes the
// plain bucket name, AWS writes Destination::BucketArn().
std::string WriteInventoryConfigXml(const InventoryConfig& config,
                                    const XmlWriteOptions& options = {});

// AWS root ListInventoryConfigurationsResult (ContinuationToken, flattened
// InventoryConfiguration..., IsTruncated, NextContinuationToken); OBS root
// ListInventoryConfiguration holding only the configurations.
Result<InventoryConfigList> ParseInventoryListXml(std::string_view xml, Profile profile);
std::string WriteInventoryListXml(const InventoryConfigList& list,
                                  const XmlWriteOptions& options = {});

}  // namespace stocktake::config
