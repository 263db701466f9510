#include "format/report_layout.h"

#include <cctype>

#include "base/time_util.h"

namespace stocktake::format {
namespace {

std::string_view TrimSlashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

// "P/S/C/" or "S/C/" when P is empty.
std::string Base(std::string_view prefix, const ReportLocation& location) {
  std::string out;
  std::string_view p = TrimSlashes(prefix);
  if (!p.empty()) {
    out.append(p);
    out += '/';
  }
  out += location.source_bucket;
  out += '/';
  out += location.config_id;
  out += '/';
  return out;
}

std::string ObsBase(const ReportLocation& location, int64_t scan_start_ms) {
  std::string_view p = TrimSlashes(location.prefix);
  return Base(p.empty() ? kObsDefaultPrefix : p, location) + FormatReportFolder(scan_start_ms) +
         "/";
}

}  // namespace

std::string AwsDataKey(const ReportLocation& location, std::string_view uuid,
                       std::string_view suffix) {
  return Base(location.prefix, location) + "data/" + std::string(uuid) + std::string(suffix);
}

std::string AwsManifestKey(const ReportLocation& location, int64_t scan_start_ms) {
  return Base(location.prefix, location) + FormatReportFolder(scan_start_ms) + "/manifest.json";
}

std::string AwsChecksumKey(const ReportLocation& location, int64_t scan_start_ms) {
  return Base(location.prefix, location) + FormatReportFolder(scan_start_ms) + "/manifest.checksum";
}

std::string AwsSymlinkKey(const ReportLocation& location, int64_t scan_start_ms) {
  return Base(location.prefix, location) + "hive/dt=" + FormatHiveDt(scan_start_ms) +
         "/symlink.txt";
}

std::string SymlinkText(const std::vector<std::string>& data_urls) {
  std::string out;
  for (const std::string& url : data_urls) {
    out += url;
    out += '\n';
  }
  return out;
}

std::string ObsDataKey(const ReportLocation& location, int64_t scan_start_ms, std::string_view uuid,
                       int index) {
  std::string id;
  for (char c : uuid) {
    if (c != '-') id += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return ObsBase(location, scan_start_ms) + "files/" + id + "_" + std::to_string(index) + ".csv";
}

std::string ObsManifestKey(const ReportLocation& location, int64_t scan_start_ms) {
  return ObsBase(location, scan_start_ms) + "manifest.json";
}

}  // namespace stocktake::format
