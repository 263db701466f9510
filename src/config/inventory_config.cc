#include "config/inventory_config.h"

#include <algorithm>

namespace stocktake::config {
namespace {

constexpr std::string_view kArnScheme = "arn:";
constexpr std::string_view kS3ArnService = ":s3:::";

}  // namespace

void Destination::SetBucket(std::string_view text) {
  if (text.substr(0, kArnScheme.size()) != kArnScheme) {
    bucket = std::string(text);
    bucket_arn.clear();
    return;
  }
  bucket_arn = std::string(text);
  bucket.clear();
  // arn:<partition>:s3:::<name>; the partition holds no ':'.
  std::string_view rest = text.substr(kArnScheme.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return;
  rest = rest.substr(colon);
  if (rest.substr(0, kS3ArnService.size()) != kS3ArnService) return;
  bucket = std::string(rest.substr(kS3ArnService.size()));
}

std::string Destination::BucketArn() const {
  if (!bucket_arn.empty()) return bucket_arn;
  return "arn:aws:s3:::" + bucket;
}

void InventoryConfig::AddOptionalField(InventoryField field) {
  if (std::find(optional_fields.begin(), optional_fields.end(), field) ==
      optional_fields.end()) {
    optional_fields.push_back(field);
  }
}

std::string_view ProfileName(Profile profile) {
  return profile == Profile::kObs ? "obs" : "s3";
}

std::optional<Profile> ParseProfile(std::string_view name) {
  if (name == "s3") return Profile::kS3;
  if (name == "obs") return Profile::kObs;
  return std::nullopt;
}

std::string_view ReportFormatName(ReportFormat format) {
  switch (format) {
    case ReportFormat::kCsv: return "CSV";
    case ReportFormat::kOrc: return "ORC";
    case ReportFormat::kParquet: return "Parquet";
  }
  return "";
}

std::optional<ReportFormat> ParseReportFormat(std::string_view name) {
  if (name == "CSV") return ReportFormat::kCsv;
  if (name == "ORC") return ReportFormat::kOrc;
  if (name == "Parquet") return ReportFormat::kParquet;
  return std::nullopt;
}

std::string_view ObjectVersionsName(ObjectVersions versions) {
  return versions == ObjectVersions::kAll ? "All" : "Current";
}

std::optional<ObjectVersions> ParseObjectVersions(std::string_view name) {
  if (name == "All") return ObjectVersions::kAll;
  if (name == "Current") return ObjectVersions::kCurrent;
  return std::nullopt;
}

std::string_view FrequencyName(Frequency frequency) {
  return frequency == Frequency::kWeekly ? "Weekly" : "Daily";
}

std::optional<Frequency> ParseFrequency(std::string_view name) {
  if (name == "Daily") return Frequency::kDaily;
  if (name == "Weekly") return Frequency::kWeekly;
  return std::nullopt;
}

}  // namespace stocktake::config
