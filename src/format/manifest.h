// Manifest: the manifest.json that lists one report run's data files, in
// the AWS dialect (version 2016-11-30) and the OBS dialect (2019-01-03),
// plus manifest.checksum. Formats: docs/report-format.md and spec §3.
//
// A report exists exactly when its checksum file does: write the data
// files, then manifest.json, then manifest.checksum. Pure functions over
// values; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace stocktake::format {

inline constexpr std::string_view kAwsManifestVersion = "2016-11-30";
inline constexpr std::string_view kObsManifestVersion = "2019-01-03";

struct ManifestFile {
  std::string key;
  int64_t size = 0;
  std::string md5_hex;             // AWS only ("" when read from OBS)
  int64_t inventoried_record = 0;  // row count; OBS only (0 when read from AWS)

  bool operator==(const ManifestFile&) const = default;
};

struct Manifest {
  std::string source_bucket;
  std::string destination_bucket;  // "arn:aws:s3:::name" (AWS) or "name" (OBS)
  std::string version;             // kAwsManifestVersion / kObsManifestVersion
  int64_t creation_ms = 0;         // scan start; AWS only (0 when read from OBS)
  std::string file_format;         // "CSV", "ORC", "Parquet"
  std::string file_schema;
  std::vector<ManifestFile> files;

  bool operator==(const Manifest&) const = default;
};

// Compact JSON in AWS field order; creationTimestamp is a string of epoch
// millis, size a number; each file has key, size and MD5checksum.
std::string WriteAwsManifestJson(const Manifest& manifest);
// OBS: no creationTimestamp; files carry key, size and inventoriedRecord.
std::string WriteObsManifestJson(const Manifest& manifest);

// Reads either dialect, tolerating trailing commas (the OBS documentation's
// own example has one). creationTimestamp may be a string or a number.
// Corruption, naming the problem, on invalid JSON or missing/mistyped
// sourceBucket, destinationBucket, fileFormat, fileSchema or files[].key/size.
Result<Manifest> ParseManifestJson(std::string_view json);

// The manifest.checksum content: lowercase hex MD5 of `manifest_json` + "\n".
std::string ManifestChecksum(std::string_view manifest_json);

// `text` as a JSON string literal, quotes included; control characters are
// escaped, other bytes (UTF-8) pass through.
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace stocktake::format
