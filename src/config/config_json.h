// JSON form of an inventory configuration: the shape the AWS CLI takes in
// `aws s3api put-bucket-inventory-configuration --inventory-configuration
// file://x.json` (botocore member names: S3BucketDestination, SSES3, SSEKMS;
// docs/config.md), and one entry point that accepts either XML or JSON.
//
// Parsing is as strict as the XML parser and fails with the same S3 error
// classes (config_error.h): MalformedXML for bad syntax, unknown keys, wrong
// JSON types, missing required members and unknown OptionalFields;
// InvalidArgument for a value outside the Format, IncludedObjectVersions or
// Frequency enum. JSON is always the AWS shape, whatever the profile. Pure
// functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "config/inventory_config.h"

namespace stocktake::config {

// Parses the CLI shape. The object `aws s3api get-bucket-inventory-configuration`
// prints, {"InventoryConfiguration": {...}}, is accepted as well.
Result<InventoryConfig> ParseInventoryConfigJson(std::string_view json);

// Writes the CLI shape (bare, no wrapper), indented by four spaces like the
// AWS CLI, ending in a newline. ParseInventoryConfigJson reads it back.
std::string WriteInventoryConfigJson(const InventoryConfig& config);

// Parses XML (first non-blank character '<', in the dialect of `profile`) or
// JSON ('{'); anything else is MalformedXML.
Result<InventoryConfig> ParseInventoryConfigText(std::string_view text, Profile profile);

}  // namespace stocktake::config
