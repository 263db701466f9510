#include "base/inventory_field.h"

#include <algorithm>
#include <array>

namespace stocktake {
namespace {

struct FieldInfo {
  std::string_view name;
  std::string_view column;
  FieldType type;
  bool optional;
  bool obs;
};

constexpr std::array<FieldInfo, kInventoryFieldCount> kFields = {{
    {"Bucket", "bucket", FieldType::kString, false, false},
    {"Key", "key", FieldType::kString, false, false},
    {"VersionId", "version_id", FieldType::kString, false, false},
    {"IsLatest", "is_latest", FieldType::kBool, false, false},
    {"IsDeleteMarker", "is_delete_marker", FieldType::kBool, false, false},
    {"Size", "size", FieldType::kInt64, true, true},
    {"LastModifiedDate", "last_modified_date", FieldType::kTimestampMillis, true, true},
    {"ETag", "e_tag", FieldType::kString, true, true},
    {"StorageClass", "storage_class", FieldType::kString, true, true},
    {"IsMultipartUploaded", "is_multipart_uploaded", FieldType::kBool, true, true},
    {"ReplicationStatus", "replication_status", FieldType::kString, true, true},
    {"EncryptionStatus", "encryption_status", FieldType::kString, true, true},
    {"ObjectLockRetainUntilDate", "object_lock_retain_until_date", FieldType::kTimestampMillis,
     true, false},
    {"ObjectLockMode", "object_lock_mode", FieldType::kString, true, false},
    {"ObjectLockLegalHoldStatus", "object_lock_legal_hold_status", FieldType::kString, true,
     false},
    {"IntelligentTieringAccessTier", "intelligent_tiering_access_tier", FieldType::kString, true,
     false},
    {"BucketKeyStatus", "bucket_key_status", FieldType::kString, true, false},
    {"ChecksumAlgorithm", "checksum_algorithm", FieldType::kString, true, false},
    {"ObjectAccessControlList", "object_access_control_list", FieldType::kString, true, false},
    {"ObjectOwner", "object_owner", FieldType::kString, true, false},
    {"LifecycleExpirationDate", "lifecycle_expiration_date", FieldType::kTimestampMillis, true,
     false},
}};

const FieldInfo& Info(InventoryField f) { return kFields[static_cast<size_t>(f)]; }

}  // namespace

std::string_view FieldName(InventoryField field) { return Info(field).name; }
std::string_view FieldColumnName(InventoryField field) { return Info(field).column; }
FieldType FieldTypeOf(InventoryField field) { return Info(field).type; }
bool IsOptionalField(InventoryField field) { return Info(field).optional; }
bool IsObsOptionalField(InventoryField field) { return Info(field).obs; }

std::optional<InventoryField> ParseFieldName(std::string_view name) {
  for (size_t i = 0; i < kFields.size(); ++i) {
    if (kFields[i].name == name) return static_cast<InventoryField>(i);
  }
  return std::nullopt;
}

std::optional<InventoryField> ParseColumnName(std::string_view name) {
  for (size_t i = 0; i < kFields.size(); ++i) {
    if (kFields[i].name == name || kFields[i].column == name) {
      return static_cast<InventoryField>(i);
    }
  }
  return std::nullopt;
}

std::vector<InventoryField> ReportColumns(bool all_versions,
                                          const std::vector<InventoryField>& optional_fields) {
  std::vector<InventoryField> cols = {InventoryField::kBucket, InventoryField::kKey};
  if (all_versions) {
    cols.push_back(InventoryField::kVersionId);
    cols.push_back(InventoryField::kIsLatest);
    cols.push_back(InventoryField::kIsDeleteMarker);
  }
  std::vector<InventoryField> opt;
  for (InventoryField f : optional_fields) {
    if (IsOptionalField(f)) opt.push_back(f);
  }
  std::sort(opt.begin(), opt.end());
  opt.erase(std::unique(opt.begin(), opt.end()), opt.end());
  cols.insert(cols.end(), opt.begin(), opt.end());
  return cols;
}

}  // namespace stocktake
