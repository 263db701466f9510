#include "format/parquet_column_writer.h"

#include <cassert>
#include <cstring>

namespace stocktake::format {
namespace {

void AppendLe32(uint32_t value, std::string* out) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);  // stocktake targets little-endian hosts
  out->append(bytes, 4);
}

void AppendLe64(int64_t value, std::string* out) {
  char bytes[8];
  std::memcpy(bytes, &value, 8);
  out->append(bytes, 8);
}

std::string Le64(int64_t value) {
  std::string out;
  AppendLe64(value, &out);
  return out;
}

}  // namespace

ParquetColumnWriter::ParquetColumnWriter(std::string name, ParquetType type, bool required,
                                         ParquetCodec codec, int level,
                                         const ParquetColumnLimits& limits)
    : name_(std::move(name)),
      type_(type),
      required_(required),
      limits_(limits),
      compressor_(codec, level) {
  assert(type == ParquetType::kByteArray || type == ParquetType::kInt64 ||
         type == ParquetType::kBoolean);
  page_is_dictionary_ = type_ == ParquetType::kByteArray;
}

size_t ParquetColumnWriter::PageBytes() const {
  return plain_.size() + indices_.size() * 2 + (bools_.size() + defs_.size()) / 8;
}

Status ParquetColumnWriter::NoteValue() {
  ++page_rows_;
  if (static_cast<size_t>(page_rows_) >= limits_.page_rows || PageBytes() >= limits_.page_bytes) {
    return ClosePage();
  }
  return Status::OK();
}

Status ParquetColumnWriter::AddNull() {
  assert(!required_);
  defs_.push_back(0);
  ++null_count_;
  return NoteValue();
}

void ParquetColumnWriter::UpdateStringStats(std::string_view value) {
  if (!has_stats_) {
    min_string_ = max_string_ = value;
    has_stats_ = true;
  } else if (value < min_string_) {
    min_string_ = value;
  } else if (value > max_string_) {
    max_string_ = value;
  }
}

Status ParquetColumnWriter::AddString(std::string_view value) {
  if (!required_) defs_.push_back(1);
  if (page_is_dictionary_) {
    bool inserted = false;
    std::optional<uint32_t> index = dictionary_.FindOrInsert(value, limits_.dictionary_entries,
                                                             limits_.dictionary_bytes, &inserted);
    if (index) {
      indices_.push_back(*index);
      if (inserted) UpdateStringStats(value);
      return NoteValue();
    }
    // The dictionary is full: end this page without the value, which then
    // starts the first PLAIN page of the chunk.
    if (!required_) defs_.pop_back();
    if (page_rows_ > 0) RETURN_IF_ERROR(ClosePage());
    page_is_dictionary_ = false;
    if (!required_) defs_.push_back(1);
  }
  AppendLe32(static_cast<uint32_t>(value.size()), &plain_);
  plain_.append(value);
  UpdateStringStats(value);
  return NoteValue();
}

Status ParquetColumnWriter::AddInt64(int64_t value) {
  if (!required_) defs_.push_back(1);
  AppendLe64(value, &plain_);
  if (!has_stats_) {
    min_int_ = max_int_ = value;
    has_stats_ = true;
  } else {
    min_int_ = std::min(min_int_, value);
    max_int_ = std::max(max_int_, value);
  }
  return NoteValue();
}

Status ParquetColumnWriter::AddBool(bool value) {
  if (!required_) defs_.push_back(1);
  bools_.push_back(value ? 1 : 0);
  const int64_t v = value ? 1 : 0;
  if (!has_stats_) {
    min_int_ = max_int_ = v;
    has_stats_ = true;
  } else {
    min_int_ = std::min(min_int_, v);
    max_int_ = std::max(max_int_, v);
  }
  return NoteValue();
}

void ParquetColumnWriter::AppendPage(const ParquetPageHeader& header, std::string_view body,
                                     std::string* out) {
  std::string encoded = EncodePageHeader(header);
  uncompressed_ += static_cast<int64_t>(encoded.size()) + header.uncompressed_page_size;
  out->append(encoded);
  out->append(body);
}

