// The DELTA_* decoders of parquet_encoding.h (parquet-format Encodings.md),
// which DuckDB and parquet-mr write in PARQUET_VERSION 2 files.
#include <algorithm>

#include "format/parquet_encoding.h"

namespace stocktake::format {
namespace {

// Bounds on the header fields, far above what writers use (128 values per
// block, 4 miniblocks), so that corrupt headers cannot make loops huge.
constexpr uint64_t kMaxBlockSize = 1 << 16;

Status Bad(const char* what) { return Corruption(std::string("parquet delta: ") + what); }

Status ReadVarint(std::string_view data, size_t* pos, uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= data.size()) return Bad("truncated varint");
    const uint8_t byte = static_cast<uint8_t>(data[(*pos)++]);
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return Status::OK();
    }
  }
  return Bad("varint longer than 10 bytes");
}

Status ReadZigZag(std::string_view data, size_t* pos, int64_t* value) {
  uint64_t raw;
  RETURN_IF_ERROR(ReadVarint(data, pos, &raw));
  *value = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
  return Status::OK();
}

// `width` (<= 64) bits starting `bit` bits into `p`, least significant first.
uint64_t ReadBits(const uint8_t* p, size_t bit, int width) {
  uint64_t result = 0;
  int got = 0;
  while (got < width) {
    const size_t at = bit + got;
    const int shift = static_cast<int>(at % 8);
    const int take = std::min(8 - shift, width - got);
    const uint64_t bits = (static_cast<uint64_t>(p[at / 8]) >> shift) & ((1u << take) - 1);
    result |= bits << got;
    got += take;
  }
  return result;
}

}  // namespace

Status DecodeDeltaBinaryPacked(std::string_view data, size_t count, std::vector<int64_t>* values,
                               size_t* consumed) {
  size_t pos = 0;
  uint64_t block_size, miniblocks, total;
  int64_t first;
  RETURN_IF_ERROR(ReadVarint(data, &pos, &block_size));
  RETURN_IF_ERROR(ReadVarint(data, &pos, &miniblocks));
  RETURN_IF_ERROR(ReadVarint(data, &pos, &total));
  RETURN_IF_ERROR(ReadZigZag(data, &pos, &first));
  if (block_size == 0 || block_size > kMaxBlockSize || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 8 != 0) {
    return Bad("bad block header");
  }
  if (total != count) return Bad("value count differs from the page's");
  const uint64_t per_miniblock = block_size / miniblocks;
  values->clear();
  values->reserve(count);
  if (count > 0) values->push_back(first);
  uint64_t last = static_cast<uint64_t>(first);
  while (values->size() < count) {
    int64_t min_delta;
    RETURN_IF_ERROR(ReadZigZag(data, &pos, &min_delta));
    if (data.size() - pos < miniblocks) return Bad("truncated bit widths");
    const size_t widths = pos;
    pos += miniblocks;
    for (uint64_t m = 0; m < miniblocks && values->size() < count; ++m) {
      const int width = static_cast<uint8_t>(data[widths + m]);
      if (width > 64) return Bad("bit width over 64");
      const size_t bytes = per_miniblock * width / 8;
      if (data.size() - pos < bytes) return Bad("truncated miniblock");
      const auto* p = reinterpret_cast<const uint8_t*>(data.data() + pos);
      for (uint64_t k = 0; k < per_miniblock && values->size() < count; ++k) {
        last += static_cast<uint64_t>(min_delta) + ReadBits(p, k * width, width);
        values->push_back(static_cast<int64_t>(last));
      }
      pos += bytes;
    }
  }
  *consumed = pos;
  return Status::OK();
}

Status DecodeDeltaLengthByteArray(std::string_view data, size_t count,
                                  std::vector<std::string_view>* values, size_t* consumed) {
  std::vector<int64_t> lengths;
  size_t pos = 0;
  RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, &lengths, &pos));
  values->clear();
  values->reserve(count);
  for (int64_t length : lengths) {
    if (length < 0 || static_cast<uint64_t>(length) > data.size() - pos) {
      return Bad("byte array longer than its page");
    }
    values->push_back(data.substr(pos, length));
    pos += length;
  }
  *consumed = pos;
  return Status::OK();
}

Status DecodeDeltaByteArray(std::string_view data, size_t count, std::string* storage,
                            std::vector<std::string_view>* values) {
  std::vector<int64_t> prefixes;
  size_t pos = 0;
  RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, &prefixes, &pos));
  std::vector<std::string_view> suffixes;
  size_t suffix_bytes = 0;
  RETURN_IF_ERROR(DecodeDeltaLengthByteArray(data.substr(pos), count, &suffixes, &suffix_bytes));
  // Offsets first: views are taken once `storage` stops growing.
  std::vector<std::pair<size_t, size_t>> spans;
  spans.reserve(count);
  storage->clear();
  std::string previous, current;
  for (size_t i = 0; i < count; ++i) {
    const int64_t prefix = prefixes[i];
    if (prefix < 0 || static_cast<uint64_t>(prefix) > previous.size()) {
      return Bad("prefix longer than the previous value");
    }
    if (storage->size() + prefix + suffixes[i].size() > (size_t{1} << 30)) {
      return Bad("values over 1 GiB");
    }
    current.assign(previous, 0, prefix);
    current.append(suffixes[i]);
    spans.emplace_back(storage->size(), current.size());
    storage->append(current);
    previous.swap(current);
  }
  values->clear();
  values->reserve(count);
  for (const auto& [start, length] : spans) values->emplace_back(storage->data() + start, length);
  return Status::OK();
}

}  // namespace stocktake::format
