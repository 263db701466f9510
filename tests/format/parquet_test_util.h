// Helpers shared by the Parquet reader tests: varied inventory records that
// survive a write/read round trip exactly, a field-by-field description for
// readable comparisons, and writing/reading reports in memory.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/time_util.h"
#include "format/parquet_reader.h"
#include "format/report_writer.h"
#include "store/object_store.h"
#include "testing/memory_writer.h"

namespace stocktake::format {

inline std::vector<InventoryField> AllInventoryColumns() {
  std::vector<InventoryField> all;
  for (int i = 0; i < kInventoryFieldCount; ++i) all.push_back(static_cast<InventoryField>(i));
  return all;
}

// Record `i` of a deterministic mix: delete markers (no object fields),
// S3 "null" versions, missing values, multipart ETags, unicode keys.
inline store::ObjectInfo VariedRecord(int i) {
  static const char* kClasses[] = {"STANDARD", "GLACIER", "STANDARD_IA", "INTELLIGENT_TIERING"};
  store::ObjectInfo o;
  o.key = "dir" + std::to_string(i % 97) + "/obj-" + std::to_string(i);
  if (i % 13 == 0) o.key += " ünï\"cödé,\n日本語 🙂";
  o.version_id = i % 7 == 0 ? "" : i % 3 == 0 ? "null" : "v" + std::to_string(i * 7919);
  o.is_latest = i % 4 != 0;
  o.last_modified_ms = i % 17 == 0 ? 0 : 1'700'000'000'000 + int64_t{i} * 1001;
  o.owner_id = i % 2 == 0 ? "" : "owner-" + std::to_string(i % 5);
  if (i % 11 == 0) {
    o.is_delete_marker = true;
    return o;
  }
  o.size = int64_t{i} * 37 + (i % 19 == 0 ? (int64_t{1} << 40) : 0);
  o.etag = i % 23 == 0 ? "" : "0123456789abcdef0123456789abcdef";
  if (i % 5 == 0 && !o.etag.empty()) o.etag += "-" + std::to_string(i % 9 + 2);
  o.storage_class = kClasses[i % 4];
  o.checksum_algorithm = i % 3 == 0 ? "CRC32" : "";
  o.encryption_status = i % 2 == 0 ? "SSE-S3" : "NOT-SSE";
  o.replication_status = i % 29 == 0 ? "COMPLETED" : "";
  if (i % 31 == 0) {
    o.object_lock_mode = "GOVERNANCE";
    o.object_lock_retain_until_ms = 1'900'000'000'000 + i;
    o.object_lock_legal_hold = "Off";
  }
  o.bucket_key_status = i % 6 == 0 ? "ENABLED" : "";
  o.intelligent_tiering_access_tier = i % 4 == 3 ? "ARCHIVE_ACCESS" : "";
  if (i % 8 == 0) o.lifecycle_expiration_ms = 1'800'000'000'000 + int64_t{i} * 86'400'000;
  return o;
}

inline std::string Opt(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "none"; }

// Every ObjectInfo field, "|"-separated, for exact comparisons with diffs.
inline std::string Describe(const store::ObjectInfo& o) {
  return o.key + "|" + std::to_string(o.size) + "|" + std::to_string(o.last_modified_ms) + "|" +
         o.etag + "|" + o.storage_class + "|" + o.version_id + "|" + (o.is_latest ? "L" : "-") +
         (o.is_delete_marker ? "D" : "-") + "|" + o.owner_id + "|" + o.checksum_algorithm + "|" +
         o.encryption_status + "|" + o.replication_status + "|" + o.object_lock_mode + "|" +
         Opt(o.object_lock_retain_until_ms) + "|" + o.object_lock_legal_hold + "|" +
         o.bucket_key_status + "|" + o.intelligent_tiering_access_tier + "|" +
         Opt(o.lifecycle_expiration_ms) + "|" + o.content_type;
}

// A Parquet report of `records` written by our writer, as bytes.
inline std::string WriteParquetBytes(const ReportWriterOptions& options,
                                     const std::vector<store::ObjectInfo>& records) {
  testing::StringWriter out;
  auto writer = NewReportWriter(options, &out);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  if (!writer.ok()) return "";
  for (const auto& r : records) EXPECT_TRUE((*writer)->Append(r).ok());
  EXPECT_TRUE((*writer)->Finish().ok());
  return out.data();
}

// A range reader over bytes that must outlive it.
inline ParquetRangeReader BytesReader(const std::string& bytes) {
  return [&bytes](int64_t offset, int64_t length) -> Result<std::string> {
    if (offset < 0 || length < 0 || offset + length > static_cast<int64_t>(bytes.size())) {
      return InvalidArgument("read past the end");
    }
    return bytes.substr(offset, length);
  };
}

inline Result<std::unique_ptr<ParquetReader>> OpenBytes(const std::string& bytes) {
  return ParquetReader::Open(BytesReader(bytes), static_cast<int64_t>(bytes.size()), "mem");
}

}  // namespace stocktake::format
