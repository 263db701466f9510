#include "format/parquet_encoding.h"

#include <libdeflate.h>
#include <snappy.h>
#include <zstd.h>

#include <bit>
#include <cstring>
#include <functional>

namespace stocktake::format {
namespace {

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

// Bit-packs values[0..8) (missing ones as 0) LSB first into bit_width bytes.
void AppendPackedGroup(const uint32_t* values, size_t available, int bit_width, std::string* out) {
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < 8; ++i) {
    acc |= static_cast<uint64_t>(i < available ? values[i] : 0) << bits;
    bits += bit_width;
    while (bits >= 8) {
      out->push_back(static_cast<char>(acc & 0xFF));
      acc >>= 8;
      bits -= 8;
    }
  }
}

// Length of the run of equal values starting at `i`, looking at most `cap`.
size_t RunLength(const uint32_t* values, size_t count, size_t i, size_t cap) {
  size_t j = i + 1;
  while (j < count && j - i < cap && values[j] == values[i]) ++j;
  return j - i;
}

}  // namespace

int BitWidthFor(uint64_t max_value) {
  return max_value == 0 ? 1 : 64 - std::countl_zero(max_value);
}

void AppendRleHybrid(const uint32_t* values, size_t count, int bit_width, std::string* out) {
  const int value_bytes = (bit_width + 7) / 8;
  size_t i = 0;
  while (i < count) {
    const size_t run = RunLength(values, count, i, SIZE_MAX);
    if (run >= 8) {
      AppendVarint(static_cast<uint64_t>(run) << 1, out);
      for (int b = 0; b < value_bytes; ++b) out->push_back(static_cast<char>(values[i] >> (8 * b)));
      i += run;
      continue;
    }
    // Bit-pack whole groups of 8 until a long run starts at a group boundary.
    size_t end = i;
    while (end < count && (end == i || RunLength(values, count, end, 8) < 8)) end += 8;
    if (end > count) end = count;
    const size_t groups = (end - i + 7) / 8;
    AppendVarint((static_cast<uint64_t>(groups) << 1) | 1, out);
    for (size_t g = 0; g < groups; ++g) {
      const size_t start = i + g * 8;
      AppendPackedGroup(values + start, std::min<size_t>(8, end - start), bit_width, out);
    }
    i = end;
  }
}

Status DecodeRleHybrid(std::string_view data, int bit_width, size_t count,
                       std::vector<uint32_t>* values, size_t* consumed) {
  if (bit_width < 0 || bit_width > 32) {
    return Corruption("parquet: RLE bit width " + std::to_string(bit_width));
  }
  const size_t value_bytes = (bit_width + 7) / 8;
  const uint64_t mask = bit_width == 32 ? 0xFFFFFFFFu : (uint64_t{1} << bit_width) - 1;
  values->clear();
  values->reserve(count);
  size_t pos = 0;
  while (values->size() < count) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      if (pos >= data.size() || shift > 63) return Corruption("parquet: truncated RLE run header");
      const uint8_t byte = static_cast<uint8_t>(data[pos++]);
      header |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) break;
    }
    const size_t wanted = count - values->size();
    if (header & 1) {
      const uint64_t groups = header >> 1;
      if (groups > (data.size() - pos) / std::max(bit_width, 1)) {
        return Corruption("parquet: bit-packed run longer than its page");
      }
      const size_t n = std::min<uint64_t>(groups * 8, wanted);
      uint64_t acc = 0;
      int bits = 0;
      size_t byte_pos = pos;
      for (size_t k = 0; k < n; ++k) {
        while (bits < bit_width) {
          acc |= static_cast<uint64_t>(static_cast<uint8_t>(data[byte_pos++])) << bits;
          bits += 8;
        }
        values->push_back(static_cast<uint32_t>(acc & mask));
        acc >>= bit_width;
        bits -= bit_width;
      }
      pos += groups * bit_width;
    } else {
      const uint64_t run = header >> 1;
      if (data.size() - pos < value_bytes) return Corruption("parquet: truncated RLE value");
      uint32_t value = 0;
      for (size_t b = 0; b < value_bytes; ++b) {
        value |= static_cast<uint32_t>(static_cast<uint8_t>(data[pos + b])) << (8 * b);
      }
      pos += value_bytes;
      if (value > mask) return Corruption("parquet: RLE value wider than its bit width");
      values->insert(values->end(), std::min<uint64_t>(run, wanted), value);
    }
  }
  *consumed = pos;
  return Status::OK();
}

std::string_view StringDictionary::EntryAt(uint32_t index) const {
  uint32_t length;
  std::memcpy(&length, plain_.data() + offsets_[index], 4);
  return std::string_view(plain_.data() + offsets_[index] + 4, length);
}

void StringDictionary::Grow() {
  const size_t capacity = slots_.empty() ? 1024 : slots_.size() * 2;
  slots_.assign(capacity, 0);
  for (uint32_t e = 0; e < offsets_.size(); ++e) {
    size_t s = hashes_[e] & (capacity - 1);
    while (slots_[s] != 0) s = (s + 1) & (capacity - 1);
    slots_[s] = e + 1;
  }
}

