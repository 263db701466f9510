#include "format/parquet_writer.h"

#include <cassert>
#include <cstring>

namespace stocktake::format {
namespace {

constexpr std::string_view kMagic = "PAR1";
// How often (in rows) the row group's byte size is checked.
constexpr int64_t kSizeCheckRows = 256;

ParquetCodec CodecOf(ParquetCompression compression) {
  switch (compression) {
    case ParquetCompression::kSnappy:
      return ParquetCodec::kSnappy;
    case ParquetCompression::kZstd:
      return ParquetCodec::kZstd;
    case ParquetCompression::kGzip:
      return ParquetCodec::kGzip;
    case ParquetCompression::kNone:
      return ParquetCodec::kUncompressed;
  }
  return ParquetCodec::kSnappy;
}

ParquetType PhysicalType(InventoryField field) {
  switch (FieldTypeOf(field)) {
    case FieldType::kString:
      return ParquetType::kByteArray;
    case FieldType::kBool:
      return ParquetType::kBoolean;
    case FieldType::kInt64:
    case FieldType::kTimestampMillis:
      return ParquetType::kInt64;
  }
  return ParquetType::kByteArray;
}

bool IsRequired(InventoryField field) {
  return field == InventoryField::kBucket || field == InventoryField::kKey;
}

ParquetSchemaElement LeafElement(InventoryField field) {
  ParquetSchemaElement e;
  e.name = FieldColumnName(field);
  e.type = PhysicalType(field);
  e.repetition = IsRequired(field) ? ParquetRepetition::kRequired : ParquetRepetition::kOptional;
  if (FieldTypeOf(field) == FieldType::kString) {
    e.converted_type = kConvertedUtf8;
    e.logical = ParquetLogical::kString;
  } else if (FieldTypeOf(field) == FieldType::kTimestampMillis) {
    e.converted_type = kConvertedTimestampMillis;
    e.logical = ParquetLogical::kTimestampMillis;
    e.timestamp_utc = true;
  }
  return e;
}

}  // namespace

ParquetReportWriter::ParquetReportWriter(const ReportWriterOptions& options,
                                         store::ObjectWriter* out)
    : options_(options), out_(out) {
  ParquetSchemaElement root;
  root.name = kParquetRootName;
  root.num_children = static_cast<int32_t>(options_.columns.size());
  meta_.schema.push_back(root);
  const ParquetCodec codec = CodecOf(options_.parquet_compression);
  // Zstd's scale is wider than gzip's; its level 3 default sits at our 6.
  const int level = codec == ParquetCodec::kZstd ? std::max(1, options_.compression_level - 3)
                                                 : options_.compression_level;
  columns_.reserve(options_.columns.size());
  for (InventoryField field : options_.columns) {
    meta_.schema.push_back(LeafElement(field));
    columns_.emplace_back(std::string(FieldColumnName(field)), PhysicalType(field),
                          IsRequired(field), codec, level, ParquetColumnLimits());
  }
  meta_.created_by = kParquetCreatedBy;
}

ParquetReportWriter::~ParquetReportWriter() {
  assert(done_ && "ParquetReportWriter destroyed without Finish() or Abandon()");
}

Status ParquetReportWriter::Append(const store::ObjectInfo& record) {
  if (done_) return FailedPrecondition("parquet writer: Append after Finish/Abandon");
  RETURN_IF_ERROR(failed_);
  if (bytes_ == 0) RETURN_IF_ERROR(Emit(kMagic));
  Status st = AppendValues(record);
  if (!st.ok()) {
    failed_ = st;
    return st;
  }
  return EndRow();
}

Status ParquetReportWriter::AppendCells(const std::vector<CellValue>& cells) {
  if (done_) return FailedPrecondition("parquet writer: AppendCells after Finish/Abandon");
  RETURN_IF_ERROR(failed_);
  // Checked before anything is added, so a bad row leaves the file intact.
  if (cells.size() != options_.columns.size()) {
    return InvalidArgument("parquet writer: " + std::to_string(cells.size()) + " cells for " +
                           std::to_string(options_.columns.size()) + " columns");
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    const InventoryField field = options_.columns[i];
    CellType want = CellType::kString;
    switch (FieldTypeOf(field)) {
      case FieldType::kString:
        want = CellType::kString;
        break;
      case FieldType::kBool:
        want = CellType::kBool;
        break;
      case FieldType::kInt64:
        want = CellType::kInt64;
        break;
      case FieldType::kTimestampMillis:
        want = CellType::kTimestampMillis;
        break;
    }
    const bool null_ok = !IsRequired(field);
    if (cells[i].type != want && !(null_ok && cells[i].is_null())) {
      return InvalidArgument("parquet writer: column " + std::string(FieldColumnName(field)) +
                             " got a " + CellTypeName(cells[i].type) + " cell, expected " +
                             CellTypeName(want) + (null_ok ? " or null" : ""));
    }
  }
  if (bytes_ == 0) RETURN_IF_ERROR(Emit(kMagic));
  Status st = AppendCellValues(cells);
  if (!st.ok()) {
    failed_ = st;
    return st;
  }
  return EndRow();
}

Status ParquetReportWriter::AppendCellValues(const std::vector<CellValue>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    ParquetColumnWriter& c = columns_[i];
    const CellValue& cell = cells[i];
    switch (cell.type) {
      case CellType::kNull:
        RETURN_IF_ERROR(c.AddNull());
        break;
      case CellType::kString:
        RETURN_IF_ERROR(c.AddString(cell.string_value));
        break;
      case CellType::kBool:
        RETURN_IF_ERROR(c.AddBool(cell.int_value != 0));
        break;
      case CellType::kInt64:
      case CellType::kTimestampMillis:
        RETURN_IF_ERROR(c.AddInt64(cell.int_value));
        break;
      case CellType::kDouble:
        return Internal("parquet writer: double cell passed the type check");
    }
  }
  return Status::OK();
}

