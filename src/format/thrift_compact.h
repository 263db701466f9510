// A small encoder and decoder for the Thrift compact protocol, enough for
// Parquet's footer and page headers (docs/report-format.md links the
// format): structs with delta-encoded field headers, zigzag varint i16/i32/
// i64, binary, lists and bools folded into the field header.
//
// ThriftWriter appends to a std::string it owns; callers open and close
// structs in matching pairs. ThriftReader reads a byte range it does not own
// (it must outlive the reader) and never reads past it: any malformed or
// truncated input makes the call return Corruption. Neither is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace stocktake::format {

// Compact protocol type ids as they appear on the wire.
enum class ThriftType : uint8_t {
  kStop = 0,
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class ThriftWriter {
 public:
  void I16Field(int16_t id, int16_t value);
  void I32Field(int16_t id, int32_t value);
  void I64Field(int16_t id, int64_t value);
  void BoolField(int16_t id, bool value);
  void BinaryField(int16_t id, std::string_view value);
  // Opens a nested struct field; close it with EndStruct().
  void BeginStructField(int16_t id);
  // Writes the stop byte of the innermost open struct (or of the top level).
  void EndStruct();
  // A list field header; then write `size` elements with the *Element
  // calls below (for structs: BeginStructElement ... EndStruct).
  void BeginListField(int16_t id, ThriftType element_type, int32_t size);
  void I32Element(int32_t value);
  void BinaryElement(std::string_view value);
  void BeginStructElement();

  const std::string& data() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  void FieldHeader(int16_t id, ThriftType type);
  void Varint(uint64_t value);

  std::string out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> id_stack_;
};

class ThriftReader {
 public:
  explicit ThriftReader(std::string_view data) : data_(data) {}

  // Reads the next field header of the current struct. Sets *type to kStop
  // at its end. Bool fields carry their value in the type (kTrue/kFalse).
  Status ReadFieldHeader(ThriftType* type, int16_t* id);
  Status ReadI32(int32_t* value);
  Status ReadI64(int64_t* value);
  // The view points into the input.
  Status ReadBinary(std::string_view* value);
  Status ReadListHeader(ThriftType* element_type, int32_t* size);
  // Enters a nested struct (after its field header or as a list element).
  void BeginStruct();
  // Leaves it, after ReadFieldHeader returned kStop.
  void EndStruct();
  // Skips a value of `type`, nesting at most 32 levels.
  Status Skip(ThriftType type);

  size_t position() const { return pos_; }

 private:
  Status ReadVarint(uint64_t* value);
  Status SkipDepth(ThriftType type, int depth);

  std::string_view data_;
  size_t pos_ = 0;
  int16_t last_id_ = 0;
  std::vector<int16_t> id_stack_;
};

}  // namespace stocktake::format
