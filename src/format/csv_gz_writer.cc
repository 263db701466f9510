#include "format/csv_gz_writer.h"

#include <cassert>
#include <charconv>
#include <cstring>

#include "base/time_util.h"
#include "base/url.h"

namespace stocktake::format {
namespace {

constexpr int64_t kMillisPerDay = 86'400'000;

// Appends `value` quoted, doubling embedded quotes (RFC 4180).
void AppendQuoted(std::string_view value, std::string* out) {
  out->push_back('"');
  size_t start = 0;
  while (true) {
    size_t quote = value.find('"', start);
    if (quote == std::string_view::npos) break;
    out->append(value.data() + start, quote + 1 - start);
    out->push_back('"');
    start = quote + 1;
  }
  out->append(value.data() + start, value.size() - start);
  out->push_back('"');
}

void AppendBool(bool value, std::string* out) { out->append(value ? "\"true\"" : "\"false\""); }

void AppendInt(int64_t value, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->push_back('"');
  out->append(buf, end - buf);
  out->push_back('"');
}

void AppendTwoDigits(int value, std::string* out) {
  out->push_back(static_cast<char>('0' + value / 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

}  // namespace

CsvGzWriter::CsvGzWriter(const ReportWriterOptions& options, store::ObjectWriter* out)
    : options_(options), out_(out) {
  if (options_.gzip) {
    gzip_.emplace(options_.compression_level,
                  [this](std::string_view bytes) { return Emit(bytes); });
  }
  block_.reserve(static_cast<size_t>(options_.flush_bytes) + 64 * 1024);
}

CsvGzWriter::~CsvGzWriter() {
  assert(done_ && "CsvGzWriter destroyed without Finish() or Abandon()");
}

Status CsvGzWriter::Append(const store::ObjectInfo& record) {
  if (done_) return FailedPrecondition("csv writer: Append after Finish/Abandon");
  RETURN_IF_ERROR(failed_);
  AppendRow(record, &block_);
  ++rows_;
  if (static_cast<int64_t>(block_.size()) >= options_.flush_bytes) return FlushBlock();
  return Status::OK();
}

Result<FileSummary> CsvGzWriter::Finish() {
  if (done_) return FailedPrecondition("csv writer: Finish after Finish/Abandon");
  done_ = true;
  RETURN_IF_ERROR(failed_);
  RETURN_IF_ERROR(FlushBlock());
  if (gzip_) RETURN_IF_ERROR(gzip_->Finish());
  FileSummary summary;
  summary.rows = rows_;
  summary.bytes = bytes_;
  summary.md5_hex = md5_.FinishHex();
  return summary;
}

void CsvGzWriter::Abandon() {
  done_ = true;
  block_.clear();
}

Status CsvGzWriter::FlushBlock() {
  Status st = gzip_ ? gzip_->Write(block_) : Emit(block_);
  if (st.ok() && gzip_) st = gzip_->Flush();
  block_.clear();
  if (!st.ok()) failed_ = st;
  return st;
}

Status CsvGzWriter::Emit(std::string_view bytes) {
  md5_.Update(bytes);
  bytes_ += static_cast<int64_t>(bytes.size());
  return out_->Append(bytes);
}

void CsvGzWriter::AppendTimestamp(int64_t epoch_ms, std::string* out) {
  int64_t day = epoch_ms / kMillisPerDay;
  int64_t in_day = epoch_ms % kMillisPerDay;
  if (in_day < 0) {
    in_day += kMillisPerDay;
    --day;
  }
  if (day != cached_day_) {
    cached_day_ = day;
    cached_day_prefix_ = FormatIso8601Millis(day * kMillisPerDay).substr(0, 11);
  }
  out->push_back('"');
  out->append(cached_day_prefix_);  // "YYYY-MM-DDT"
  int64_t seconds = in_day / 1000;
  AppendTwoDigits(static_cast<int>(seconds / 3600), out);
  out->push_back(':');
  AppendTwoDigits(static_cast<int>(seconds / 60 % 60), out);
  out->push_back(':');
  AppendTwoDigits(static_cast<int>(seconds % 60), out);
  int millis = static_cast<int>(in_day % 1000);
  out->push_back('.');
  out->push_back(static_cast<char>('0' + millis / 100));
  AppendTwoDigits(millis % 100, out);
  out->append("Z\"");
}

void CsvGzWriter::AppendRow(const store::ObjectInfo& r, std::string* out) {
  // A delete marker has no content, so every object field is absent.
  const bool has_object = !r.is_delete_marker;
  auto optional_time = [&](const std::optional<int64_t>& ms) {
    if (has_object && ms.has_value()) {
      AppendTimestamp(*ms, out);
    } else {
      out->append("\"\"");
    }
  };
  auto object_string = [&](const std::string& value) {
    AppendQuoted(has_object ? std::string_view(value) : std::string_view(), out);
  };
  bool first = true;
  for (InventoryField field : options_.columns) {
    if (!first) out->push_back(',');
    first = false;
    switch (field) {
      case InventoryField::kBucket:
        AppendQuoted(options_.source_bucket, out);
        break;
      case InventoryField::kKey:
        // The encoding leaves no '"' (it becomes %22), so no doubling needed.
        out->push_back('"');
        AppendInventoryKeyEncoded(r.key, out);
        out->push_back('"');
        break;
      case InventoryField::kVersionId:
        // S3's "null" version is written as an empty string (spec §4).
        AppendQuoted(r.version_id == "null" ? std::string_view() : r.version_id, out);
        break;
      case InventoryField::kIsLatest:
        AppendBool(r.is_latest, out);
        break;
      case InventoryField::kIsDeleteMarker:
        AppendBool(r.is_delete_marker, out);
        break;
      case InventoryField::kSize:
        if (has_object) {
          AppendInt(r.size, out);
        } else {
          out->append("\"\"");
        }
        break;
      case InventoryField::kLastModifiedDate:
        // A delete marker has its own modification time, so it is kept;
        // 0 means the store did not report one.
        if (r.last_modified_ms != 0) {
          AppendTimestamp(r.last_modified_ms, out);
        } else {
          out->append("\"\"");
        }
        break;
      case InventoryField::kETag:
        object_string(r.etag);
        break;
      case InventoryField::kStorageClass:
        object_string(r.storage_class);
        break;
      case InventoryField::kIsMultipartUploaded:
        if (has_object && !r.etag.empty()) {
          AppendBool(r.IsMultipart(), out);
        } else {
          out->append("\"\"");
        }
        break;
      case InventoryField::kReplicationStatus:
        object_string(r.replication_status);
        break;
      case InventoryField::kEncryptionStatus:
        object_string(r.encryption_status);
        break;
      case InventoryField::kObjectLockRetainUntilDate:
        optional_time(r.object_lock_retain_until_ms);
        break;
      case InventoryField::kObjectLockMode:
        object_string(r.object_lock_mode);
        break;
      case InventoryField::kObjectLockLegalHoldStatus:
        object_string(r.object_lock_legal_hold);
        break;
      case InventoryField::kIntelligentTieringAccessTier:
        object_string(r.intelligent_tiering_access_tier);
        break;
      case InventoryField::kBucketKeyStatus:
        object_string(r.bucket_key_status);
        break;
      case InventoryField::kChecksumAlgorithm:
        object_string(r.checksum_algorithm);
        break;
      case InventoryField::kObjectAccessControlList:
        object_string(r.access_control_list);
        break;
      case InventoryField::kObjectOwner:
        AppendQuoted(r.owner_id, out);
        break;
      case InventoryField::kLifecycleExpirationDate:
        optional_time(r.lifecycle_expiration_ms);
        break;
    }
  }
  out->push_back('\n');
}

}  // namespace stocktake::format
