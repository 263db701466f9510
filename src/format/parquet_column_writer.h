// ParquetColumnWriter: buffers one flat column of the current row group as
// compressed data pages (v1) and, at FinishChunk, returns the column chunk
// bytes (dictionary page first) with their ColumnMetaData.
//
// Strings are dictionary-encoded (RLE_DICTIONARY) until the dictionary
// would pass the configured entry or byte limit; later pages of that chunk
// are PLAIN (readers handle mixed pages, as parquet-mr writes them). INT64
// and BOOLEAN are PLAIN. Optional columns carry RLE definition levels.
// Memory: the compressed pages of one chunk, one open page, the dictionary.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "format/parquet_encoding.h"
#include "format/parquet_metadata.h"

namespace stocktake::format {

struct ParquetColumnLimits {
  size_t page_bytes = 1 << 20;  // uncompressed values per data page
  size_t page_rows = 20'000;
  size_t dictionary_entries = 65'536;
  size_t dictionary_bytes = 1 << 20;
};

class ParquetColumnWriter {
 public:
  // REQUIRES: type is kByteArray, kInt64 or kBoolean.
  ParquetColumnWriter(std::string name, ParquetType type, bool required, ParquetCodec codec,
                      int level, const ParquetColumnLimits& limits);

  // REQUIRES: the call matching the column's type; AddNull only if optional.
  // Internal when compressing a full page fails.
  Status AddNull();
  Status AddString(std::string_view value);
  Status AddInt64(int64_t value);
  Status AddBool(bool value);

  // Uncompressed bytes of the chunk so far, including the open page.
  int64_t uncompressed_bytes() const { return uncompressed_ + static_cast<int64_t>(PageBytes()); }
  // Compressed bytes of the chunk's closed data pages; it only grows until
  // FinishChunk, whose output adds the dictionary page.
  int64_t compressed_bytes() const { return static_cast<int64_t>(pages_.size()); }

  // Closes the chunk: `*bytes` gets the chunk as it goes into the file at
  // `file_offset`, `*meta` its metadata. Resets for the next row group.
  // Internal when compression fails.
  Status FinishChunk(int64_t file_offset, std::string* bytes, ParquetColumnChunk* meta);

 private:
  size_t PageBytes() const;
  Status NoteValue();
  Status ClosePage();
  void AppendPage(const ParquetPageHeader& header, std::string_view body, std::string* out);
  void UpdateStringStats(std::string_view value);

  const std::string name_;
  const ParquetType type_;
  const bool required_;
  const ParquetColumnLimits limits_;
  PageCompressor compressor_;

  // Open page.
  std::vector<uint32_t> defs_;     // optional columns: 1 = value, 0 = null
  std::vector<uint32_t> indices_;  // dictionary-encoded strings
  std::vector<uint8_t> bools_;
  std::string plain_;  // PLAIN values (INT64, fallback strings)
  int32_t page_rows_ = 0;
  bool page_is_dictionary_ = false;  // until the chunk's dictionary is full

  // Chunk.
  StringDictionary dictionary_;
  bool used_dictionary_ = false;
  std::string pages_;
  int64_t uncompressed_ = 0;
  int64_t num_values_ = 0;
  int64_t null_count_ = 0;
  bool has_stats_ = false;
  std::string min_string_, max_string_;
  int64_t min_int_ = 0, max_int_ = 0;

  // Scratch buffers reused across pages.
  std::string body_, compressed_;
};

}  // namespace stocktake::format
