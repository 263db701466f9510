#include "format/gzip_stream.h"

#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace stocktake::format {
namespace {

constexpr size_t kOutChunk = 256 * 1024;
constexpr int kGzipWindowBits = 15 + 16;  // 32 KB window, gzip wrapper

std::string ZlibMessage(const z_stream& stream, int code) {
  return stream.msg != nullptr ? stream.msg : "zlib error " + std::to_string(code);
}

}  // namespace

struct GzipCompressor::State {
  isal_zstream stream;
  std::vector<uint8_t> level_buffer;
};

int GzipCompressor::IgzipLevel(int level) {
  if (level <= 1) return 1;
  if (level <= 5) return 2;
  return 3;
}

GzipCompressor::GzipCompressor(int level, Sink sink)
    : state_(std::make_unique<State>()), sink_(std::move(sink)) {
  isal_zstream& stream = state_->stream;
  isal_deflate_init(&stream);
  stream.gzip_flag = IGZIP_GZIP;
  stream.level = static_cast<uint32_t>(IgzipLevel(level));
  switch (stream.level) {
    case 1:
      state_->level_buffer.resize(ISAL_DEF_LVL1_DEFAULT);
      break;
    case 2:
      state_->level_buffer.resize(ISAL_DEF_LVL2_DEFAULT);
      break;
    default:
      state_->level_buffer.resize(ISAL_DEF_LVL3_DEFAULT);
      break;
  }
  stream.level_buf = state_->level_buffer.data();
  stream.level_buf_size = static_cast<uint32_t>(state_->level_buffer.size());
  out_.resize(kOutChunk);
}

GzipCompressor::~GzipCompressor() = default;

Status GzipCompressor::Write(std::string_view data) {
  isal_zstream& stream = state_->stream;
  stream.flush = NO_FLUSH;
  // avail_in is 32-bit: feed very large inputs in slices.
  while (!data.empty()) {
    const size_t n = std::min<size_t>(data.size(), size_t{1} << 30);
    stream.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uint32_t>(n);
    RETURN_IF_ERROR(Deflate(false));
    data.remove_prefix(n);
  }
  return Status::OK();
}

Status GzipCompressor::Flush() {
  isal_zstream& stream = state_->stream;
  stream.next_in = nullptr;
  stream.avail_in = 0;
  stream.flush = SYNC_FLUSH;
  Status st = Deflate(false);
  stream.flush = NO_FLUSH;
  return st;
}

Status GzipCompressor::Finish() {
  isal_zstream& stream = state_->stream;
  stream.next_in = nullptr;
  stream.avail_in = 0;
  stream.flush = NO_FLUSH;
  stream.end_of_stream = 1;
  return Deflate(true);
}

Status GzipCompressor::Deflate(bool finish) {
  isal_zstream& stream = state_->stream;
  // isal_deflate returns when the input is consumed or the output is full;
  // at the end of the stream it has written the trailer once its state is
  // ZSTATE_END. A sync flush is complete once input is consumed with output
  // space left over.
  for (int idle = 0;;) {
    stream.next_out = reinterpret_cast<uint8_t*>(out_.data());
    stream.avail_out = static_cast<uint32_t>(out_.size());
    const int rc = isal_deflate(&stream);
    if (rc != COMP_OK) return Internal("gzip: isal_deflate failed with code " + std::to_string(rc));
    const size_t produced = out_.size() - stream.avail_out;
    if (produced > 0) RETURN_IF_ERROR(sink_(std::string_view(out_.data(), produced)));
    if (finish) {
      if (stream.internal_state.state == ZSTATE_END) return Status::OK();
      // Never spin: a call that writes nothing twice in a row is stuck.
      idle = produced > 0 ? 0 : idle + 1;
      if (idle > 2) return Internal("gzip: isal_deflate did not finish the stream");
    } else if (stream.avail_in == 0 && stream.avail_out != 0) {
      return Status::OK();
    }
  }
}

GzipDecompressor::GzipDecompressor() {
  initialized_ = inflateInit2(&stream_, kGzipWindowBits) == Z_OK;
}

GzipDecompressor::~GzipDecompressor() {
  if (initialized_) inflateEnd(&stream_);
}

Status GzipDecompressor::Write(std::string_view input, std::string* out, std::string_view what) {
  if (!initialized_) return Internal("gunzip " + std::string(what) + ": inflateInit2 failed");
  stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream_.avail_in = static_cast<uInt>(input.size());
  char buf[64 * 1024];
  while (stream_.avail_in > 0) {
    if (!in_member_) {
      // Between members: a new one starts here.
      if (inflateReset(&stream_) != Z_OK) {
        return Internal("gunzip " + std::string(what) + ": inflateReset failed");
      }
      in_member_ = true;
      saw_member_ = true;
    }
    stream_.next_out = reinterpret_cast<Bytef*>(buf);
    stream_.avail_out = sizeof(buf);
    int rc = inflate(&stream_, Z_NO_FLUSH);
    out->append(buf, sizeof(buf) - stream_.avail_out);
    if (rc == Z_STREAM_END) {
      in_member_ = false;
    } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && stream_.avail_in == 0)) {
      return Corruption("gunzip " + std::string(what) + ": " + ZlibMessage(stream_, rc));
    }
  }
  // Output may still be pending inside zlib with no input left.
  while (in_member_) {
    stream_.next_out = reinterpret_cast<Bytef*>(buf);
    stream_.avail_out = sizeof(buf);
    int rc = inflate(&stream_, Z_NO_FLUSH);
    size_t produced = sizeof(buf) - stream_.avail_out;
    out->append(buf, produced);
    if (rc == Z_STREAM_END) {
      in_member_ = false;
    } else if (rc == Z_BUF_ERROR || produced == 0) {
      break;  // needs more input
    } else if (rc != Z_OK) {
      return Corruption("gunzip " + std::string(what) + ": " + ZlibMessage(stream_, rc));
    }
  }
  return Status::OK();
}

Status GzipDecompressor::Finish(std::string_view what) const {
  if (in_member_) return Corruption("gunzip " + std::string(what) + ": truncated gzip stream");
  if (!saw_member_) return Corruption("gunzip " + std::string(what) + ": empty gzip stream");
  return Status::OK();
}

}  // namespace stocktake::format
