// Streaming gzip (RFC 1952) over zlib, for report data files.
//
// GzipCompressor turns a byte stream into one gzip member, calling a sink
// with bounded output chunks; GzipDecompressor inflates one or more
// concatenated members and reports a truncated or damaged stream as
// Corruption. Each object owns its zlib state (a few hundred KB) and is used
// by one thread at a time. Why zlib and not libdeflate: docs/report-format.md.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace stocktake::format {

class GzipCompressor {
 public:
  // Receives each chunk of compressed output; a non-OK status aborts the
  // Write or Finish that produced it and is returned from there.
  using Sink = std::function<Status(std::string_view)>;

  // level: 1 (fast) .. 9 (small). `sink` is called synchronously.
  GzipCompressor(int level, Sink sink);
  ~GzipCompressor();
  GzipCompressor(const GzipCompressor&) = delete;
  GzipCompressor& operator=(const GzipCompressor&) = delete;

  // Internal if zlib rejects the level or runs out of memory; otherwise the
  // sink's status.
  Status Write(std::string_view data);
  // Compresses pending input and emits it up to a byte boundary
  // (Z_SYNC_FLUSH), so the bytes emitted so far track the input closely.
  Status Flush();
  // Ends the gzip member (trailer with CRC32 and size). REQUIRES: called once.
  Status Finish();

 private:
  Status Deflate(int flush);

  z_stream stream_{};
  bool initialized_ = false;
  Sink sink_;
  std::string out_;
};

class GzipDecompressor {
 public:
  GzipDecompressor();
  ~GzipDecompressor();
  GzipDecompressor(const GzipDecompressor&) = delete;
  GzipDecompressor& operator=(const GzipDecompressor&) = delete;

  // Inflates `input` (any slice of the compressed stream) and appends the
  // text to `*out`. A new member may follow the end of one (multi-member
  // gzip). Corruption on bad data, naming `what`.
  Status Write(std::string_view input, std::string* out, std::string_view what);
  // Corruption if the stream ended inside a member or held no member.
  Status Finish(std::string_view what) const;

 private:
  z_stream stream_{};
  bool initialized_ = false;
  bool in_member_ = false;
  bool saw_member_ = false;
};

}  // namespace stocktake::format
