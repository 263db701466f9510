#include "format/gzip_stream.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "format/format_test_util.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace stocktake::format {
namespace {

// Report-like text: quoted CSV rows with a shared structure, as in reports.
std::string CsvText(size_t rows) {
  std::string text;
  char line[160];
  for (size_t i = 0; i < rows; ++i) {
    int n = std::snprintf(line, sizeof(line),
                          "\"bucket\",\"d%03zu/s-%03zu/obj-%07zu.dat\",\"%zu\","
                          "\"2026-11-28T09:41:%02zu.%03zuZ\"\n",
                          i / 10000, (i / 100) % 100, i, 64 + (i * 7919) % 2048, i % 60, i % 1000);
    text.append(line, static_cast<size_t>(n));
  }
  return text;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

// Everything zlib can inflate from a prefix of a gzip member (no trailer
// needed): what a sync flush must make readable.
std::string InflatePrefix(const std::string& gz) {
  z_stream s{};
  EXPECT_EQ(inflateInit2(&s, 15 + 16), Z_OK);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  s.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[1 << 16];
  for (;;) {
    s.next_out = reinterpret_cast<Bytef*>(buf);
    s.avail_out = sizeof(buf);
    int rc = inflate(&s, Z_SYNC_FLUSH);
    out.append(buf, sizeof(buf) - s.avail_out);
    if (rc != Z_OK || (s.avail_in == 0 && s.avail_out != 0)) break;
  }
  inflateEnd(&s);
  return out;
}

std::string Compress(int level, const std::string& data, size_t slice) {
  std::string gz;
  GzipCompressor gzip(level, [&](std::string_view chunk) {
    gz.append(chunk);
    return Status::OK();
  });
  for (size_t off = 0; off < data.size(); off += slice) {
    EXPECT_TRUE(gzip.Write(std::string_view(data).substr(off, slice)).ok());
  }
  EXPECT_TRUE(gzip.Finish().ok());
  return gz;
}

TEST(GzipCompressorTest, EveryLevelRoundTripsThroughZlib) {
  const std::string text = CsvText(50000);
  const std::string noise = RandomBytes(300000, 7);
  for (int level = 1; level <= 9; ++level) {
    for (const std::string* data : {&text, &noise}) {
      bool ok = false;
      std::string gz = Compress(level, *data, 7919);
      EXPECT_EQ(Gunzip(gz, &ok), *data) << "level " << level;
      EXPECT_TRUE(ok) << "level " << level;
      // RFC 1952 header: magic, deflate.
      ASSERT_GE(gz.size(), 18u);
      EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
      EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
      EXPECT_EQ(gz[2], 8);
    }
  }
}

TEST(GzipCompressorTest, HigherLevelsAreNotBiggerOnReportText) {
  const std::string text = CsvText(100000);
  const size_t fast = Compress(1, text, 1 << 20).size();
  const size_t small = Compress(9, text, 1 << 20).size();
  EXPECT_LE(small, fast);
  EXPECT_LT(fast, text.size() / 4);  // report text compresses well at any level
  EXPECT_EQ(GzipCompressor::IgzipLevel(1), 1);
  EXPECT_EQ(GzipCompressor::IgzipLevel(5), 2);
  EXPECT_EQ(GzipCompressor::IgzipLevel(6), 3);
  EXPECT_EQ(GzipCompressor::IgzipLevel(9), 3);
}

TEST(GzipCompressorTest, EmptyInputIsAValidEmptyMember) {
  for (int level : {1, 6}) {
    bool ok = false;
    std::string gz = Compress(level, "", 1);
    EXPECT_EQ(Gunzip(gz, &ok), "");
    EXPECT_TRUE(ok);
  }
}

TEST(GzipCompressorTest, FlushMakesEverythingWrittenSoFarReadable) {
  const std::string text = CsvText(20000);
  std::string gz;
  GzipCompressor gzip(1, [&](std::string_view chunk) {
    gz.append(chunk);
    return Status::OK();
  });
  size_t written = 0;
  for (size_t cut : {size_t{1}, size_t{5000}, size_t{333333}, text.size()}) {
    ASSERT_TRUE(gzip.Write(std::string_view(text).substr(written, cut - written)).ok());
    written = cut;
    ASSERT_TRUE(gzip.Flush().ok());
    EXPECT_EQ(InflatePrefix(gz), text.substr(0, written)) << "after " << written << " bytes";
  }
  ASSERT_TRUE(gzip.Finish().ok());
  bool ok = false;
  EXPECT_EQ(Gunzip(gz, &ok), text);
  EXPECT_TRUE(ok);
}

TEST(GzipCompressorTest, OutputReachesTheSinkInBoundedChunks) {
  const std::string noise = RandomBytes(3 << 20, 11);
  size_t largest = 0;
  size_t calls = 0;
  GzipCompressor gzip(1, [&](std::string_view chunk) {
    largest = std::max(largest, chunk.size());
    ++calls;
    return Status::OK();
  });
  ASSERT_TRUE(gzip.Write(noise).ok());
  ASSERT_TRUE(gzip.Finish().ok());
  EXPECT_GT(calls, 4u);
  EXPECT_LE(largest, size_t{256 * 1024});
}

TEST(GzipCompressorTest, SinkErrorIsReturned) {
  const std::string noise = RandomBytes(1 << 20, 3);
  GzipCompressor gzip(1, [](std::string_view) { return IOError("disk full"); });
  Status st = gzip.Write(noise);
  if (st.ok()) st = gzip.Finish();
  EXPECT_EQ(st.code(), Code::kIOError);
  EXPECT_NE(st.message().find("disk full"), std::string::npos);
}

// An independent reader: the gzip tool checks the CRC and length trailer.
TEST(GzipCompressorTest, GzipToolAcceptsTheMember) {
  testing::TempDir dir;
  const std::string text = CsvText(30000);
  const std::string path = dir.path() + "/r.csv.gz";
  {
    std::ofstream out(path, std::ios::binary);
    std::string gz = Compress(1, text, 65536);
    out.write(gz.data(), static_cast<std::streamsize>(gz.size()));
  }
  testing::RunResult test = testing::RunProgram({"gzip", "-t", path});
  EXPECT_EQ(test.exit_code, 0) << test.err;
  testing::RunResult cat = testing::RunProgram({"gzip", "-dc", path});
  EXPECT_EQ(cat.exit_code, 0) << cat.err;
  EXPECT_TRUE(cat.out == text);
}

}  // namespace
}  // namespace stocktake::format
