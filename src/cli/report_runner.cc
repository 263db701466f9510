#include "cli/report_runner.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace stocktake::cli {

Result<format::ReportFormat> ParseFormatFlag(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "csv") return format::ReportFormat::kCsv;
  if (lower == "parquet") return format::ReportFormat::kParquet;
  if (lower == "orc") {
    return InvalidArgument("--format orc: ORC reports are not supported yet; use csv or parquet");
  }
  return InvalidArgument("--format must be csv or parquet, not '" + text + "'");
}

Result<std::vector<InventoryField>> ParseFieldList(const std::vector<std::string>& names, bool obs) {
  std::vector<InventoryField> fields;
  for (const std::string& raw : names) {
    std::string name = raw;
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (name.empty()) continue;
    std::optional<InventoryField> f = ParseFieldName(name);
    if (!f || !IsOptionalField(*f) || (obs && !IsObsOptionalField(*f))) {
      std::string valid;
      for (int i = 0; i < kInventoryFieldCount; ++i) {
        auto candidate = static_cast<InventoryField>(i);
        if (!IsOptionalField(candidate) || (obs && !IsObsOptionalField(candidate))) continue;
        if (!valid.empty()) valid += ", ";
        valid += FieldName(candidate);
      }
      return InvalidArgument("unknown field '" + name + "' in --fields (valid: " + valid + ")");
    }
    if (std::find(fields.begin(), fields.end(), *f) == fields.end()) fields.push_back(*f);
  }
  return fields;
}

Status CheckListConcurrency(int flag) {
  if (flag < 0 || flag > kMaxListConcurrency) {
    return InvalidArgument("--list-concurrency must be between 1 and " +
                           std::to_string(kMaxListConcurrency) + " (0 = automatic), not " +
                           std::to_string(flag));
  }
  return Status::OK();
}

void ApplyListConcurrency(int flag, bool source_is_local, store::RetryingStore* source_retrying,
                          inventory::ReportSpec* spec) {
  // A local store walks its folders on its own threads (sized from the
  // same flag when it was opened) and hands over pages in key order, so
  // the generator pages through it one call at a time.
  spec->list_concurrency = source_is_local ? 1 : flag > 0 ? flag : kDefaultS3ListConcurrency;
  if (source_retrying != nullptr) {
    spec->throttle_events = [source_retrying] { return source_retrying->throttled(); };
  }
}

Result<inventory::ReportResult> RunReport(const inventory::ReportSpec& spec, Progress* progress) {
  progress->Start(spec.source_bucket + "/" + spec.config_id);
  Result<inventory::ReportResult> result = inventory::GenerateReport(
      spec, [progress](const inventory::ReportProgress& p) { progress->Update(p.objects, p.bytes); });
  progress->Done();
  return result;
}

void PrintReportResult(const inventory::ReportSpec& spec, const inventory::ReportResult& result) {
  std::printf("%s/%s: %lld objects, %s in %zu data file(s) -> %s\n", spec.source_bucket.c_str(),
              spec.config_id.c_str(), static_cast<long long>(result.objects),
              HumanBytes(result.bytes).c_str(), result.data_keys.size(),
              spec.destination->Url(spec.destination_bucket, result.manifest_key).c_str());
  std::fflush(stdout);
}

}  // namespace stocktake::cli
