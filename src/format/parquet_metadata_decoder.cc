// Decoders of parquet_metadata.h: FileMetaData and PageHeader from the
// Thrift compact protocol. Field ids are those of parquet.thrift.
#include "format/parquet_metadata.h"
#include "format/thrift_compact.h"

namespace stocktake::format {
namespace {

// Reads the fields of one struct (already entered or top level), calling
// on_field(type, id) for each; on_field reads or skips the value. Every
// field takes at least one byte, so the input bounds the loop.
template <typename F>
Status ReadStruct(ThriftReader* r, F&& on_field) {
  r->BeginStruct();
  while (true) {
    ThriftType type;
    int16_t id = 0;
    RETURN_IF_ERROR(r->ReadFieldHeader(&type, &id));
    if (type == ThriftType::kStop) break;
    RETURN_IF_ERROR(on_field(type, id));
  }
  r->EndStruct();
  return Status::OK();
}

Status WrongType(const char* what) {
  return Corruption(std::string("parquet metadata: field ") + what + " has the wrong type");
}

Status ReadI32(ThriftReader* r, ThriftType type, const char* what, int32_t* value) {
  // i16 and i32 share the zigzag varint encoding.
  if (type != ThriftType::kI32 && type != ThriftType::kI16) return WrongType(what);
  return r->ReadI32(value);
}

Status ReadI64(ThriftReader* r, ThriftType type, const char* what, int64_t* value) {
  if (type != ThriftType::kI64 && type != ThriftType::kI32) return WrongType(what);
  return r->ReadI64(value);
}

Status ReadString(ThriftReader* r, ThriftType type, const char* what, std::string* value) {
  if (type != ThriftType::kBinary) return WrongType(what);
  std::string_view view;
  RETURN_IF_ERROR(r->ReadBinary(&view));
  value->assign(view);
  return Status::OK();
}

Status ReadBool(ThriftType type, const char* what, bool* value) {
  if (type != ThriftType::kTrue && type != ThriftType::kFalse) return WrongType(what);
  *value = type == ThriftType::kTrue;
  return Status::OK();
}

// Reads a list header whose elements must be `element` (empty lists may
// declare any type). on_element() reads one element.
template <typename F>
Status ReadList(ThriftReader* r, ThriftType type, ThriftType element, const char* what,
                F&& on_element) {
  if (type != ThriftType::kList) return WrongType(what);
  ThriftType actual;
  int32_t size;
  RETURN_IF_ERROR(r->ReadListHeader(&actual, &size));
  if (size > 0 && actual != element) return WrongType(what);
  for (int32_t i = 0; i < size; ++i) RETURN_IF_ERROR(on_element());
  return Status::OK();
}

template <typename F>
Status ReadStructField(ThriftReader* r, ThriftType type, const char* what, F&& on_field) {
  if (type != ThriftType::kStruct) return WrongType(what);
  return ReadStruct(r, on_field);
}

Status ReadLogicalType(ThriftReader* r, ThriftType type, ParquetSchemaElement* e) {
  return ReadStructField(r, type, "SchemaElement.logicalType", [&](ThriftType t, int16_t id) {
    if (id == 1) e->logical = ParquetLogical::kString;
    if (id == 6) e->logical = ParquetLogical::kDate;
    if (id != 8) {
      if (id != 1 && id != 6) e->logical = ParquetLogical::kOther;
      return r->Skip(t);
    }
    return ReadStructField(r, t, "TimestampType", [&](ThriftType ft, int16_t fid) {
      if (fid == 1) return ReadBool(ft, "TimestampType.isAdjustedToUTC", &e->timestamp_utc);
      if (fid != 2) return r->Skip(ft);
      e->logical = ParquetLogical::kOther;
      return ReadStructField(r, ft, "TimeUnit", [&](ThriftType ut, int16_t uid) {
        if (uid == 1) e->logical = ParquetLogical::kTimestampMillis;
        if (uid == 2) e->logical = ParquetLogical::kTimestampMicros;
        if (uid == 3) e->logical = ParquetLogical::kTimestampNanos;
        return r->Skip(ut);
      });
    });
  });
}

Status ReadSchemaElement(ThriftReader* r, ParquetSchemaElement* e) {
  return ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    int32_t v = 0;
    switch (id) {
      case 1:
        RETURN_IF_ERROR(ReadI32(r, t, "SchemaElement.type", &v));
        if (v < 0 || v > static_cast<int32_t>(ParquetType::kFixedLenByteArray)) {
          return Corruption("parquet metadata: unknown physical type " + std::to_string(v));
        }
        e->type = static_cast<ParquetType>(v);
        return Status::OK();
      case 2:
        RETURN_IF_ERROR(ReadI32(r, t, "SchemaElement.type_length", &v));
        e->type_length = v;
        return Status::OK();
      case 3:
        RETURN_IF_ERROR(ReadI32(r, t, "SchemaElement.repetition_type", &v));
        if (v < 0 || v > 2) return Corruption("parquet metadata: repetition " + std::to_string(v));
        e->repetition = static_cast<ParquetRepetition>(v);
        return Status::OK();
      case 4:
        return ReadString(r, t, "SchemaElement.name", &e->name);
      case 5:
        RETURN_IF_ERROR(ReadI32(r, t, "SchemaElement.num_children", &v));
        e->num_children = v;
        return Status::OK();
      case 6:
        RETURN_IF_ERROR(ReadI32(r, t, "SchemaElement.converted_type", &v));
        e->converted_type = v;
        return Status::OK();
      case 10:
        return ReadLogicalType(r, t, e);
      default:
        return r->Skip(t);
    }
  });
}