Status ParquetColumnWriter::ClosePage() {
  if (page_rows_ == 0) return Status::OK();
  body_.clear();
  if (!required_) {
    const size_t length_at = body_.size();
    AppendLe32(0, &body_);
    AppendRleHybrid(defs_.data(), defs_.size(), 1, &body_);
    const uint32_t length = static_cast<uint32_t>(body_.size() - length_at - 4);
    std::memcpy(body_.data() + length_at, &length, 4);
  }
  ParquetEncoding encoding = ParquetEncoding::kPlain;
  if (page_is_dictionary_ && !indices_.empty()) {
    encoding = ParquetEncoding::kRleDictionary;
    used_dictionary_ = true;
    const int width = BitWidthFor(dictionary_.size() - 1);
    body_.push_back(static_cast<char>(width));
    AppendRleHybrid(indices_.data(), indices_.size(), width, &body_);
  } else if (type_ == ParquetType::kBoolean) {
    for (size_t i = 0; i < bools_.size(); i += 8) {
      uint8_t byte = 0;
      for (size_t b = 0; b < 8 && i + b < bools_.size(); ++b) byte |= bools_[i + b] << b;
      body_.push_back(static_cast<char>(byte));
    }
  } else {
    body_.append(plain_);
  }
  RETURN_IF_ERROR(compressor_.Compress(body_, &compressed_).WithContext("column " + name_));
  ParquetPageHeader header;
  header.type = ParquetPageType::kDataPage;
  header.uncompressed_page_size = static_cast<int32_t>(body_.size());
  header.compressed_page_size = static_cast<int32_t>(compressed_.size());
  header.num_values = page_rows_;
  header.encoding = encoding;
  AppendPage(header, compressed_, &pages_);
  num_values_ += page_rows_;
  page_rows_ = 0;
  defs_.clear();
  indices_.clear();
  bools_.clear();
  plain_.clear();
  return Status::OK();
}

Status ParquetColumnWriter::FinishChunk(int64_t file_offset, std::string* bytes,
                                        ParquetColumnChunk* chunk) {
  RETURN_IF_ERROR(ClosePage());
  ParquetColumnMetaData& meta = chunk->meta_data;
  meta = ParquetColumnMetaData();
  bytes->clear();
  if (used_dictionary_) {
    RETURN_IF_ERROR(compressor_.Compress(dictionary_.plain(), &compressed_)
                        .WithContext("column " + name_ + " dictionary"));
    ParquetPageHeader header;
    header.type = ParquetPageType::kDictionaryPage;
    header.uncompressed_page_size = static_cast<int32_t>(dictionary_.plain().size());
    header.compressed_page_size = static_cast<int32_t>(compressed_.size());
    header.num_values = static_cast<int32_t>(dictionary_.size());
    header.encoding = ParquetEncoding::kPlain;
    AppendPage(header, compressed_, bytes);
    meta.dictionary_page_offset = file_offset;
  }
  meta.data_page_offset = file_offset + static_cast<int64_t>(bytes->size());
  bytes->append(pages_);

  chunk->file_offset = file_offset;
  meta.type = type_;
  meta.path_in_schema = {name_};
  meta.codec = compressor_.codec();
  meta.num_values = num_values_;
  meta.total_uncompressed_size = uncompressed_;
  meta.total_compressed_size = static_cast<int64_t>(bytes->size());
  // PLAIN also covers the dictionary page's values; RLE the levels.
  meta.encodings = {ParquetEncoding::kPlain, ParquetEncoding::kRle};
  if (used_dictionary_) meta.encodings.push_back(ParquetEncoding::kRleDictionary);
  ParquetStatistics stats;
  stats.null_count = null_count_;
  if (has_stats_) {
    if (type_ == ParquetType::kByteArray) {
      stats.min_value = min_string_;
      stats.max_value = max_string_;
    } else if (type_ == ParquetType::kInt64) {
      stats.min_value = Le64(min_int_);
      stats.max_value = Le64(max_int_);
    } else {
      stats.min_value = std::string(1, static_cast<char>(min_int_));
      stats.max_value = std::string(1, static_cast<char>(max_int_));
    }
  }
  meta.statistics = stats;

  dictionary_.Clear();
  page_is_dictionary_ = type_ == ParquetType::kByteArray;
  used_dictionary_ = has_stats_ = false;
  pages_.clear();
  uncompressed_ = num_values_ = null_count_ = 0;
  return Status::OK();
}

}  // namespace stocktake::format
