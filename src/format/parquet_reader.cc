#include "format/parquet_reader.h"

#include <cstring>

namespace stocktake::format {
namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr int64_t kTailBytes = 64 << 10;
constexpr int64_t kMaxFooterBytes = 256 << 20;

}  // namespace

Status ParquetReader::Fail(std::string what) const {
  return Corruption("read parquet " + name_ + ": " + what);
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(ParquetRangeReader read,
                                                           int64_t file_size, std::string name) {
  std::unique_ptr<ParquetReader> reader(new ParquetReader(std::move(read), std::move(name)));
  RETURN_IF_ERROR(reader->ReadFooter(file_size));
  return reader;
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(store::ObjectStore* store,
                                                           std::string_view bucket,
                                                           std::string_view key) {
  ASSIGN_OR_RETURN(store::ObjectInfo info, store->Head(bucket, key));
  auto read = [store, bucket = std::string(bucket), key = std::string(key)](
                  int64_t offset, int64_t length) -> Result<std::string> {
    if (length == 0) return std::string();
    return store->Get(bucket, key, store::ByteRange{offset, length});
  };
  return Open(read, info.size, store->Url(bucket, key));
}

Status ParquetReader::ReadFooter(int64_t file_size) {
  if (file_size < 12)
    return Fail("too small for Parquet (" + std::to_string(file_size) + " bytes)");
  const int64_t tail_length = std::min(file_size, kTailBytes);
  ASSIGN_OR_RETURN(std::string tail, read_(file_size - tail_length, tail_length));
  if (static_cast<int64_t>(tail.size()) != tail_length) return Fail("short read of the footer");
  const std::string_view end = std::string_view(tail).substr(tail.size() - 4);
  if (end == "PARE")
    return InvalidArgument("read parquet " + name_ + ": encrypted footers are not supported");
  if (end != kMagic) return Fail("no PAR1 magic at the end (not Parquet, or truncated)");
  if (tail_length == file_size && tail.compare(0, 4, kMagic) != 0) {
    return Fail("no PAR1 magic at the start");
  }
  uint32_t footer_length;
  std::memcpy(&footer_length, tail.data() + tail.size() - 8, 4);
  if (footer_length > file_size - 12 || footer_length > kMaxFooterBytes) {
    return Fail("footer length " + std::to_string(footer_length) + " does not fit the file");
  }
  data_end_ = file_size - 8 - footer_length;
  std::string footer;
  if (footer_length + 8 <= tail_length) {
    footer = tail.substr(tail.size() - 8 - footer_length, footer_length);
  } else {
    ASSIGN_OR_RETURN(footer, read_(data_end_, footer_length));
    if (footer.size() != footer_length) return Fail("short read of the footer");
  }
  Result<ParquetFileMetaData> meta = DecodeFileMetaData(footer);
  if (!meta.ok()) return meta.status().WithContext("read parquet " + name_);
  meta_ = std::move(meta).value();

  if (meta_.schema.empty()) return Fail("empty schema");
  const size_t leaves = meta_.schema.size() - 1;
  if (meta_.schema[0].num_children.value_or(-1) != static_cast<int32_t>(leaves)) {
    return InvalidArgument("read parquet " + name_ + ": nested schemas are not supported");
  }
  for (size_t i = 1; i < meta_.schema.size(); ++i) {
    Result<ParquetColumnDescriptor> d = DescribeColumn(meta_.schema[i]);
    if (!d.ok()) return d.status().WithContext("read parquet " + name_);
    columns_.push_back({d->name, d->cell_type, d->optional});
    readers_.emplace_back(std::move(d).value());
  }
  for (const ParquetRowGroup& g : meta_.row_groups) {
    if (g.columns.size() != leaves) return Fail("row group column count differs from the schema");
    if (g.num_rows < 0) return Fail("negative row count");
  }
  return Status::OK();
}

Status ParquetReader::LoadRowGroup(size_t index) {
  const ParquetRowGroup& g = meta_.row_groups[index];
  for (size_t i = 0; i < g.columns.size(); ++i) {
    const ParquetColumnChunk& c = g.columns[i];
    const ParquetColumnMetaData& m = c.meta_data;
    const std::string& column = columns_[i].name;
    if (!c.file_path.empty()) {
      return InvalidArgument("read parquet " + name_ + ": column " + column +
                             " is in another file (" + c.file_path + ")");
    }
    if (m.type != readers_[i].descriptor().physical) {
      return Fail("column " + column + ": chunk type differs from the schema");
    }
    if (m.num_values != g.num_rows) {
      return Fail("column " + column + ": " + std::to_string(m.num_values) + " values in " +
                  std::to_string(g.num_rows) + " rows");
    }
    int64_t start = m.data_page_offset;
    if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 &&
        *m.dictionary_page_offset < start) {
      start = *m.dictionary_page_offset;
    }
    if (start < 4 || m.total_compressed_size < 0 || start > data_end_ ||
        m.total_compressed_size > data_end_ - start) {
      return Fail("column " + column + ": chunk lies outside the data");
    }
    ASSIGN_OR_RETURN(std::string chunk, read_(start, m.total_compressed_size));
    if (static_cast<int64_t>(chunk.size()) != m.total_compressed_size) {
      return Fail("column " + column + ": short read");
    }
    readers_[i].Reset(std::move(chunk), m.num_values, m.codec);
  }
  group_rows_ = g.num_rows;
  row_in_group_ = 0;
  return Status::OK();
}

Result<bool> ParquetReader::NextRow(std::vector<CellValue>* row) {
  while (row_in_group_ >= group_rows_) {
    if (next_group_ >= meta_.row_groups.size()) return false;
    RETURN_IF_ERROR(LoadRowGroup(next_group_++));
  }
  row->resize(readers_.size());
  for (size_t i = 0; i < readers_.size(); ++i) {
    Status st = readers_[i].Next(&(*row)[i]);
    if (!st.ok()) {
      return st.WithContext("read parquet " + name_ + ": row group " +
                            std::to_string(next_group_ - 1));
    }
  }
  ++row_in_group_;
  return true;
}

Status ParquetReader::MapInventoryColumns() {
  bool has_key = false;
  for (const ParquetColumnInfo& c : columns_) {
    std::optional<InventoryField> field = ParseColumnName(c.name);
    if (field) {
      const FieldType want = FieldTypeOf(*field);
      const bool fits = (want == FieldType::kString && c.type == CellType::kString) ||
                        (want == FieldType::kBool && c.type == CellType::kBool) ||
                        (want == FieldType::kInt64 && c.type == CellType::kInt64) ||
                        (want == FieldType::kTimestampMillis &&
                         (c.type == CellType::kTimestampMillis || c.type == CellType::kInt64));
      if (!fits) {
        return InvalidArgument("read parquet " + name_ + ": column " + c.name + " is " +
                               CellTypeName(c.type) + ", not an inventory " +
                               std::string(FieldName(*field)));
      }
      has_key = has_key || *field == InventoryField::kKey;
    }
    fields_.push_back(field);
  }
  if (!has_key) return InvalidArgument("read parquet " + name_ + ": no key column");
  fields_mapped_ = true;
  return Status::OK();
}

Result<bool> ParquetReader::NextObject(store::ObjectInfo* object, std::string* bucket) {
  if (!fields_mapped_) RETURN_IF_ERROR(MapInventoryColumns());
  ASSIGN_OR_RETURN(bool more, NextRow(&row_));
  if (!more) return false;
  store::ObjectInfo& o = *object;
  o = store::ObjectInfo();
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!fields_[i]) continue;
    CellValue& v = row_[i];
    const bool null = v.is_null();
    auto take_string = [&](std::string* out) {
      if (!null) *out = std::move(v.string_value);
    };
    auto take_time = [&](std::optional<int64_t>* out) {
      if (!null) *out = v.int_value;
    };
    switch (*fields_[i]) {
      case InventoryField::kBucket:
        if (bucket != nullptr) take_string(bucket);
        break;
      case InventoryField::kKey:
        take_string(&o.key);
        break;
      case InventoryField::kVersionId:
        // The writer's rule reversed: "" is S3's null version, null is none.
        if (!null) o.version_id = v.string_value.empty() ? "null" : std::move(v.string_value);
        break;
      case InventoryField::kIsLatest:
        if (!null) o.is_latest = v.int_value != 0;
        break;
      case InventoryField::kIsDeleteMarker:
        if (!null) o.is_delete_marker = v.int_value != 0;
        break;
      case InventoryField::kSize:
        if (!null) o.size = v.int_value;
        break;
      case InventoryField::kLastModifiedDate:
        if (!null) o.last_modified_ms = v.int_value;
        break;
      case InventoryField::kETag:
        take_string(&o.etag);
        break;
      case InventoryField::kStorageClass:
        take_string(&o.storage_class);
        break;
      case InventoryField::kReplicationStatus:
        take_string(&o.replication_status);
        break;
      case InventoryField::kEncryptionStatus:
        take_string(&o.encryption_status);
        break;
      case InventoryField::kObjectLockRetainUntilDate:
        take_time(&o.object_lock_retain_until_ms);
        break;
      case InventoryField::kObjectLockMode:
        take_string(&o.object_lock_mode);
        break;
      case InventoryField::kObjectLockLegalHoldStatus:
        take_string(&o.object_lock_legal_hold);
        break;
      case InventoryField::kIntelligentTieringAccessTier:
        take_string(&o.intelligent_tiering_access_tier);
        break;
      case InventoryField::kBucketKeyStatus:
        take_string(&o.bucket_key_status);
        break;
      case InventoryField::kChecksumAlgorithm:
        take_string(&o.checksum_algorithm);
        break;
      case InventoryField::kObjectOwner:
        take_string(&o.owner_id);
        break;
      case InventoryField::kObjectAccessControlList:
        take_string(&o.access_control_list);
        break;
      case InventoryField::kLifecycleExpirationDate:
        take_time(&o.lifecycle_expiration_ms);
        break;
      case InventoryField::kIsMultipartUploaded:  // derived from the ETag
        break;
    }
  }
  return true;
}

}  // namespace stocktake::format
