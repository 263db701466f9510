// Collector: one regional collector bucket (or folder) that inventory
// reports are delivered to, and the layout the register expects inside it
// (the AWS blog's: destination prefix = account id):
//   <collector prefix>/<accountId>/<source-bucket>/<config-id>/<YYYY-MM-DDTHH-MMZ>/manifest.json
// with manifest.checksum beside it (AWS dialect) or alone (OBS dialect,
// which writes no checksum). Where each register field comes from:
//   account  <- the first layout level   region <- the collector's REGION=
//   bucket   <- manifest sourceBucket (must equal the second level)
//   config   <- the third level          dt     <- creationTimestamp (UTC
//   day), or the timestamp folder when the manifest has none (OBS).
// Plain values; the store is not owned and must outlive the Collector.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/object_store.h"

namespace stocktake::reg {

inline constexpr std::string_view kManifestJson = "manifest.json";
inline constexpr std::string_view kManifestChecksum = "manifest.checksum";

struct Collector {
  std::string region;
  store::ObjectStore* store = nullptr;
  std::string bucket;
  std::string prefix;  // "" or "a/b" (no leading or trailing '/')

  // store->Url(bucket, prefix): names the collector in the catalog and in
  // the deterministic part ids, so it must not change between runs.
  std::string Id() const;
  // The key prefix reports live under: "" or "a/b/".
  std::string KeyPrefix() const { return prefix.empty() ? "" : prefix + "/"; }
};

// One report's place in a collector, parsed from one of its keys.
struct ReportRef {
  std::string account;
  std::string source_bucket;
  std::string config_id;
  std::string folder;        // the timestamp folder, "2024-01-01T01-00Z"
  std::string manifest_key;  // full key of manifest.json
  std::string checksum_key;  // full key of manifest.checksum

  bool operator==(const ReportRef&) const = default;
};

// The report that `key` (a manifest.json or manifest.checksum key) belongs
// to, or nullopt when the key is not one of those two files exactly five
// levels below the collector's prefix.
std::optional<ReportRef> ParseReportKey(const Collector& collector, std::string_view key);

// Epoch millis of a "YYYY-MM-DDTHH-MMZ" folder name, or nullopt.
std::optional<int64_t> ParseReportFolder(std::string_view folder);

}  // namespace stocktake::reg
