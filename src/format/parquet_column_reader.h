// ParquetColumnReader: decodes the values of one flat column chunk, page by
// page: dictionary page, data pages v1 and v2, PLAIN, PLAIN_DICTIONARY /
// RLE_DICTIONARY, RLE (booleans), DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT
// (FLOAT, DOUBLE, INT32, INT64) encodings, RLE definition
// levels, and the codecs of DecompressPage. Values come out as CellValues:
// timestamps (INT64 MILLIS/MICROS/NANOS, INT96, DATE) as epoch millis,
// INT32/INT64 as int64, FLOAT/DOUBLE as double, byte arrays as strings.
//
// The reader owns the chunk's (compressed) bytes, the decompressed
// dictionary and one decoded page. Corrupt input is Corruption naming the
// column, never a crash; encodings it does not know are InvalidArgument.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "format/cell_value.h"
#include "format/parquet_metadata.h"

namespace stocktake::format {

// What a leaf column holds and how its values map to CellValues.
struct ParquetColumnDescriptor {
  std::string name;
  ParquetType physical = ParquetType::kByteArray;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY
  bool optional = true;     // max definition level 1 (else 0)
  CellType cell_type = CellType::kString;
  // INT64 timestamps: raw units per millisecond (1, 1000, 1000000); INT32
  // DATE: days are scaled to millis.
  int64_t units_per_milli = 1;
  bool is_date = false;
};

// The descriptor of a flat leaf; InvalidArgument for repeated leaves.
Result<ParquetColumnDescriptor> DescribeColumn(const ParquetSchemaElement& element);

class ParquetColumnReader {
 public:
  explicit ParquetColumnReader(ParquetColumnDescriptor descriptor) : d_(std::move(descriptor)) {}

  // Starts a new chunk of `num_values` values compressed with `codec`.
  void Reset(std::string chunk, int64_t num_values, ParquetCodec codec);
  // The next value; Corruption when the chunk ends before `num_values`.
  Status Next(CellValue* value);

  const ParquetColumnDescriptor& descriptor() const { return d_; }

 private:
  Status LoadPage();
  Status ReadDictionary(const ParquetPageHeader& header, std::string_view body);
  Status DecodeValues(ParquetEncoding encoding, std::string_view data, size_t count);
  Status DecodePlain(std::string_view data, size_t count, bool into_dictionary);
  Status Fail(std::string what) const;

  const ParquetColumnDescriptor d_;
  ParquetCodec codec_ = ParquetCodec::kUncompressed;
  std::string chunk_;
  size_t chunk_pos_ = 0;
  int64_t remaining_ = 0;  // values of the chunk not yet returned

  // Dictionary (its page stays decompressed: string views point into it).
  std::string dict_page_;
  bool has_dictionary_ = false;
  std::vector<int64_t> dict_ints_;
  std::vector<double> dict_doubles_;
  std::vector<std::string_view> dict_strings_;

  // Current data page: definition levels and its non-null values.
  std::string page_;
  std::string string_storage_;  // DELTA_BYTE_ARRAY values, BYTE_STREAM_SPLIT bytes
  std::vector<uint32_t> defs_;
  size_t page_values_ = 0;
  size_t page_index_ = 0;
  size_t value_index_ = 0;
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::vector<std::string_view> strings_;
  std::vector<uint32_t> indices_;
};

}  // namespace stocktake::format
