#include "format/parquet_column_reader.h"

#include <algorithm>
#include <cstring>

#include "format/parquet_encoding.h"

namespace stocktake::format {
namespace {

// Limits that keep a corrupt header from making us allocate without bound.
// Real pages are ~1 MiB and at most a row group's rows.
constexpr int32_t kMaxPageBytes = 256 << 20;
constexpr int32_t kMaxPageValues = 1 << 22;
constexpr int64_t kMillisPerDay = 86'400'000;
constexpr int64_t kJulianDayOfEpoch = 2'440'588;

template <typename T>
T LoadLe(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));  // little-endian hosts only, like the writer
  return value;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

Result<ParquetColumnDescriptor> DescribeColumn(const ParquetSchemaElement& e) {
  ParquetColumnDescriptor d;
  d.name = e.name;
  if (!e.type)
    return InvalidArgument("parquet column " + e.name + ": nested groups are not supported");
  if (e.repetition == ParquetRepetition::kRepeated) {
    return InvalidArgument("parquet column " + e.name + ": repeated columns are not supported");
  }
  d.physical = *e.type;
  d.optional = e.repetition == ParquetRepetition::kOptional;
  const int32_t converted = e.converted_type.value_or(-1);
  switch (d.physical) {
    case ParquetType::kBoolean:
      d.cell_type = CellType::kBool;
      break;
    case ParquetType::kInt32:
      d.is_date = e.logical == ParquetLogical::kDate || converted == kConvertedDate;
      d.cell_type = d.is_date ? CellType::kTimestampMillis : CellType::kInt64;
      break;
    case ParquetType::kInt64:
      d.cell_type = CellType::kTimestampMillis;
      if (e.logical == ParquetLogical::kTimestampMillis ||
          (e.logical == ParquetLogical::kNone && converted == kConvertedTimestampMillis)) {
        d.units_per_milli = 1;
      } else if (e.logical == ParquetLogical::kTimestampMicros ||
                 (e.logical == ParquetLogical::kNone && converted == kConvertedTimestampMicros)) {
        d.units_per_milli = 1000;
      } else if (e.logical == ParquetLogical::kTimestampNanos) {
        d.units_per_milli = 1'000'000;
      } else {
        d.cell_type = CellType::kInt64;
      }
      break;
    case ParquetType::kInt96:
      d.cell_type = CellType::kTimestampMillis;
      break;
    case ParquetType::kFloat:
    case ParquetType::kDouble:
      d.cell_type = CellType::kDouble;
      break;
    case ParquetType::kByteArray:
      d.cell_type = CellType::kString;
      break;
    case ParquetType::kFixedLenByteArray:
      d.cell_type = CellType::kString;
      d.type_length = e.type_length.value_or(0);
      if (d.type_length <= 0) {
        return Corruption("parquet column " + e.name + ": fixed-length type without a length");
      }
      break;
  }
  return d;
}

void ParquetColumnReader::Reset(std::string chunk, int64_t num_values, ParquetCodec codec) {
  chunk_ = std::move(chunk);
  chunk_pos_ = 0;
  remaining_ = num_values;
  codec_ = codec;
  has_dictionary_ = false;
  page_values_ = page_index_ = value_index_ = 0;
}

Status ParquetColumnReader::Fail(std::string what) const {
  return Corruption("parquet column " + d_.name + ": " + what);
}

Status ParquetColumnReader::Next(CellValue* value) {
  while (page_index_ >= page_values_) {
    if (remaining_ <= 0) return Fail("read past the end of the column chunk");
    Status st = LoadPage();
    if (!st.ok()) return st.WithContext("parquet column " + d_.name);
  }
  const bool present = !d_.optional || defs_[page_index_] == 1;
  ++page_index_;
  --remaining_;
  if (!present) {
    value->type = CellType::kNull;
    return Status::OK();
  }
  const size_t i = value_index_++;
  value->type = d_.cell_type;
  switch (d_.cell_type) {
    case CellType::kString:
      if (i >= strings_.size()) return Fail("page has fewer values than levels");
      value->string_value.assign(strings_[i]);
      break;
    case CellType::kDouble:
      if (i >= doubles_.size()) return Fail("page has fewer values than levels");
      value->double_value = doubles_[i];
      break;
    default:
      if (i >= ints_.size()) return Fail("page has fewer values than levels");
      value->int_value = ints_[i];
      break;
  }
  return Status::OK();
}

Status ParquetColumnReader::LoadPage() {
  // Bounded: every page header consumes at least one byte of the chunk.
  while (true) {
    if (chunk_pos_ >= chunk_.size()) {
      return Corruption("chunk ends " + std::to_string(remaining_) + " values early");
    }
    size_t consumed = 0;
    const std::string_view rest = std::string_view(chunk_).substr(chunk_pos_);
    ASSIGN_OR_RETURN(ParquetPageHeader h, DecodePageHeader(rest, &consumed));
    if (h.compressed_page_size < 0 ||
        static_cast<size_t>(h.compressed_page_size) > rest.size() - consumed ||
        h.uncompressed_page_size < 0 || h.uncompressed_page_size > kMaxPageBytes) {
      return Corruption("page sizes " + std::to_string(h.compressed_page_size) + "/" +
                        std::to_string(h.uncompressed_page_size) + " do not fit the chunk");
    }
    const std::string_view body = rest.substr(consumed, h.compressed_page_size);
    chunk_pos_ += consumed + h.compressed_page_size;
    if (h.type == ParquetPageType::kDictionaryPage) {
      RETURN_IF_ERROR(ReadDictionary(h, body));
      continue;
    }
    if (h.type != ParquetPageType::kDataPage && h.type != ParquetPageType::kDataPageV2) continue;
    if (h.num_values < 0 || h.num_values > kMaxPageValues || h.num_values > remaining_) {
      return Corruption("page of " + std::to_string(h.num_values) + " values, " +
                        std::to_string(remaining_) + " left in the chunk");
    }
    const size_t n = static_cast<size_t>(h.num_values);
    std::string_view levels, values;
    if (h.type == ParquetPageType::kDataPage) {
      RETURN_IF_ERROR(DecompressPage(codec_, body, h.uncompressed_page_size, &page_));
      values = page_;
      if (d_.optional) {
        if (h.definition_level_encoding != ParquetEncoding::kRle) {
          return InvalidArgument("definition level encoding " +
                                 std::to_string(static_cast<int>(h.definition_level_encoding)) +
                                 " is not supported");
        }
        if (values.size() < 4) return Corruption("truncated definition levels");
        const uint32_t length = LoadLe<uint32_t>(values.data());
        if (length > values.size() - 4) return Corruption("definition levels overrun the page");
        levels = values.substr(4, length);
        values.remove_prefix(4 + length);
      }
    } else {
      const int64_t rep = h.repetition_levels_byte_length, def = h.definition_levels_byte_length;
      if (rep < 0 || def < 0 || rep + def > static_cast<int64_t>(body.size()) ||
          rep + def > h.uncompressed_page_size) {
        return Corruption("level lengths do not fit the page");
      }
      levels = body.substr(rep, def);
      const std::string_view stored = body.substr(rep + def);
      if (h.is_compressed && codec_ != ParquetCodec::kUncompressed) {
        RETURN_IF_ERROR(
            DecompressPage(codec_, stored, h.uncompressed_page_size - rep - def, &page_));
      } else {
        page_.assign(stored);
      }
      values = page_;
    }
    size_t non_null = n;
    if (d_.optional) {
      size_t used = 0;
      RETURN_IF_ERROR(DecodeRleHybrid(levels, 1, n, &defs_, &used));
      non_null = static_cast<size_t>(std::count(defs_.begin(), defs_.end(), 1u));
    }
    RETURN_IF_ERROR(DecodeValues(h.encoding, values, non_null));
    page_values_ = n;
    page_index_ = 0;
    value_index_ = 0;
    if (n > 0) return Status::OK();
  }
}

Status ParquetColumnReader::ReadDictionary(const ParquetPageHeader& h, std::string_view body) {
  if (has_dictionary_) return Corruption("a second dictionary page");
  if (h.encoding != ParquetEncoding::kPlain && h.encoding != ParquetEncoding::kPlainDictionary) {
    return InvalidArgument("dictionary encoding " + std::to_string(static_cast<int>(h.encoding)) +
                           " is not supported");
  }
  if (h.num_values < 0 || h.num_values > kMaxPageValues) {
    return Corruption("dictionary of " + std::to_string(h.num_values) + " values");
  }
  RETURN_IF_ERROR(DecompressPage(codec_, body, h.uncompressed_page_size, &dict_page_));
  RETURN_IF_ERROR(DecodePlain(dict_page_, h.num_values, /*into_dictionary=*/true));
  has_dictionary_ = true;
  return Status::OK();
}

Status ParquetColumnReader::DecodePlain(std::string_view data, size_t count, bool into_dictionary) {
  std::vector<int64_t>* ints = into_dictionary ? &dict_ints_ : &ints_;
  std::vector<double>* doubles = into_dictionary ? &dict_doubles_ : &doubles_;
  std::vector<std::string_view>* strings = into_dictionary ? &dict_strings_ : &strings_;
  ints->clear();
  doubles->clear();
  strings->clear();
  auto need = [&](size_t width) -> Status {
    // count <= kMaxPageValues, so the product cannot overflow.
    if (data.size() < count * width) return Corruption("PLAIN values overrun the page");
    return Status::OK();
  };
  const char* p = data.data();
  switch (d_.physical) {
    case ParquetType::kBoolean:
      if (data.size() < (count + 7) / 8) return Corruption("PLAIN booleans overrun the page");
      for (size_t i = 0; i < count; ++i)
        ints->push_back((static_cast<uint8_t>(p[i / 8]) >> (i % 8)) & 1);
      return Status::OK();
    case ParquetType::kInt32:
      RETURN_IF_ERROR(need(4));
      for (size_t i = 0; i < count; ++i) {
        const int64_t raw = LoadLe<int32_t>(p + 4 * i);
        ints->push_back(d_.is_date ? raw * kMillisPerDay : raw);
      }
      return Status::OK();
    case ParquetType::kInt64:
      RETURN_IF_ERROR(need(8));
      for (size_t i = 0; i < count; ++i) {
        ints->push_back(FloorDiv(LoadLe<int64_t>(p + 8 * i), d_.units_per_milli));
      }
      return Status::OK();
    case ParquetType::kInt96:
      RETURN_IF_ERROR(need(12));
      for (size_t i = 0; i < count; ++i) {
        const int64_t nanos = LoadLe<int64_t>(p + 12 * i);
        const int64_t days = LoadLe<int32_t>(p + 12 * i + 8);
        ints->push_back((days - kJulianDayOfEpoch) * kMillisPerDay + FloorDiv(nanos, 1'000'000));
      }
      return Status::OK();
    case ParquetType::kFloat:
      RETURN_IF_ERROR(need(4));
      for (size_t i = 0; i < count; ++i) doubles->push_back(LoadLe<float>(p + 4 * i));
      return Status::OK();
    case ParquetType::kDouble:
      RETURN_IF_ERROR(need(8));
      for (size_t i = 0; i < count; ++i) doubles->push_back(LoadLe<double>(p + 8 * i));
      return Status::OK();
    case ParquetType::kByteArray: {
      size_t pos = 0;
      strings->reserve(count);
      for (size_t i = 0; i < count; ++i) {
        if (data.size() - pos < 4) return Corruption("truncated PLAIN byte array");
        const uint32_t length = LoadLe<uint32_t>(p + pos);
        if (length > data.size() - pos - 4) return Corruption("PLAIN byte array overruns the page");
        strings->push_back(data.substr(pos + 4, length));
        pos += 4 + length;
      }
      return Status::OK();
    }
    case ParquetType::kFixedLenByteArray:
      if (data.size() / d_.type_length < count) return Corruption("PLAIN values overrun the page");
      for (size_t i = 0; i < count; ++i)
        strings->push_back(data.substr(i * d_.type_length, d_.type_length));
      return Status::OK();
  }
  return Corruption("unknown physical type");
}

Status ParquetColumnReader::DecodeValues(ParquetEncoding encoding, std::string_view data,
                                         size_t count) {
  ints_.clear();
  doubles_.clear();
  strings_.clear();
  size_t used = 0;
  const bool is_int = d_.physical == ParquetType::kInt32 || d_.physical == ParquetType::kInt64;
  switch (encoding) {
    case ParquetEncoding::kPlain:
      return DecodePlain(data, count, /*into_dictionary=*/false);
    case ParquetEncoding::kPlainDictionary:
    case ParquetEncoding::kRleDictionary: {
      if (!has_dictionary_) return Corruption("dictionary-encoded page without a dictionary");
      if (count == 0) return Status::OK();
      if (data.empty()) return Corruption("missing dictionary index bit width");
      RETURN_IF_ERROR(
          DecodeRleHybrid(data.substr(1), static_cast<uint8_t>(data[0]), count, &indices_, &used));
      const size_t size = std::max({dict_ints_.size(), dict_doubles_.size(), dict_strings_.size()});
      for (uint32_t index : indices_) {
        if (index >= size)
          return Corruption("dictionary index " + std::to_string(index) + " of " +
                            std::to_string(size));
      }
      for (uint32_t index : indices_) {
        if (d_.cell_type == CellType::kString) {
          strings_.push_back(dict_strings_[index]);
        } else if (d_.cell_type == CellType::kDouble) {
          doubles_.push_back(dict_doubles_[index]);
        } else {
          ints_.push_back(dict_ints_[index]);
        }
      }
      return Status::OK();
    }
    case ParquetEncoding::kRle:
      if (d_.physical != ParquetType::kBoolean) break;
      if (data.size() < 4) return Corruption("truncated RLE booleans");
      if (LoadLe<uint32_t>(data.data()) > data.size() - 4)
        return Corruption("RLE booleans overrun the page");
      RETURN_IF_ERROR(DecodeRleHybrid(data.substr(4, LoadLe<uint32_t>(data.data())), 1, count,
                                      &indices_, &used));
      ints_.assign(indices_.begin(), indices_.end());
      return Status::OK();
    case ParquetEncoding::kDeltaBinaryPacked:
      if (!is_int) break;
      RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, &ints_, &used));
      for (int64_t& v : ints_) {
        if (d_.physical == ParquetType::kInt32) {
          v = static_cast<int32_t>(v);
          if (d_.is_date) v *= kMillisPerDay;
        } else {
          v = FloorDiv(v, d_.units_per_milli);
        }
      }
      return Status::OK();
    case ParquetEncoding::kByteStreamSplit: {
      // Byte k of value i is at k * count + i; gather, then decode as PLAIN.
      const size_t width =
          d_.physical == ParquetType::kFloat || d_.physical == ParquetType::kInt32    ? 4
          : d_.physical == ParquetType::kDouble || d_.physical == ParquetType::kInt64 ? 8
                                                                                      : 0;
      if (width == 0) break;
      if (data.size() < count * width)
        return Corruption("BYTE_STREAM_SPLIT values overrun the page");
      string_storage_.resize(count * width);
      for (size_t i = 0; i < count; ++i) {
        for (size_t k = 0; k < width; ++k) string_storage_[i * width + k] = data[k * count + i];
      }
      return DecodePlain(string_storage_, count, /*into_dictionary=*/false);
    }
    case ParquetEncoding::kDeltaLengthByteArray:
      if (d_.physical != ParquetType::kByteArray) break;
      return DecodeDeltaLengthByteArray(data, count, &strings_, &used);
    case ParquetEncoding::kDeltaByteArray:
      if (d_.cell_type != CellType::kString) break;
      return DecodeDeltaByteArray(data, count, &string_storage_, &strings_);
    default:
      break;
  }
  return InvalidArgument("encoding " + std::to_string(static_cast<int>(encoding)) +
                         " is not supported for this column's type");
}

}  // namespace stocktake::format
