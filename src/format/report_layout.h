// Report layout: the object keys one inventory run writes, for the AWS
// layout (data/ folder, timestamped manifest folder, hive symlink) and the
// OBS layout (everything under one timestamped folder). See
// docs/report-format.md and spec §2. These functions are the only place
// that builds report keys; consumers must take data keys from manifests and
// never rebuild them. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::format {

inline constexpr std::string_view kObsDefaultPrefix = "BucketInventory";

// Where one configuration's reports go. `prefix` may be empty and may end
// with '/'; leading and trailing slashes are dropped when joining.
struct ReportLocation {
  std::string prefix;
  std::string source_bucket;
  std::string config_id;
};

// P/S/C/data/<uuid><suffix>, e.g. suffix ".csv.gz".
std::string AwsDataKey(const ReportLocation& location, std::string_view uuid,
                       std::string_view suffix);
// P/S/C/YYYY-MM-DDTHH-MMZ/manifest.json (scan start, minute precision).
std::string AwsManifestKey(const ReportLocation& location, int64_t scan_start_ms);
// P/S/C/YYYY-MM-DDTHH-MMZ/manifest.checksum
std::string AwsChecksumKey(const ReportLocation& location, int64_t scan_start_ms);
// P/S/C/hive/dt=YYYY-MM-DD-HH-MM/symlink.txt
std::string AwsSymlinkKey(const ReportLocation& location, int64_t scan_start_ms);
// symlink.txt content: one URL ("s3://dest/key") per line, each ending "\n".
std::string SymlinkText(const std::vector<std::string>& data_urls);

// P/S/<id>/YYYY-MM-DDTHH-MMZ/files/<UUID>_<index>.csv with P defaulting to
// kObsDefaultPrefix; the UUID is written as OBS does, 32 uppercase hex
// digits without dashes. Indexes count from 1.
std::string ObsDataKey(const ReportLocation& location, int64_t scan_start_ms, std::string_view uuid,
                       int index);
// P/S/<id>/YYYY-MM-DDTHH-MMZ/manifest.json
std::string ObsManifestKey(const ReportLocation& location, int64_t scan_start_ms);

}  // namespace stocktake::format
