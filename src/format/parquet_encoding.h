// Parquet value encodings shared by the writer and the reader: the RLE /
// bit-packed hybrid (definition levels, dictionary indices), a string
// dictionary builder that produces the PLAIN dictionary page, and page
// compression (Snappy, Gzip, Zstd, none). See docs/report-format.md for the
// links to the Parquet encoding spec. Functions are thread-safe; a
// StringDictionary is a value that is not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "format/parquet_metadata.h"

namespace stocktake::format {

// Bits needed for values 0..max_value (at least 1, which every reader
// accepts for dictionary indices).
int BitWidthFor(uint64_t max_value);

// Appends the RLE/bit-packed hybrid encoding of `values` (each < 2^bit_width)
// without a length prefix. Runs of 8 or more equal values become RLE runs;
// the rest is bit-packed in groups of 8, zero-padded only at the end.
void AppendRleHybrid(const uint32_t* values, size_t count, int bit_width, std::string* out);

// Decodes `count` values of the hybrid encoding from `data`; Corruption if it
// ends early or a run overflows. `*consumed` gets the bytes read.
Status DecodeRleHybrid(std::string_view data, int bit_width, size_t count,
                       std::vector<uint32_t>* values, size_t* consumed);

// DELTA_BINARY_PACKED (parquet_delta.cc): exactly `count` values, which
// must be the count in the encoded header; arithmetic wraps in 64 bits (INT32
// callers truncate). `*consumed` gets the bytes read. Corruption on
// malformed input.
Status DecodeDeltaBinaryPacked(std::string_view data, size_t count, std::vector<int64_t>* values,
                               size_t* consumed);
// DELTA_LENGTH_BYTE_ARRAY: `count` views into `data`.
Status DecodeDeltaLengthByteArray(std::string_view data, size_t count,
                                  std::vector<std::string_view>* values, size_t* consumed);
// DELTA_BYTE_ARRAY (prefix lengths, then suffixes as DELTA_LENGTH_BYTE_ARRAY):
// the values are rebuilt into `*storage`, and `*values` views into it.
Status DecodeDeltaByteArray(std::string_view data, size_t count, std::string* storage,
                            std::vector<std::string_view>* values);

// Distinct strings in first-seen order, kept PLAIN-encoded (4-byte LE length
// + bytes each) so the dictionary page is ready as is.
class StringDictionary {
 public:
  // The value's index, inserting it when new; nullopt when inserting would
  // exceed `max_entries` entries or `max_bytes` of PLAIN data. `*inserted`
  // says whether it was new.
  std::optional<uint32_t> FindOrInsert(std::string_view value, size_t max_entries, size_t max_bytes,
                                       bool* inserted);
  size_t size() const { return offsets_.size(); }
  const std::string& plain() const { return plain_; }
  void Clear();

 private:
  std::string_view EntryAt(uint32_t index) const;
  void Grow();

  std::string plain_;
  std::vector<uint32_t> offsets_;  // of each entry's length prefix in plain_
  std::vector<uint32_t> hashes_;
  std::vector<uint32_t> slots_;  // entry index + 1; 0 = empty; size power of two
};

// Compresses page bodies with one codec (Uncompressed, Snappy, Gzip, Zstd),
// reusing its compression context. `level` applies to Gzip (1..12) and Zstd
// (1..22). Not thread-safe; movable.
class PageCompressor {
 public:
  PageCompressor(ParquetCodec codec, int level);
  ~PageCompressor();
  PageCompressor(PageCompressor&& other) noexcept;
  PageCompressor& operator=(PageCompressor&&) = delete;

  // Replaces `*out` with the compressed bytes; Internal on failure.
  Status Compress(std::string_view input, std::string* out);
  ParquetCodec codec() const { return codec_; }

 private:
  ParquetCodec codec_;
  int level_;
  void* context_ = nullptr;  // libdeflate_compressor or ZSTD_CCtx
};

// Inverse of CompressPage; Corruption when the data does not decompress to
// exactly `uncompressed_size` bytes, InvalidArgument for other codecs.
Status DecompressPage(ParquetCodec codec, std::string_view input, size_t uncompressed_size,
                      std::string* out);

}  // namespace stocktake::format
