// Thrift compact protocol and Parquet encodings, checked byte for byte
// against the specifications and by round trips.
#include "format/parquet_encoding.h"

#include <gtest/gtest.h>

#include "format/thrift_compact.h"

namespace stocktake::format {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(ThriftCompactTest, FieldHeadersUseDeltasAndZigzagVarints) {
  ThriftWriter w;
  w.I32Field(1, 3);         // delta 1, i32: 0x15, zigzag(3) = 6
  w.I64Field(3, -1);        // delta 2, i64: 0x26, zigzag(-1) = 1
  w.BinaryField(20, "ab");  // delta 17 > 15: type byte, zigzag id 40
  w.BoolField(21, true);    // delta 1, true: 0x11
  w.BoolField(22, false);   // 0x12
  w.I32Field(23, 300);      // zigzag 600 = 0xD8 0x04
  w.EndStruct();
  EXPECT_EQ(w.data(), Bytes({0x15, 0x06, 0x26, 0x01, 0x08, 0x28, 0x02, 'a', 'b', 0x11, 0x12, 0x15,
                             0xD8, 0x04, 0x00}));
}

TEST(ThriftCompactTest, NestedStructsRestoreTheOuterFieldId) {
  ThriftWriter w;
  w.I32Field(4, 1);
  w.BeginStructField(5);
  w.I32Field(1, 1);
  w.EndStruct();
  w.I32Field(6, 1);  // delta from 5, not from the inner 1
  w.BeginListField(7, ThriftType::kI32, 2);
  w.I32Element(1);
  w.I32Element(-1);
  w.BeginListField(8, ThriftType::kBinary, 15);  // long list: 0xF8 then size
  w.EndStruct();
  EXPECT_EQ(w.data(), Bytes({0x45, 0x02, 0x1C, 0x15, 0x02, 0x00, 0x15, 0x02, 0x19, 0x25, 0x02, 0x01,
                             0x19, 0xF8, 0x0F, 0x00}));
}

TEST(ThriftCompactTest, ReaderSkipsWhatWriterWrote) {
  ThriftWriter w;
  w.I32Field(1, -7);
  w.BeginStructField(2);
  w.BinaryField(1, "xyz");
  w.BoolField(2, true);
  w.BeginListField(3, ThriftType::kStruct, 1);
  w.BeginStructElement();
  w.I64Field(9, 1LL << 40);
  w.EndStruct();
  w.EndStruct();
  w.I64Field(300, 5);
  w.EndStruct();
  ThriftReader r(w.data());
  ThriftType type;
  int16_t id;
  ASSERT_TRUE(r.ReadFieldHeader(&type, &id).ok());
  ASSERT_EQ(type, ThriftType::kI32);
  int32_t i32;
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, -7);
  ASSERT_TRUE(r.ReadFieldHeader(&type, &id).ok());
  ASSERT_EQ(type, ThriftType::kStruct);
  ASSERT_TRUE(r.Skip(type).ok());
  ASSERT_TRUE(r.ReadFieldHeader(&type, &id).ok());
  EXPECT_EQ(id, 300);
  int64_t i64;
  ASSERT_TRUE(r.ReadI64(&i64).ok());
  EXPECT_EQ(i64, 5);
  ASSERT_TRUE(r.ReadFieldHeader(&type, &id).ok());
  EXPECT_EQ(type, ThriftType::kStop);
  EXPECT_EQ(r.position(), w.data().size());
}

TEST(ThriftCompactTest, EveryTruncationIsCorruption) {
  ThriftWriter w;
  w.BeginStructField(1);
  w.BinaryField(1, "hello");
  w.BeginListField(2, ThriftType::kI64, 3);
  w.EndStruct();
  w.EndStruct();
  for (size_t n = 0; n + 1 < w.data().size(); ++n) {
    ThriftReader r(std::string_view(w.data()).substr(0, n));
    EXPECT_EQ(r.Skip(ThriftType::kStruct).code(), Code::kCorruption) << n;
  }
}

