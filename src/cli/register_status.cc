#include "cli/register_status.h"

#include <cstdio>
#include <map>
#include <tuple>

#include "base/time_util.h"

namespace stocktake::cli {

std::string FormatLag(int64_t millis) {
  if (millis < 0) millis = 0;
  const int64_t s = millis / 1000;
  char text[48];
  if (s < 60) {
    std::snprintf(text, sizeof(text), "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(text, sizeof(text), "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else if (s < 86400) {
    std::snprintf(text, sizeof(text), "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  } else {
    std::snprintf(text, sizeof(text), "%lldd%02lldh", static_cast<long long>(s / 86400),
                  static_cast<long long>(s % 86400 / 3600));
  }
  return text;
}

Status PrintRegisterStatus(reg::Catalog* catalog, const Clock* clock) {
  ASSIGN_OR_RETURN(std::vector<reg::RegisteredReport> reports, catalog->Reports());
  ASSIGN_OR_RETURN(std::vector<reg::QuarantinedReport> quarantine, catalog->Quarantined());
  const int64_t now = clock->NowMillis();
  size_t current = 0;
  using BucketKey = std::tuple<std::string, std::string, std::string>;
  std::map<BucketKey, int64_t> newest;
  for (const reg::RegisteredReport& r : reports) {
    current += r.superseded_by.empty();
    int64_t& n = newest[{r.account, r.region, r.bucket}];
    n = std::max(n, r.creation_ms);
  }
  std::printf("reports: %zu registered (%zu current, %zu superseded)\n", reports.size(), current,
              reports.size() - current);
  std::printf(
      "dt\taccount\tregion\tbucket\trows\tbytes\tconfig\tregistered_at\tmanifest\tchecksum\n");
  for (const reg::RegisteredReport& r : reports) {
    if (!r.superseded_by.empty()) continue;
    std::printf("%s\t%s\t%s\t%s\t%lld\t%lld\t%s\t%s\t%s\t%s\n", r.dt.c_str(), r.account.c_str(),
                r.region.c_str(), r.bucket.c_str(), static_cast<long long>(r.rows),
                static_cast<long long>(r.bytes), r.config_id.c_str(),
                FormatIso8601Millis(r.registered_at_ms).c_str(),
                (r.collector + "/" + r.manifest_key).c_str(), r.checksum.c_str());
  }
  std::printf("lag: %zu buckets\n", newest.size());
  std::printf("account\tregion\tbucket\tnewest_report\tlag\n");
  for (const auto& [key, creation] : newest) {
    std::printf("%s\t%s\t%s\t%s\t%s\n", std::get<0>(key).c_str(), std::get<1>(key).c_str(),
                std::get<2>(key).c_str(), FormatIso8601Millis(creation).c_str(),
                FormatLag(now - creation).c_str());
  }
  std::printf("quarantine: %zu reports\n", quarantine.size());
  std::printf("quarantined_at\tcollector\tmanifest\tchecksum\treason\n");
  for (const reg::QuarantinedReport& q : quarantine) {
    std::printf("%s\t%s\t%s\t%s\t%s\n", FormatIso8601Millis(q.quarantined_at_ms).c_str(),
                q.collector.c_str(), q.manifest_key.c_str(), q.checksum.c_str(), q.reason.c_str());
  }
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace stocktake::cli