Status ReadColumnMetaData(ThriftReader* r, ThriftType type, ParquetColumnMetaData* m) {
  return ReadStructField(r, type, "ColumnChunk.meta_data", [&](ThriftType t, int16_t id) -> Status {
    int32_t v = 0;
    switch (id) {
      case 1:
        RETURN_IF_ERROR(ReadI32(r, t, "ColumnMetaData.type", &v));
        m->type = static_cast<ParquetType>(v);
        return Status::OK();
      case 2:
        return ReadList(r, t, ThriftType::kI32, "ColumnMetaData.encodings", [&] {
          int32_t e;
          RETURN_IF_ERROR(r->ReadI32(&e));
          m->encodings.push_back(static_cast<ParquetEncoding>(e));
          return Status::OK();
        });
      case 3:
        return ReadList(r, t, ThriftType::kBinary, "ColumnMetaData.path_in_schema", [&] {
          std::string_view part;
          RETURN_IF_ERROR(r->ReadBinary(&part));
          m->path_in_schema.emplace_back(part);
          return Status::OK();
        });
      case 4:
        RETURN_IF_ERROR(ReadI32(r, t, "ColumnMetaData.codec", &v));
        m->codec = static_cast<ParquetCodec>(v);
        return Status::OK();
      case 5:
        return ReadI64(r, t, "ColumnMetaData.num_values", &m->num_values);
      case 6:
        return ReadI64(r, t, "ColumnMetaData.total_uncompressed_size", &m->total_uncompressed_size);
      case 7:
        return ReadI64(r, t, "ColumnMetaData.total_compressed_size", &m->total_compressed_size);
      case 9:
        return ReadI64(r, t, "ColumnMetaData.data_page_offset", &m->data_page_offset);
      case 11: {
        int64_t offset = 0;
        RETURN_IF_ERROR(ReadI64(r, t, "ColumnMetaData.dictionary_page_offset", &offset));
        m->dictionary_page_offset = offset;
        return Status::OK();
      }
      default:
        return r->Skip(t);
    }
  });
}

Status ReadRowGroup(ThriftReader* r, ParquetRowGroup* g) {
  return ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    int32_t v = 0;
    switch (id) {
      case 1:
        return ReadList(r, t, ThriftType::kStruct, "RowGroup.columns", [&] {
          ParquetColumnChunk& c = g->columns.emplace_back();
          return ReadStruct(r, [&](ThriftType ct, int16_t cid) -> Status {
            if (cid == 1) return ReadString(r, ct, "ColumnChunk.file_path", &c.file_path);
            if (cid == 2) return ReadI64(r, ct, "ColumnChunk.file_offset", &c.file_offset);
            if (cid == 3) return ReadColumnMetaData(r, ct, &c.meta_data);
            return r->Skip(ct);
          });
        });
      case 2:
        return ReadI64(r, t, "RowGroup.total_byte_size", &g->total_byte_size);
      case 3:
        return ReadI64(r, t, "RowGroup.num_rows", &g->num_rows);
      case 5:
        return ReadI64(r, t, "RowGroup.file_offset", &g->file_offset);
      case 6:
        return ReadI64(r, t, "RowGroup.total_compressed_size", &g->total_compressed_size);
      case 7:
        RETURN_IF_ERROR(ReadI32(r, t, "RowGroup.ordinal", &v));
        g->ordinal = static_cast<int16_t>(v);
        return Status::OK();
      default:
        return r->Skip(t);
    }
  });
}

