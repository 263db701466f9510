#include "register/collector.h"

#include <vector>

#include "base/time_util.h"

namespace stocktake::reg {

std::string Collector::Id() const { return store->Url(bucket, prefix); }

std::optional<ReportRef> ParseReportKey(const Collector& collector, std::string_view key) {
  const std::string key_prefix = collector.KeyPrefix();
  if (key.substr(0, key_prefix.size()) != key_prefix) return std::nullopt;
  std::string_view rest = key.substr(key_prefix.size());
  std::vector<std::string_view> levels;
  size_t start = 0;
  while (start <= rest.size()) {
    size_t slash = rest.find('/', start);
    if (slash == std::string_view::npos) slash = rest.size();
    levels.push_back(rest.substr(start, slash - start));
    start = slash + 1;
  }
  if (levels.size() != 5) return std::nullopt;
  for (std::string_view level : levels) {
    if (level.empty()) return std::nullopt;
  }
  if (levels[4] != kManifestJson && levels[4] != kManifestChecksum) return std::nullopt;
  if (!ParseReportFolder(levels[3]).has_value()) return std::nullopt;
  ReportRef ref;
  ref.account = levels[0];
  ref.source_bucket = levels[1];
  ref.config_id = levels[2];
  ref.folder = levels[3];
  const std::string folder_key = key_prefix + ref.account + "/" + ref.source_bucket + "/" +
                                 ref.config_id + "/" + ref.folder + "/";
  ref.manifest_key = folder_key + std::string(kManifestJson);
  ref.checksum_key = folder_key + std::string(kManifestChecksum);
  return ref;
}

std::optional<int64_t> ParseReportFolder(std::string_view folder) {
  // 2024-01-01T01-00Z
  if (folder.size() != 17 || folder[10] != 'T' || folder[13] != '-' || folder[16] != 'Z') {
    return std::nullopt;
  }
  std::string iso = std::string(folder.substr(0, 10)) + "T" + std::string(folder.substr(11, 2)) +
                    ":" + std::string(folder.substr(14, 2)) + ":00Z";
  Result<int64_t> ms = ParseTimestamp(iso);
  if (!ms.ok()) return std::nullopt;
  return *ms;
}

}  // namespace stocktake::reg