std::optional<uint32_t> StringDictionary::FindOrInsert(std::string_view value, size_t max_entries,
                                                       size_t max_bytes, bool* inserted) {
  *inserted = false;
  if (slots_.empty()) Grow();
  const uint32_t hash = static_cast<uint32_t>(std::hash<std::string_view>{}(value));
  const size_t mask = slots_.size() - 1;
  size_t s = hash & mask;
  while (slots_[s] != 0) {
    const uint32_t e = slots_[s] - 1;
    if (hashes_[e] == hash && EntryAt(e) == value) return e;
    s = (s + 1) & mask;
  }
  if (offsets_.size() + 1 > max_entries || plain_.size() + 4 + value.size() > max_bytes) {
    return std::nullopt;
  }
  const uint32_t index = static_cast<uint32_t>(offsets_.size());
  offsets_.push_back(static_cast<uint32_t>(plain_.size()));
  hashes_.push_back(hash);
  const uint32_t length = static_cast<uint32_t>(value.size());
  plain_.append(reinterpret_cast<const char*>(&length), 4);
  plain_.append(value);
  slots_[s] = index + 1;
  *inserted = true;
  // Keep the table at most half full.
  if (offsets_.size() * 2 > slots_.size()) Grow();
  return index;
}

void StringDictionary::Clear() {
  plain_.clear();
  offsets_.clear();
  hashes_.clear();
  slots_.clear();
}

PageCompressor::PageCompressor(ParquetCodec codec, int level) : codec_(codec), level_(level) {
  if (codec_ == ParquetCodec::kGzip) context_ = libdeflate_alloc_compressor(level_);
  if (codec_ == ParquetCodec::kZstd) context_ = ZSTD_createCCtx();
}

PageCompressor::~PageCompressor() {
  if (context_ == nullptr) return;
  if (codec_ == ParquetCodec::kGzip) {
    libdeflate_free_compressor(static_cast<libdeflate_compressor*>(context_));
  } else {
    ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(context_));
  }
}

PageCompressor::PageCompressor(PageCompressor&& other) noexcept
    : codec_(other.codec_), level_(other.level_), context_(other.context_) {
  other.context_ = nullptr;
}

Status PageCompressor::Compress(std::string_view input, std::string* out) {
  switch (codec_) {
    case ParquetCodec::kUncompressed:
      out->assign(input);
      return Status::OK();
    case ParquetCodec::kSnappy: {
      out->resize(snappy::MaxCompressedLength(input.size()));
      size_t n = 0;
      snappy::RawCompress(input.data(), input.size(), out->data(), &n);
      out->resize(n);
      return Status::OK();
    }
    case ParquetCodec::kGzip: {
      auto* c = static_cast<libdeflate_compressor*>(context_);
      if (c == nullptr) return Internal("parquet gzip: bad level " + std::to_string(level_));
      out->resize(libdeflate_gzip_compress_bound(c, input.size()));
      const size_t n =
          libdeflate_gzip_compress(c, input.data(), input.size(), out->data(), out->size());
      if (n == 0) return Internal("parquet gzip: compression failed");
      out->resize(n);
      return Status::OK();
    }
    case ParquetCodec::kZstd: {
      auto* c = static_cast<ZSTD_CCtx*>(context_);
      if (c == nullptr) return Internal("parquet zstd: no context");
      out->resize(ZSTD_compressBound(input.size()));
      const size_t n =
          ZSTD_compressCCtx(c, out->data(), out->size(), input.data(), input.size(), level_);
      if (ZSTD_isError(n)) return Internal(std::string("parquet zstd: ") + ZSTD_getErrorName(n));
      out->resize(n);
      return Status::OK();
    }
    default:
      break;
  }
  return Internal("parquet: cannot compress with codec " +
                  std::to_string(static_cast<int>(codec_)));
}

Status DecompressPage(ParquetCodec codec, std::string_view input, size_t uncompressed_size,
                      std::string* out) {
  // Each codec's own size claim is checked before allocating, so a corrupt
  // page header cannot make us allocate more than the data can fill.
  switch (codec) {
    case ParquetCodec::kUncompressed:
      if (input.size() != uncompressed_size) break;
      out->assign(input);
      return Status::OK();
    case ParquetCodec::kSnappy: {
      size_t n = 0;
      if (!snappy::GetUncompressedLength(input.data(), input.size(), &n) ||
          n != uncompressed_size) {
        break;
      }
      out->resize(uncompressed_size);
      if (!snappy::RawUncompress(input.data(), input.size(), out->data())) break;
      return Status::OK();
    }
    case ParquetCodec::kGzip: {
      // ISIZE, the last 4 bytes of a gzip member, is the length mod 2^32.
      if (input.size() < 18) break;
      uint32_t isize;
      std::memcpy(&isize, input.data() + input.size() - 4, 4);
      if (isize != static_cast<uint32_t>(uncompressed_size)) break;
      out->resize(uncompressed_size);
      libdeflate_decompressor* d = libdeflate_alloc_decompressor();
      size_t n = 0;
      const libdeflate_result rc =
          libdeflate_gzip_decompress(d, input.data(), input.size(), out->data(), out->size(), &n);
      libdeflate_free_decompressor(d);
      if (rc != LIBDEFLATE_SUCCESS || n != uncompressed_size) break;
      return Status::OK();
    }
    case ParquetCodec::kZstd: {
      const unsigned long long claimed = ZSTD_getFrameContentSize(input.data(), input.size());
      if (claimed == ZSTD_CONTENTSIZE_ERROR ||
          (claimed != ZSTD_CONTENTSIZE_UNKNOWN && claimed != uncompressed_size)) {
        break;
      }
      out->resize(uncompressed_size);
      const size_t n = ZSTD_decompress(out->data(), out->size(), input.data(), input.size());
      if (ZSTD_isError(n) || n != uncompressed_size) break;
      return Status::OK();
    }
    default:
      return InvalidArgument("parquet: unsupported compression codec " +
                             std::to_string(static_cast<int>(codec)));
  }
  return Corruption("parquet: page does not decompress to " + std::to_string(uncompressed_size) +
                    " bytes");
}

}  // namespace stocktake::format
