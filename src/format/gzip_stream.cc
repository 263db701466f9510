#include "format/gzip_stream.h"

#include <cstring>

namespace stocktake::format {
namespace {

constexpr size_t kOutChunk = 256 * 1024;
constexpr int kGzipWindowBits = 15 + 16;  // 32 KB window, gzip wrapper

std::string ZlibMessage(const z_stream& stream, int code) {
  return stream.msg != nullptr ? stream.msg : "zlib error " + std::to_string(code);
}

}  // namespace

GzipCompressor::GzipCompressor(int level, Sink sink) : sink_(std::move(sink)) {
  initialized_ =
      deflateInit2(&stream_, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  out_.resize(kOutChunk);
}

GzipCompressor::~GzipCompressor() {
  if (initialized_) deflateEnd(&stream_);
}

Status GzipCompressor::Write(std::string_view data) {
  stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream_.avail_in = static_cast<uInt>(data.size());
  return Deflate(Z_NO_FLUSH);
}

Status GzipCompressor::Flush() {
  stream_.next_in = nullptr;
  stream_.avail_in = 0;
  return Deflate(Z_SYNC_FLUSH);
}

Status GzipCompressor::Finish() {
  stream_.next_in = nullptr;
  stream_.avail_in = 0;
  return Deflate(Z_FINISH);
}

Status GzipCompressor::Deflate(int flush) {
  if (!initialized_) return Internal("gzip: deflateInit2 failed (bad level or no memory)");
  // With Z_NO_FLUSH deflate consumes all input once output space remains;
  // with Z_FINISH it returns Z_STREAM_END after the trailer.
  while (true) {
    stream_.next_out = reinterpret_cast<Bytef*>(out_.data());
    stream_.avail_out = static_cast<uInt>(out_.size());
    int rc = deflate(&stream_, flush);
    if (rc == Z_STREAM_ERROR) return Internal("gzip: deflate: " + ZlibMessage(stream_, rc));
    size_t produced = out_.size() - stream_.avail_out;
    if (produced > 0) RETURN_IF_ERROR(sink_(std::string_view(out_.data(), produced)));
    if (flush == Z_FINISH) {
      if (rc == Z_STREAM_END) return Status::OK();
    } else if (stream_.avail_in == 0 && stream_.avail_out != 0) {
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
