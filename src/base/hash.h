// Digests and encodings used across stocktake: MD5 (ETags, manifests),
// SHA-256 and HMAC-SHA256 (SigV4), hex and base64. All functions are pure
// and thread-safe. Md5Hasher is a streaming digest owned by one thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace stocktake {

std::string HexLower(std::string_view bytes);
std::string Base64Encode(std::string_view bytes);

std::string Md5Hex(std::string_view data);
std::string Sha256(std::string_view data);  // raw 32 bytes
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw 32 bytes

// Streaming MD5. Update() any number of times, then FinishHex() once.
class Md5Hasher {
 public:
  Md5Hasher();
  ~Md5Hasher();
  Md5Hasher(const Md5Hasher&) = delete;
  Md5Hasher& operator=(const Md5Hasher&) = delete;
  void Update(std::string_view data);
  std::string FinishHex();
  std::string FinishRaw();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stocktake
