#include "format/thrift_compact.h"

namespace stocktake::format {
namespace {

constexpr int kMaxSkipDepth = 32;

uint64_t ZigZag(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}

int64_t UnZigZag(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

Status Truncated() { return Corruption("thrift: truncated input"); }

}  // namespace

void ThriftWriter::Varint(uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void ThriftWriter::FieldHeader(int16_t id, ThriftType type) {
  const int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    Varint(ZigZag(id));
  }
  last_id_ = id;
}

void ThriftWriter::I16Field(int16_t id, int16_t value) {
  FieldHeader(id, ThriftType::kI16);
  Varint(ZigZag(value));
}

void ThriftWriter::I32Field(int16_t id, int32_t value) {
  FieldHeader(id, ThriftType::kI32);
  Varint(ZigZag(value));
}

void ThriftWriter::I64Field(int16_t id, int64_t value) {
  FieldHeader(id, ThriftType::kI64);
  Varint(ZigZag(value));
}

void ThriftWriter::BoolField(int16_t id, bool value) {
  FieldHeader(id, value ? ThriftType::kTrue : ThriftType::kFalse);
}

void ThriftWriter::BinaryField(int16_t id, std::string_view value) {
  FieldHeader(id, ThriftType::kBinary);
  BinaryElement(value);
}

void ThriftWriter::BeginStructField(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  BeginStructElement();
}

void ThriftWriter::BeginStructElement() {
  id_stack_.push_back(last_id_);
  last_id_ = 0;
}

void ThriftWriter::EndStruct() {
  out_.push_back(static_cast<char>(ThriftType::kStop));
  if (!id_stack_.empty()) {
    last_id_ = id_stack_.back();
    id_stack_.pop_back();
  }
}

void ThriftWriter::BeginListField(int16_t id, ThriftType element_type, int32_t size) {
  FieldHeader(id, ThriftType::kList);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<int>(element_type)));
  } else {
    out_.push_back(static_cast<char>(0xF0 | static_cast<int>(element_type)));
    Varint(static_cast<uint64_t>(size));
  }
}

void ThriftWriter::I32Element(int32_t value) { Varint(ZigZag(value)); }

void ThriftWriter::BinaryElement(std::string_view value) {
  Varint(value.size());
  out_.append(value);
}

Status ThriftReader::ReadVarint(uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return Truncated();
    const uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      return Status::OK();
    }
  }
  return Corruption("thrift: varint longer than 10 bytes");
}

Status ThriftReader::ReadFieldHeader(ThriftType* type, int16_t* id) {
  if (pos_ >= data_.size()) return Truncated();
  const uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
  *type = static_cast<ThriftType>(byte & 0x0F);
  if (*type == ThriftType::kStop) return Status::OK();
  if ((byte & 0x0F) > static_cast<int>(ThriftType::kStruct)) {
    return Corruption("thrift: unknown field type " + std::to_string(byte & 0x0F));
  }
  const int delta = byte >> 4;
  if (delta != 0) {
    *id = static_cast<int16_t>(last_id_ + delta);
  } else {
    uint64_t raw;
    RETURN_IF_ERROR(ReadVarint(&raw));
    *id = static_cast<int16_t>(UnZigZag(raw));
  }
  last_id_ = *id;
  return Status::OK();
}

Status ThriftReader::ReadI32(int32_t* value) {
  uint64_t raw;
  RETURN_IF_ERROR(ReadVarint(&raw));
  const int64_t v = UnZigZag(raw);
  if (v < INT32_MIN || v > INT32_MAX) return Corruption("thrift: i32 out of range");
  *value = static_cast<int32_t>(v);
  return Status::OK();
}

Status ThriftReader::ReadI64(int64_t* value) {
  uint64_t raw;
  RETURN_IF_ERROR(ReadVarint(&raw));
  *value = UnZigZag(raw);
  return Status::OK();
}