Status ParquetReportWriter::EndRow() {
  ++rows_;
  ++group_rows_;
  bool full = group_rows_ >= options_.parquet_row_group_rows;
  if (!full && group_rows_ % kSizeCheckRows == 0) {
    int64_t uncompressed = 0;
    for (const ParquetColumnWriter& c : columns_) uncompressed += c.uncompressed_bytes();
    full = uncompressed >= options_.parquet_row_group_bytes;
  }
  return full ? FlushRowGroup() : Status::OK();
}

Status ParquetReportWriter::AppendValues(const store::ObjectInfo& r) {
  // A delete marker has no content, so every object field is absent.
  const bool has_object = !r.is_delete_marker;
  for (size_t i = 0; i < options_.columns.size(); ++i) {
    ParquetColumnWriter& c = columns_[i];
    auto object_string = [&](const std::string& value) {
      return has_object && !value.empty() ? c.AddString(value) : c.AddNull();
    };
    auto object_time = [&](const std::optional<int64_t>& ms) {
      return has_object && ms.has_value() ? c.AddInt64(*ms) : c.AddNull();
    };
    Status st;
    switch (options_.columns[i]) {
      case InventoryField::kBucket:
        st = c.AddString(options_.source_bucket);
        break;
      case InventoryField::kKey:
        st = c.AddString(r.key);  // raw UTF-8: only CSV URL-encodes keys
        break;
      case InventoryField::kVersionId:
        // S3's "null" version is written as an empty string (spec §4).
        st = r.version_id.empty()     ? c.AddNull()
             : r.version_id == "null" ? c.AddString("")
                                      : c.AddString(r.version_id);
        break;
      case InventoryField::kIsLatest:
        st = c.AddBool(r.is_latest);
        break;
      case InventoryField::kIsDeleteMarker:
        st = c.AddBool(r.is_delete_marker);
        break;
      case InventoryField::kSize:
        st = has_object ? c.AddInt64(r.size) : c.AddNull();
        break;
      case InventoryField::kLastModifiedDate:
        // A delete marker keeps its own modification time; 0 means unknown.
        st = r.last_modified_ms != 0 ? c.AddInt64(r.last_modified_ms) : c.AddNull();
        break;
      case InventoryField::kETag:
        st = object_string(r.etag);
        break;
      case InventoryField::kStorageClass:
        st = object_string(r.storage_class);
        break;
      case InventoryField::kIsMultipartUploaded:
        st = has_object && !r.etag.empty() ? c.AddBool(r.IsMultipart()) : c.AddNull();
        break;
      case InventoryField::kReplicationStatus:
        st = object_string(r.replication_status);
        break;
      case InventoryField::kEncryptionStatus:
        st = object_string(r.encryption_status);
        break;
      case InventoryField::kObjectLockRetainUntilDate:
        st = object_time(r.object_lock_retain_until_ms);
        break;
      case InventoryField::kObjectLockMode:
        st = object_string(r.object_lock_mode);
        break;
      case InventoryField::kObjectLockLegalHoldStatus:
        st = object_string(r.object_lock_legal_hold);
        break;
      case InventoryField::kIntelligentTieringAccessTier:
        st = object_string(r.intelligent_tiering_access_tier);
        break;
      case InventoryField::kBucketKeyStatus:
        st = object_string(r.bucket_key_status);
        break;
      case InventoryField::kChecksumAlgorithm:
        st = object_string(r.checksum_algorithm);
        break;
      case InventoryField::kObjectAccessControlList:
        st = object_string(r.access_control_list);
        break;
      case InventoryField::kObjectOwner:
        st = r.owner_id.empty() ? c.AddNull() : c.AddString(r.owner_id);
        break;
      case InventoryField::kLifecycleExpirationDate:
        st = object_time(r.lifecycle_expiration_ms);
        break;
    }
    RETURN_IF_ERROR(st);
  }
  return Status::OK();
}

