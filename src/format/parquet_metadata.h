// The subset of Parquet's Thrift metadata (parquet.thrift: FileMetaData,
// SchemaElement, RowGroup, ColumnChunk, ColumnMetaData, Statistics,
// PageHeader) that flat inventory files use, as plain structs, with their
// compact-protocol encoders. Field ids and enum values are those of
// apache/parquet-format; docs/report-format.md links the format. Pure
// values and functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace stocktake::format {

enum class ParquetType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ParquetRepetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

enum class ParquetEncoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class ParquetCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class ParquetPageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

// ConvertedType values stocktake writes or interprets.
inline constexpr int32_t kConvertedUtf8 = 0;
inline constexpr int32_t kConvertedDate = 6;
inline constexpr int32_t kConvertedTimestampMillis = 9;
inline constexpr int32_t kConvertedTimestampMicros = 10;

// The LogicalType union members stocktake writes or interprets.
enum class ParquetLogical {
  kNone,
  kString,
  kTimestampMillis,
  kTimestampMicros,
  kTimestampNanos,
  kDate,
  kOther,
};

struct ParquetSchemaElement {
  std::string name;
  std::optional<ParquetType> type;  // absent for the root (a group)
  std::optional<int32_t> type_length;  // FIXED_LEN_BYTE_ARRAY only
  std::optional<ParquetRepetition> repetition;
  std::optional<int32_t> num_children;
  std::optional<int32_t> converted_type;
  ParquetLogical logical = ParquetLogical::kNone;
  bool timestamp_utc = true;  // isAdjustedToUTC for timestamps
};

// Column chunk statistics in the type's own order: min/max are PLAIN
// encodings (8-byte LE for INT64, one byte for BOOLEAN, raw bytes for
// BYTE_ARRAY, compared as unsigned bytes).
struct ParquetStatistics {
  std::optional<std::string> min_value;
  std::optional<std::string> max_value;
  std::optional<int64_t> null_count;
};

struct ParquetColumnMetaData {
  ParquetType type = ParquetType::kByteArray;
  std::vector<ParquetEncoding> encodings;
  std::vector<std::string> path_in_schema;
  ParquetCodec codec = ParquetCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // pages including their headers
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<ParquetStatistics> statistics;
};

struct ParquetColumnChunk {
  std::string file_path;  // "" = this file, the only case stocktake reads
  int64_t file_offset = 0;
  ParquetColumnMetaData meta_data;
};

struct ParquetRowGroup {
  std::vector<ParquetColumnChunk> columns;
  int64_t total_byte_size = 0;  // uncompressed
  int64_t num_rows = 0;
  int64_t file_offset = 0;
  int64_t total_compressed_size = 0;
  int16_t ordinal = 0;
};

struct ParquetFileMetaData {
  int32_t version = 1;
  std::vector<ParquetSchemaElement> schema;  // root first, then leaves
  int64_t num_rows = 0;
  std::vector<ParquetRowGroup> row_groups;
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
  std::string created_by;
  // Writes one TypeDefinedOrder per leaf, which tells readers that
  // min_value/max_value follow the logical type's order.
  bool type_defined_column_orders = true;
};

struct ParquetPageHeader {
  ParquetPageType type = ParquetPageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  // DATA_PAGE, DATA_PAGE_V2 and DICTIONARY_PAGE.
  int32_t num_values = 0;
  ParquetEncoding encoding = ParquetEncoding::kPlain;
  // DATA_PAGE (v1) level encodings.
  ParquetEncoding definition_level_encoding = ParquetEncoding::kRle;
  ParquetEncoding repetition_level_encoding = ParquetEncoding::kRle;
  // DATA_PAGE_V2.
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

// Thrift compact encodings, as they appear in the file.
std::string EncodeFileMetaData(const ParquetFileMetaData& meta);
std::string EncodePageHeader(const ParquetPageHeader& header);

// Decoders (parquet_metadata_decoder.cc). Corruption, naming the struct and
// field, on malformed or truncated input or a field of the wrong type;
// unknown fields are skipped. Enum values are range-checked against
// parquet.thrift only where the reader switches on them.
Result<ParquetFileMetaData> DecodeFileMetaData(std::string_view data);
// `*consumed` gets the encoded header's length.
Result<ParquetPageHeader> DecodePageHeader(std::string_view data, size_t* consumed);

}  // namespace stocktake::format
