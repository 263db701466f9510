// The S3 Inventory column vocabulary shared by configuration (OptionalFields)
// and report formats: the canonical column order, the CSV/config names and
// the Parquet/ORC snake_case names. See docs/ and
// ../shared/spec/inventory-spec.md §1 and §4. Pure data, thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace stocktake {

// In canonical report column order (spec §4). Values are stable.
enum class InventoryField {
  kBucket = 0,
  kKey,
  kVersionId,
  kIsLatest,
  kIsDeleteMarker,
  kSize,
  kLastModifiedDate,
  kETag,
  kStorageClass,
  kIsMultipartUploaded,
  kReplicationStatus,
  kEncryptionStatus,
  kObjectLockRetainUntilDate,
  kObjectLockMode,
  kObjectLockLegalHoldStatus,
  kIntelligentTieringAccessTier,
  kBucketKeyStatus,
  kChecksumAlgorithm,
  kObjectAccessControlList,
  kObjectOwner,
  kLifecycleExpirationDate,
};
inline constexpr int kInventoryFieldCount = 21;

enum class FieldType { kString, kBool, kInt64, kTimestampMillis };

// "LastModifiedDate"
std::string_view FieldName(InventoryField field);
// "last_modified_date"
std::string_view FieldColumnName(InventoryField field);
FieldType FieldTypeOf(InventoryField field);
// True for the fields a config may list under OptionalFields (AWS enum).
bool IsOptionalField(InventoryField field);
// True for the OptionalFields OBS accepts.
bool IsObsOptionalField(InventoryField field);
// Case-sensitive parse of a config/CSV name ("Size"); nullopt if unknown.
std::optional<InventoryField> ParseFieldName(std::string_view name);
// Also accepts the snake_case column name ("last_modified_date").
std::optional<InventoryField> ParseColumnName(std::string_view name);

// The columns of a report, in canonical order: Bucket, Key, then
// VersionId/IsLatest/IsDeleteMarker when all versions are listed, then the
// selected optional fields (deduplicated, reordered canonically).
std::vector<InventoryField> ReportColumns(bool all_versions,
                                          const std::vector<InventoryField>& optional_fields);

}  // namespace stocktake
