#include "core/random.h"

#include <openssl/rand.h>

#include "core/kms_error.h"

namespace rotor::core {

std::string RandomSource::Uuid() {
  uint8_t b[16];
  Fill(b, sizeof b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::string hex = HexEncode(b, sizeof b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

void OpenSslRandom::Fill(uint8_t* out, size_t n) {
  if (n == 0) return;
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    throw KmsError::Internal("the system random number generator failed");
  }
}

void SeededRandom::Fill(uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (i % 8 == 0) state_ += 0x9E3779B97F4A7C15ull;
    uint64_t z = state_ + i / 8;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    out[i] = static_cast<uint8_t>(z >> (8 * (i % 8)));
  }
}

}  // namespace rotor::core
