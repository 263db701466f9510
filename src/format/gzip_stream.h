// Streaming gzip (RFC 1952), for report data files.
//
// GzipCompressor turns a byte stream into one gzip member with ISA-L's
// igzip (several times zlib's speed at a smaller size), calling a sink with
// bounded output chunks; GzipDecompressor inflates one or more concatenated
// members with zlib and reports a truncated or damaged stream as
// Corruption. Each object owns its compression state (a few hundred KB) and
// is used by one thread at a time. Why igzip and not zlib or libdeflate:
// docs/report-format.md.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace stocktake::format {

class GzipCompressor {
 public:
  // Receives each chunk of compressed output; a non-OK status aborts the
  // Write or Finish that produced it and is returned from there.
  using Sink = std::function<Status(std::string_view)>;

  // level: 1 (fast) .. 9 (small), mapped onto igzip's levels 1..3 (see
  // IgzipLevel). `sink` is called synchronously.
  GzipCompressor(int level, Sink sink);
  ~GzipCompressor();
  GzipCompressor(const GzipCompressor&) = delete;
  GzipCompressor& operator=(const GzipCompressor&) = delete;

  // Internal if igzip reports an error; otherwise the sink's status.
  Status Write(std::string_view data);
  // Compresses pending input and emits it up to a byte boundary (a sync
  // flush), so the bytes emitted so far track the input closely.
  Status Flush();
  // Ends the gzip member (trailer with CRC32 and size). REQUIRES: called once.
  Status Finish();

  // The igzip level used for a zlib-style level 1..9: 1 -> 1, 2..5 -> 2,
  // 6..9 -> 3 (measured on report CSV: igzip 1 is smaller than zlib 1, igzip
  // 3 within 2% of zlib 6; docs/report-format.md).
  static int IgzipLevel(int level);

 private:
  struct State;
  Status Deflate(bool finish);

  std::unique_ptr<State> state_;
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