Status ParquetReportWriter::FlushRowGroup() {
  if (group_rows_ == 0) return Status::OK();
  ParquetRowGroup group;
  group.num_rows = group_rows_;
  group.file_offset = bytes_;
  group.ordinal = static_cast<int16_t>(meta_.row_groups.size());
  group.columns.resize(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    Status st = columns_[i].FinishChunk(bytes_, &chunk_, &group.columns[i]);
    if (st.ok()) st = Emit(chunk_);
    if (!st.ok()) {
      failed_ = st;
      return st;
    }
    group.total_byte_size += group.columns[i].meta_data.total_uncompressed_size;
    group.total_compressed_size += group.columns[i].meta_data.total_compressed_size;
  }
  meta_.num_rows += group_rows_;
  meta_.row_groups.push_back(std::move(group));
  group_rows_ = 0;
  return Status::OK();
}

Result<FileSummary> ParquetReportWriter::Finish() {
  if (done_) return FailedPrecondition("parquet writer: Finish after Finish/Abandon");
  done_ = true;
  RETURN_IF_ERROR(failed_);
  if (bytes_ == 0) RETURN_IF_ERROR(Emit(kMagic));
  RETURN_IF_ERROR(FlushRowGroup());
  std::string footer = EncodeFileMetaData(meta_);
  const uint32_t length = static_cast<uint32_t>(footer.size());
  char length_bytes[4];
  std::memcpy(length_bytes, &length, 4);  // little-endian hosts only
  footer.append(length_bytes, 4);
  footer.append(kMagic);
  RETURN_IF_ERROR(Emit(footer));
  FileSummary summary;
  summary.rows = rows_;
  summary.bytes = bytes_;
  summary.md5_hex = md5_.FinishHex();
  return summary;
}

void ParquetReportWriter::Abandon() {
  done_ = true;
  columns_.clear();
}

int64_t ParquetReportWriter::BytesWritten() const {
  int64_t buffered = 0;
  for (const ParquetColumnWriter& c : columns_) buffered += c.compressed_bytes();
  return bytes_ + buffered;
}

Status ParquetReportWriter::Emit(std::string_view bytes) {
  md5_.Update(bytes);
  bytes_ += static_cast<int64_t>(bytes.size());
  return out_->Append(bytes);
}

}  // namespace stocktake::format