TEST(ThriftCompactTest, DeepNestingIsCorruptionNotAStackOverflow) {
  std::string deep(100'000, static_cast<char>(0x1C));  // struct field, struct field, ...
  ThriftReader r(deep);
  EXPECT_EQ(r.Skip(ThriftType::kStruct).code(), Code::kCorruption);
}

struct RleCase {
  const char* name;
  std::vector<uint32_t> values;
  int bit_width;
  std::string encoded;
};

TEST(RleHybridTest, EncodesRunsAndBitPackedGroupsAsTheSpecSays) {
  const std::vector<RleCase> cases = {
      // RLE run of 8 ones, width 1: header 8<<1 = 0x10, value 0x01.
      {"rle", std::vector<uint32_t>(8, 1), 1, Bytes({0x10, 0x01})},
      // The spec's example: 0..7 with width 3 -> one group 0x03, 0x88 0xC6 0xFA.
      {"spec example", {0, 1, 2, 3, 4, 5, 6, 7}, 3, Bytes({0x03, 0x88, 0xC6, 0xFA})},
      // Three values bit-packed, padded at the end.
      {"short tail", {1, 0, 1}, 1, Bytes({0x03, 0x05})},
      // A long run after one packed group.
      {"group then run",
       {1, 0, 1, 0, 1, 0, 1, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2},
       2,
       Bytes({0x03, 0x11, 0x11, 0x12, 0x02})},
      // Width 9 values take two bytes in an RLE run.
      {"wide rle", std::vector<uint32_t>(10, 300), 9, Bytes({0x14, 0x2C, 0x01})},
  };
  for (const RleCase& c : cases) {
    std::string out;
    AppendRleHybrid(c.values.data(), c.values.size(), c.bit_width, &out);
    EXPECT_EQ(out, c.encoded) << c.name;
    std::vector<uint32_t> decoded;
    size_t consumed = 0;
    ASSERT_TRUE(DecodeRleHybrid(out, c.bit_width, c.values.size(), &decoded, &consumed).ok())
        << c.name;
    EXPECT_EQ(decoded, c.values) << c.name;
    EXPECT_EQ(consumed, out.size()) << c.name;
  }
}

TEST(RleHybridTest, RoundTripsMixedDataAtEveryWidth) {
  for (int width = 1; width <= 32; ++width) {
    std::vector<uint32_t> values;
    const uint64_t mask = width == 32 ? 0xFFFFFFFFu : (uint64_t{1} << width) - 1;
    for (uint32_t i = 0; i < 5000; ++i) {
      values.push_back(static_cast<uint32_t>((i % 300 < 40 ? 7 : i * 2654435761u) & mask));
    }
    std::string out;
    AppendRleHybrid(values.data(), values.size(), width, &out);
    std::vector<uint32_t> decoded;
    size_t consumed = 0;
    ASSERT_TRUE(DecodeRleHybrid(out, width, values.size(), &decoded, &consumed).ok()) << width;
    EXPECT_EQ(decoded, values) << width;
  }
}

TEST(RleHybridTest, TruncatedInputIsCorruption) {
  std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7, 5, 5, 5, 5, 5, 5, 5, 5, 5};
  std::string out;
  AppendRleHybrid(values.data(), values.size(), 3, &out);
  for (size_t n = 0; n < out.size(); ++n) {
    std::vector<uint32_t> decoded;
    size_t consumed;
    EXPECT_EQ(DecodeRleHybrid(out.substr(0, n), 3, values.size(), &decoded, &consumed).code(),
              Code::kCorruption)
        << n;
  }
}

TEST(StringDictionaryTest, KeepsFirstSeenOrderAndStopsAtItsLimits) {
  StringDictionary dict;
  bool inserted = false;
  EXPECT_EQ(dict.FindOrInsert("b", 3, 100, &inserted), 0u);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(dict.FindOrInsert("a", 3, 100, &inserted), 1u);
  EXPECT_EQ(dict.FindOrInsert("b", 3, 100, &inserted), 0u);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(dict.FindOrInsert("", 3, 100, &inserted), 2u);
  EXPECT_EQ(dict.FindOrInsert("c", 3, 100, &inserted), std::nullopt);  // entries
  EXPECT_EQ(dict.plain(), Bytes({1, 0, 0, 0, 'b', 1, 0, 0, 0, 'a', 0, 0, 0, 0}));
  EXPECT_EQ(dict.FindOrInsert(std::string(90, 'x'), 10, 100, &inserted), std::nullopt);  // bytes
  for (int i = 0; i < 5000; ++i) {  // grows its table past the initial size
    ASSERT_EQ(dict.FindOrInsert(std::to_string(i), 1 << 20, 1 << 20, &inserted), i + 3u);
  }
  EXPECT_EQ(dict.FindOrInsert("4999", 1 << 20, 1 << 20, &inserted), 5002u);
}

class PageCodecTest : public ::testing::TestWithParam<ParquetCodec> {};

TEST_P(PageCodecTest, CompressedPagesDecompressAndDamageIsCorruption) {
  std::string page;
  for (int i = 0; i < 20'000; ++i) page += "STANDARD" + std::to_string(i % 17);
  PageCompressor compressor(GetParam(), 6);
  std::string compressed;
  ASSERT_TRUE(compressor.Compress(page, &compressed).ok());
  std::string back;
  ASSERT_TRUE(DecompressPage(GetParam(), compressed, page.size(), &back).ok());
  EXPECT_EQ(back, page);
  EXPECT_EQ(DecompressPage(GetParam(), compressed, page.size() + 1, &back).code(),
            Code::kCorruption);
  EXPECT_EQ(
      DecompressPage(GetParam(), compressed.substr(0, compressed.size() / 2), page.size(), &back)
          .code(),
      Code::kCorruption);
}

INSTANTIATE_TEST_SUITE_P(Codecs, PageCodecTest,
                         ::testing::Values(ParquetCodec::kUncompressed, ParquetCodec::kSnappy,
                                           ParquetCodec::kGzip, ParquetCodec::kZstd));

}  // namespace
}  // namespace stocktake::format
