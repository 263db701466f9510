// Thrift metadata decoders against our encoders, and the DELTA decoders
// against the examples of parquet-format's Encodings.md.
#include "format/parquet_metadata.h"

#include <gtest/gtest.h>

#include "format/parquet_encoding.h"

namespace stocktake::format {
namespace {

TEST(ParquetMetadataTest, FooterDecodesToWhatWasEncoded) {
  auto element = [](std::string name, std::optional<ParquetType> type, ParquetRepetition repetition,
                    ParquetLogical logical) {
    ParquetSchemaElement e;
    e.name = std::move(name);
    e.type = type;
    if (type) e.repetition = repetition;
    e.logical = logical;
    return e;
  };
  ParquetFileMetaData meta;
  meta.schema.push_back(element("s3.inventory", std::nullopt, {}, ParquetLogical::kNone));
  meta.schema[0].num_children = 3;
  meta.schema.push_back(element("key", ParquetType::kByteArray, ParquetRepetition::kRequired,
                                ParquetLogical::kString));
  meta.schema[1].converted_type = kConvertedUtf8;
  meta.schema.push_back(element("t", ParquetType::kInt64, ParquetRepetition::kOptional,
                                ParquetLogical::kTimestampNanos));
  meta.schema[2].timestamp_utc = false;
  meta.schema.push_back(
      element("d", ParquetType::kInt32, ParquetRepetition::kOptional, ParquetLogical::kDate));
  meta.num_rows = 5;
  ParquetRowGroup& g = meta.row_groups.emplace_back();
  g.num_rows = 5;
  g.ordinal = 0;
  ParquetColumnChunk& c = g.columns.emplace_back();
  c.meta_data.path_in_schema = {"key"};
  c.meta_data.encodings = {ParquetEncoding::kRleDictionary, ParquetEncoding::kPlain};
  c.meta_data.codec = ParquetCodec::kZstd;
  c.meta_data.num_values = 5;
  c.meta_data.total_compressed_size = 1234567890123;
  c.meta_data.data_page_offset = 99;
  c.meta_data.dictionary_page_offset = 4;
  c.meta_data.statistics.emplace();
  c.meta_data.statistics->min_value = "a";
  c.meta_data.statistics->max_value = "z";
  meta.key_value_metadata = {{"k", "v"}};
  meta.created_by = "test";

  auto decoded = DecodeFileMetaData(EncodeFileMetaData(meta));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->schema.size(), 4u);
  EXPECT_EQ(decoded->schema[0].num_children, 3);
  EXPECT_EQ(decoded->schema[1].logical, ParquetLogical::kString);
  EXPECT_EQ(decoded->schema[1].repetition, ParquetRepetition::kRequired);
  EXPECT_EQ(decoded->schema[2].logical, ParquetLogical::kTimestampNanos);
  EXPECT_FALSE(decoded->schema[2].timestamp_utc);
  EXPECT_EQ(decoded->schema[3].logical, ParquetLogical::kDate);
  const ParquetColumnMetaData& m = decoded->row_groups.at(0).columns.at(0).meta_data;
  EXPECT_EQ(m.path_in_schema, std::vector<std::string>{"key"});
  EXPECT_EQ(m.encodings.size(), 2u);
  EXPECT_EQ(m.codec, ParquetCodec::kZstd);
  EXPECT_EQ(m.total_compressed_size, 1234567890123);
  EXPECT_EQ(m.dictionary_page_offset, 4);
  EXPECT_EQ(decoded->key_value_metadata, meta.key_value_metadata);
  EXPECT_EQ(decoded->created_by, "test");
  EXPECT_TRUE(decoded->type_defined_column_orders);
}

TEST(ParquetMetadataTest, PageHeadersOfEveryKindRoundTrip) {
  for (ParquetPageType type : {ParquetPageType::kDataPage, ParquetPageType::kDictionaryPage,
                               ParquetPageType::kDataPageV2}) {
    ParquetPageHeader h;
    h.type = type;
    h.uncompressed_page_size = 1000;
    h.compressed_page_size = 500;
    h.num_values = 77;
    h.encoding = ParquetEncoding::kPlainDictionary;
    h.num_nulls = 3;
    h.num_rows = 77;
    h.definition_levels_byte_length = 12;
    h.is_compressed = false;
    std::string bytes = EncodePageHeader(h) + "trailing page data";
    size_t consumed = 0;
    auto decoded = DecodePageHeader(bytes, &consumed);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(consumed, bytes.size() - 18);
    EXPECT_EQ(decoded->type, type);
    EXPECT_EQ(decoded->num_values, 77);
    EXPECT_EQ(decoded->encoding, ParquetEncoding::kPlainDictionary);
    if (type == ParquetPageType::kDataPageV2) {
      EXPECT_EQ(decoded->num_nulls, 3);
      EXPECT_EQ(decoded->definition_levels_byte_length, 12);
      EXPECT_FALSE(decoded->is_compressed);
    }
  }
}

TEST(ParquetMetadataTest, WrongFieldTypeIsCorruption) {
  // FileMetaData.version (field 1) as a binary instead of an i32.
  const std::string bytes = {0x18, 0x01, 'x', 0x00};
  auto decoded = DecodeFileMetaData(bytes);
  EXPECT_EQ(decoded.status().code(), Code::kCorruption);
  EXPECT_NE(decoded.status().message().find("FileMetaData.version"), std::string::npos);
}

struct DeltaCase {
  std::string name;
  std::string bytes;
  std::vector<int64_t> values;
  size_t consumed;
};

TEST(ParquetDeltaTest, DecodesTheSpecExamples) {
  const std::vector<DeltaCase> cases = {
      // 1..5: min delta 1, all miniblocks of width 0.
      {"ascending",
       std::string("\x80\x01\x04\x05\x02\x02\x00\x00\x00\x00", 10),
       {1, 2, 3, 4, 5},
       10},
      // 7 5 3 1 2 3 4 5: min delta -2, relative deltas 0 0 0 3 3 3 3 in 2 bits.
      {"mixed",
       std::string("\x80\x01\x04\x08\x0e\x03\x02\x00\x00\x00\xc0\x3f\x00\x00\x00\x00\x00\x00", 18),
       {7, 5, 3, 1, 2, 3, 4, 5},
       18},
  };
  for (const DeltaCase& c : cases) {
    std::vector<int64_t> values;
    size_t consumed = 0;
    Status st = DecodeDeltaBinaryPacked(c.bytes, c.values.size(), &values, &consumed);
    ASSERT_TRUE(st.ok()) << c.name << ": " << st.ToString();
    EXPECT_EQ(values, c.values) << c.name;
    EXPECT_EQ(consumed, c.consumed) << c.name;
    EXPECT_FALSE(DecodeDeltaBinaryPacked(c.bytes.substr(0, c.consumed - 1), c.values.size(),
                                         &values, &consumed)
                     .ok())
        << c.name;
  }
}

TEST(ParquetDeltaTest, ByteArraysRebuildFromPrefixesAndSuffixes) {
  std::vector<std::string_view> values;
  std::string storage;
  // DELTA_LENGTH_BYTE_ARRAY of "hello", "lo", "p": lengths 5 2 1 are
  // first 5, deltas -3 -1 -> min -3, relative 0 2 in 2 bits.
  std::string lengths("\x80\x01\x04\x03\x0a\x05\x02\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00",
                      18);
  std::string dlba = lengths + "hellolop";
  size_t consumed = 0;
  ASSERT_TRUE(DecodeDeltaLengthByteArray(dlba, 3, &values, &consumed).ok());
  EXPECT_EQ(values, (std::vector<std::string_view>{"hello", "lo", "p"}));
  EXPECT_EQ(consumed, dlba.size());
  // Prefixes 0 3 4: first 0, deltas 3 1 -> min 1, relative 2 0 in 2 bits.
  std::string prefix_lengths(
      "\x80\x01\x04\x03\x00\x02\x02\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00", 18);
  ASSERT_TRUE(DecodeDeltaByteArray(prefix_lengths + dlba, 3, &storage, &values).ok());
  EXPECT_EQ(values, (std::vector<std::string_view>{"hello", "hello", "hellp"}));
}

}  // namespace
}  // namespace stocktake::format
