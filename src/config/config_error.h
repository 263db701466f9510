// S3 error codes carried by configuration failures.
//
// Parsing and validating an inventory configuration can fail in ways an S3
// client sees as distinct error codes (MalformedXML, InvalidArgument,
// TooManyConfigurations, ...). Rather than widen Status, the config layer
// returns an ordinary Status of code kInvalidArgument whose message starts
// with the S3 code:
//   "MalformedXML: unknown element 'Colour' in OptionalFields"
// The CLI prints the message as is; a daemon recovers the code with
// S3ErrorCodeOf() and maps it to the HTTP response (all of these are 400).
// A missing configuration is a plain NotFound status (S3: NoSuchConfiguration,
// 404). Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "base/status.h"

namespace stocktake::config {

enum class S3ErrorCode {
  kMalformedXML,                      // unparseable body, unknown element or Field
  kInvalidArgument,                   // a bad value
  kTooManyConfigurations,             // AWS: more than 1,000 per bucket
  kInventoryCountOverLimit,           // OBS: more than 10 per bucket
  kPrefixExistInclusionRelationship,  // OBS: overlapping filter prefixes
};

// "MalformedXML"
std::string_view S3ErrorCodeName(S3ErrorCode code);

// A Status of code kInvalidArgument with message "<S3 code>: <message>".
Status ConfigError(S3ErrorCode code, std::string_view message);
// Shorthands for the two common codes.
Status MalformedXml(std::string_view message);
Status BadValue(std::string_view message);

// The S3 code of a status made by ConfigError, also after WithContext() has
// prefixed it ("put b/id: MalformedXML: ..."); nullopt for any other status.
std::optional<S3ErrorCode> S3ErrorCodeOf(const Status& status);

}  // namespace stocktake::config