Status ThriftReader::ReadBinary(std::string_view* value) {
  uint64_t size;
  RETURN_IF_ERROR(ReadVarint(&size));
  if (size > data_.size() - pos_) return Truncated();
  *value = data_.substr(pos_, size);
  pos_ += size;
  return Status::OK();
}

Status ThriftReader::ReadListHeader(ThriftType* element_type, int32_t* size) {
  if (pos_ >= data_.size()) return Truncated();
  const uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
  *element_type = static_cast<ThriftType>(byte & 0x0F);
  uint64_t n = byte >> 4;
  if (n == 15) RETURN_IF_ERROR(ReadVarint(&n));
  // Every element takes at least one byte, which bounds allocations.
  if (n > data_.size() - pos_) return Corruption("thrift: list longer than its input");
  *size = static_cast<int32_t>(n);
  return Status::OK();
}

void ThriftReader::BeginStruct() {
  id_stack_.push_back(last_id_);
  last_id_ = 0;
}

void ThriftReader::EndStruct() {
  if (!id_stack_.empty()) {
    last_id_ = id_stack_.back();
    id_stack_.pop_back();
  }
}

Status ThriftReader::Skip(ThriftType type) { return SkipDepth(type, 0); }

Status ThriftReader::SkipDepth(ThriftType type, int depth) {
  if (depth > kMaxSkipDepth) return Corruption("thrift: nesting too deep");
  uint64_t raw;
  std::string_view bytes;
  switch (type) {
    case ThriftType::kTrue:
    case ThriftType::kFalse:
      // In a field header the value is the type; inside lists a bool is a
      // byte, which ReadListHeader callers skip as kByte.
      return Status::OK();
    case ThriftType::kByte:
      if (pos_ >= data_.size()) return Truncated();
      ++pos_;
      return Status::OK();
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      return ReadVarint(&raw);
    case ThriftType::kDouble:
      if (data_.size() - pos_ < 8) return Truncated();
      pos_ += 8;
      return Status::OK();
    case ThriftType::kBinary:
      return ReadBinary(&bytes);
    case ThriftType::kList:
    case ThriftType::kSet: {
      ThriftType element;
      int32_t size;
      RETURN_IF_ERROR(ReadListHeader(&element, &size));
      if (element == ThriftType::kTrue || element == ThriftType::kFalse) {
        element = ThriftType::kByte;
      }
      for (int32_t i = 0; i < size; ++i) RETURN_IF_ERROR(SkipDepth(element, depth + 1));
      return Status::OK();
    }
    case ThriftType::kMap: {
      RETURN_IF_ERROR(ReadVarint(&raw));
      if (raw == 0) return Status::OK();
      if (pos_ >= data_.size()) return Truncated();
      if (raw > data_.size() - pos_) return Corruption("thrift: map longer than its input");
      const uint8_t kinds = static_cast<uint8_t>(data_[pos_++]);
      for (uint64_t i = 0; i < raw; ++i) {
        RETURN_IF_ERROR(SkipDepth(static_cast<ThriftType>(kinds >> 4), depth + 1));
        RETURN_IF_ERROR(SkipDepth(static_cast<ThriftType>(kinds & 0x0F), depth + 1));
      }
      return Status::OK();
    }
    case ThriftType::kStruct: {
      BeginStruct();
      // Each field consumes at least one byte, so the input bounds the loop.
      while (true) {
        ThriftType field_type;
        int16_t id;
        RETURN_IF_ERROR(ReadFieldHeader(&field_type, &id));
        if (field_type == ThriftType::kStop) break;
        RETURN_IF_ERROR(SkipDepth(field_type, depth + 1));
      }
      EndStruct();
      return Status::OK();
    }
    case ThriftType::kStop:
      break;
  }
  return Corruption("thrift: cannot skip type " + std::to_string(static_cast<int>(type)));
}

}  // namespace stocktake::format
