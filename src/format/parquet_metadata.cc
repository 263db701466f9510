#include "format/parquet_metadata.h"

#include "format/thrift_compact.h"

namespace stocktake::format {
namespace {

void WriteSchemaElement(const ParquetSchemaElement& e, ThriftWriter* w) {
  w->BeginStructElement();
  if (e.type) w->I32Field(1, static_cast<int32_t>(*e.type));
  if (e.type_length) w->I32Field(2, *e.type_length);
  if (e.repetition) w->I32Field(3, static_cast<int32_t>(*e.repetition));
  w->BinaryField(4, e.name);
  if (e.num_children) w->I32Field(5, *e.num_children);
  if (e.converted_type) w->I32Field(6, *e.converted_type);
  switch (e.logical) {
    case ParquetLogical::kString:
      w->BeginStructField(10);  // LogicalType
      w->BeginStructField(1);   // StringType
      w->EndStruct();
      w->EndStruct();
      break;
    case ParquetLogical::kTimestampMillis:
    case ParquetLogical::kTimestampMicros:
    case ParquetLogical::kTimestampNanos:
      w->BeginStructField(10);  // LogicalType
      w->BeginStructField(8);   // TimestampType
      w->BoolField(1, e.timestamp_utc);
      w->BeginStructField(2);  // TimeUnit
      w->BeginStructField(e.logical == ParquetLogical::kTimestampMillis   ? 1
                          : e.logical == ParquetLogical::kTimestampMicros ? 2
                                                                          : 3);
      w->EndStruct();
      w->EndStruct();
      w->EndStruct();
      w->EndStruct();
      break;
    case ParquetLogical::kDate:
      w->BeginStructField(10);  // LogicalType
      w->BeginStructField(6);   // DateType
      w->EndStruct();
      w->EndStruct();
      break;
    case ParquetLogical::kNone:
    case ParquetLogical::kOther:
      break;
  }
  w->EndStruct();
}

void WriteStatistics(int16_t id, const ParquetStatistics& s, ThriftWriter* w) {
  w->BeginStructField(id);
  if (s.null_count) w->I64Field(3, *s.null_count);
  if (s.max_value) w->BinaryField(5, *s.max_value);
  if (s.min_value) w->BinaryField(6, *s.min_value);
  w->EndStruct();
}

void WriteColumnMetaData(const ParquetColumnMetaData& m, ThriftWriter* w) {
  w->BeginStructField(3);
  w->I32Field(1, static_cast<int32_t>(m.type));
  w->BeginListField(2, ThriftType::kI32, static_cast<int32_t>(m.encodings.size()));
  for (ParquetEncoding e : m.encodings) w->I32Element(static_cast<int32_t>(e));
  w->BeginListField(3, ThriftType::kBinary, static_cast<int32_t>(m.path_in_schema.size()));
  for (const std::string& p : m.path_in_schema) w->BinaryElement(p);
  w->I32Field(4, static_cast<int32_t>(m.codec));
  w->I64Field(5, m.num_values);
  w->I64Field(6, m.total_uncompressed_size);
  w->I64Field(7, m.total_compressed_size);
  w->I64Field(9, m.data_page_offset);
  if (m.dictionary_page_offset) w->I64Field(11, *m.dictionary_page_offset);
  if (m.statistics) WriteStatistics(12, *m.statistics, w);
  w->EndStruct();
}

void WriteRowGroup(const ParquetRowGroup& g, ThriftWriter* w) {
  w->BeginStructElement();
  w->BeginListField(1, ThriftType::kStruct, static_cast<int32_t>(g.columns.size()));
  for (const ParquetColumnChunk& c : g.columns) {
    w->BeginStructElement();
    w->I64Field(2, c.file_offset);
    WriteColumnMetaData(c.meta_data, w);
    w->EndStruct();
  }
  w->I64Field(2, g.total_byte_size);
  w->I64Field(3, g.num_rows);
  w->I64Field(5, g.file_offset);
  w->I64Field(6, g.total_compressed_size);
  w->I16Field(7, g.ordinal);
  w->EndStruct();
}

}  // namespace

std::string EncodeFileMetaData(const ParquetFileMetaData& meta) {
  ThriftWriter w;
  w.I32Field(1, meta.version);
  w.BeginListField(2, ThriftType::kStruct, static_cast<int32_t>(meta.schema.size()));
  for (const ParquetSchemaElement& e : meta.schema) WriteSchemaElement(e, &w);
  w.I64Field(3, meta.num_rows);
  w.BeginListField(4, ThriftType::kStruct, static_cast<int32_t>(meta.row_groups.size()));
  for (const ParquetRowGroup& g : meta.row_groups) WriteRowGroup(g, &w);
  if (!meta.key_value_metadata.empty()) {
    w.BeginListField(5, ThriftType::kStruct, static_cast<int32_t>(meta.key_value_metadata.size()));
    for (const auto& [key, value] : meta.key_value_metadata) {
      w.BeginStructElement();
      w.BinaryField(1, key);
      w.BinaryField(2, value);
      w.EndStruct();
    }
  }
  if (!meta.created_by.empty()) w.BinaryField(6, meta.created_by);
  if (meta.type_defined_column_orders && !meta.schema.empty()) {
    const int32_t leaves = static_cast<int32_t>(meta.schema.size()) - 1;
    w.BeginListField(7, ThriftType::kStruct, leaves);
    for (int32_t i = 0; i < leaves; ++i) {
      w.BeginStructElement();  // ColumnOrder union
      w.BeginStructField(1);   // TYPE_ORDER
      w.EndStruct();
      w.EndStruct();
    }
  }
  w.EndStruct();
  return w.Release();
}

std::string EncodePageHeader(const ParquetPageHeader& h) {
  ThriftWriter w;
  w.I32Field(1, static_cast<int32_t>(h.type));
  w.I32Field(2, h.uncompressed_page_size);
  w.I32Field(3, h.compressed_page_size);
  switch (h.type) {
    case ParquetPageType::kDataPage:
      w.BeginStructField(5);
      w.I32Field(1, h.num_values);
      w.I32Field(2, static_cast<int32_t>(h.encoding));
      w.I32Field(3, static_cast<int32_t>(h.definition_level_encoding));
      w.I32Field(4, static_cast<int32_t>(h.repetition_level_encoding));
      w.EndStruct();
      break;
    case ParquetPageType::kDictionaryPage:
      w.BeginStructField(7);
      w.I32Field(1, h.num_values);
      w.I32Field(2, static_cast<int32_t>(h.encoding));
      w.EndStruct();
      break;
    case ParquetPageType::kDataPageV2:
      w.BeginStructField(8);
      w.I32Field(1, h.num_values);
      w.I32Field(2, h.num_nulls);
      w.I32Field(3, h.num_rows);
      w.I32Field(4, static_cast<int32_t>(h.encoding));
      w.I32Field(5, h.definition_levels_byte_length);
      w.I32Field(6, h.repetition_levels_byte_length);
      w.BoolField(7, h.is_compressed);
      w.EndStruct();
      break;
    case ParquetPageType::kIndexPage:
      break;
  }
  w.EndStruct();
  return w.Release();
}

}  // namespace stocktake::format
