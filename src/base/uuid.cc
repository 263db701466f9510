#include "base/uuid.h"

#include <cstdint>
#include <random>

namespace stocktake {

std::string NewUuidV4() {
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  uint64_t hi = generator();
  uint64_t lo = generator();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // variant 10xx
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int nibble = 0; nibble < 32; ++nibble) {
    if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20) out.push_back('-');
    uint64_t word = nibble < 16 ? hi : lo;
    int shift = 60 - 4 * (nibble % 16);
    out.push_back(kHex[(word >> shift) & 15]);
  }
  return out;
}

}  // namespace stocktake
