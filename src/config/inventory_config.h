// InventoryConfig: the model of one S3 `InventoryConfiguration` (spec §1 of
// ../shared/spec/inventory-spec.md; dialects in docs/config.md).
//
// A plain value type holding what a client PUT, before any validation: the
// parsers (config_xml.h, config_json.h) only check structure and enum values,
// validate.h checks the rules. Optional elements are std::optional so that an
// absent element and an empty one stay distinct (no Filter = whole bucket;
// <Filter><Prefix/></Filter> = empty prefix). Values are not synchronised;
// copy them freely.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/inventory_field.h"

namespace stocktake::config {

// The service flavour we emulate. It selects the XML dialect, the validation
// rules and the per-bucket limits (docs/config.md).
enum class Profile { kS3, kObs };

enum class ReportFormat { kCsv, kOrc, kParquet };
enum class ObjectVersions { kAll, kCurrent };
enum class Frequency { kDaily, kWeekly };
enum class EncryptionKind { kNone, kSseS3, kSseKms };

struct Encryption {
  EncryptionKind kind = EncryptionKind::kNone;
  std::string kms_key_id;  // only for kSseKms
  bool operator==(const Encryption&) const = default;
};

struct Destination {
  std::optional<std::string> account_id;
  // The destination bucket name, taken from the ARN when one was given.
  std::string bucket;
  // The Bucket text exactly as given when it was an ARN ("arn:aws:s3:::b");
  // empty when a plain name was given (the OBS form). See SetBucket().
  std::string bucket_arn;
  ReportFormat format = ReportFormat::kCsv;
  std::optional<std::string> prefix;
  Encryption encryption;

  // Fills bucket and bucket_arn from a Bucket element's text: an
  // "arn:<partition>:s3:::<name>" gives name + ARN; other "arn:" text keeps
  // the ARN with an empty name (validation rejects it); anything else is a
  // plain name.
  void SetBucket(std::string_view text);
  // The ARN to write in AWS dialects: bucket_arn, else "arn:aws:s3:::<bucket>".
  std::string BucketArn() const;

  bool operator==(const Destination&) const = default;
};

struct InventoryConfig {
  std::string id;
  bool is_enabled = true;
  std::optional<std::string> filter_prefix;  // nullopt: no Filter element
  Destination destination;
  ObjectVersions included_versions = ObjectVersions::kCurrent;
  // In the order given, without duplicates (AddOptionalField keeps it so).
  std::vector<InventoryField> optional_fields;
  Frequency frequency = Frequency::kDaily;

  // Appends `field` unless already present.
  void AddOptionalField(InventoryField field);

  bool operator==(const InventoryConfig&) const = default;
};

// Names as written in XML and JSON ("CSV", "ORC", "Parquet"; "All",
// "Current"; "Daily", "Weekly"; "s3", "obs"). Parse* are case-sensitive and
// return nullopt for anything else.
std::string_view ProfileName(Profile profile);
std::optional<Profile> ParseProfile(std::string_view name);
std::string_view ReportFormatName(ReportFormat format);
std::optional<ReportFormat> ParseReportFormat(std::string_view name);
std::string_view ObjectVersionsName(ObjectVersions versions);
std::optional<ObjectVersions> ParseObjectVersions(std::string_view name);
std::string_view FrequencyName(Frequency frequency);
std::optional<Frequency> ParseFrequency(std::string_view name);

}  // namespace stocktake::config