Status ReadFileMetaData(ThriftReader* r, ParquetFileMetaData* meta) {
  meta->type_defined_column_orders = false;
  return ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        return ReadI32(r, t, "FileMetaData.version", &meta->version);
      case 2:
        return ReadList(r, t, ThriftType::kStruct, "FileMetaData.schema",
                        [&] { return ReadSchemaElement(r, &meta->schema.emplace_back()); });
      case 3:
        return ReadI64(r, t, "FileMetaData.num_rows", &meta->num_rows);
      case 4:
        return ReadList(r, t, ThriftType::kStruct, "FileMetaData.row_groups",
                        [&] { return ReadRowGroup(r, &meta->row_groups.emplace_back()); });
      case 5:
        return ReadList(r, t, ThriftType::kStruct, "FileMetaData.key_value_metadata", [&] {
          auto& [key, value] = meta->key_value_metadata.emplace_back();
          return ReadStruct(r, [&](ThriftType kt, int16_t kid) -> Status {
            if (kid == 1) return ReadString(r, kt, "KeyValue.key", &key);
            if (kid == 2) return ReadString(r, kt, "KeyValue.value", &value);
            return r->Skip(kt);
          });
        });
      case 6:
        return ReadString(r, t, "FileMetaData.created_by", &meta->created_by);
      case 7:
        meta->type_defined_column_orders = true;
        return r->Skip(t);
      default:
        return r->Skip(t);
    }
  });
}

Status ReadPageHeader(ThriftReader* r, ParquetPageHeader* h) {
  auto encoding = [&](ThriftType t, const char* what, ParquetEncoding* out) -> Status {
    int32_t v = 0;
    RETURN_IF_ERROR(ReadI32(r, t, what, &v));
    *out = static_cast<ParquetEncoding>(v);
    return Status::OK();
  };
  return ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    int32_t v = 0;
    switch (id) {
      case 1:
        RETURN_IF_ERROR(ReadI32(r, t, "PageHeader.type", &v));
        h->type = static_cast<ParquetPageType>(v);
        return Status::OK();
      case 2:
        return ReadI32(r, t, "PageHeader.uncompressed_page_size", &h->uncompressed_page_size);
      case 3:
        return ReadI32(r, t, "PageHeader.compressed_page_size", &h->compressed_page_size);
      case 5:
        return ReadStructField(r, t, "DataPageHeader", [&](ThriftType ft, int16_t fid) {
          if (fid == 1) return ReadI32(r, ft, "DataPageHeader.num_values", &h->num_values);
          if (fid == 2) return encoding(ft, "DataPageHeader.encoding", &h->encoding);
          if (fid == 3) {
            return encoding(ft, "DataPageHeader.definition_level_encoding",
                            &h->definition_level_encoding);
          }
          if (fid == 4) {
            return encoding(ft, "DataPageHeader.repetition_level_encoding",
                            &h->repetition_level_encoding);
          }
          return r->Skip(ft);
        });
      case 7:
        return ReadStructField(r, t, "DictionaryPageHeader", [&](ThriftType ft, int16_t fid) {
          if (fid == 1) return ReadI32(r, ft, "DictionaryPageHeader.num_values", &h->num_values);
          if (fid == 2) return encoding(ft, "DictionaryPageHeader.encoding", &h->encoding);
          return r->Skip(ft);
        });
      case 8:
        return ReadStructField(r, t, "DataPageHeaderV2", [&](ThriftType ft, int16_t fid) {
          switch (fid) {
            case 1:
              return ReadI32(r, ft, "DataPageHeaderV2.num_values", &h->num_values);
            case 2:
              return ReadI32(r, ft, "DataPageHeaderV2.num_nulls", &h->num_nulls);
            case 3:
              return ReadI32(r, ft, "DataPageHeaderV2.num_rows", &h->num_rows);
            case 4:
              return encoding(ft, "DataPageHeaderV2.encoding", &h->encoding);
            case 5:
              return ReadI32(r, ft, "DataPageHeaderV2.definition_levels_byte_length",
                             &h->definition_levels_byte_length);
            case 6:
              return ReadI32(r, ft, "DataPageHeaderV2.repetition_levels_byte_length",
                             &h->repetition_levels_byte_length);
            case 7:
              return ReadBool(ft, "DataPageHeaderV2.is_compressed", &h->is_compressed);
            default:
              return r->Skip(ft);
          }
        });
      default:
        return r->Skip(t);
    }
  });
}

}  // namespace

Result<ParquetFileMetaData> DecodeFileMetaData(std::string_view data) {
  ThriftReader reader(data);
  ParquetFileMetaData meta;
  Status st = ReadFileMetaData(&reader, &meta);
  if (!st.ok()) return st.WithContext("parquet footer");
  return meta;
}

Result<ParquetPageHeader> DecodePageHeader(std::string_view data, size_t* consumed) {
  ThriftReader reader(data);
  ParquetPageHeader header;
  Status st = ReadPageHeader(&reader, &header);
  if (!st.ok()) return st.WithContext("parquet page header");
  *consumed = reader.position();
  return header;
}

}  // namespace stocktake::format
