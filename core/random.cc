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

void IdGenerator::Fill(uint8_t* out, size_t n) {
  struct State {
    uint64_t s[4];
    State() { OpenSslRandom().Fill(reinterpret_cast<uint8_t*>(s), sizeof s); }
  };
  thread_local State st;
  auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  for (size_t i = 0; i < n; i += 8) {
    uint64_t result = rotl(st.s[1] * 5, 7) * 9;
    uint64_t t = st.s[1] << 17;
    st.s[2] ^= st.s[0];
    st.s[3] ^= st.s[1];
    st.s[1] ^= st.s[2];
    st.s[0] ^= st.s[3];
    st.s[2] ^= t;
    st.s[3] = rotl(st.s[3], 45);
    for (size_t k = 0; k < 8 && i + k < n; ++k)
      out[i + k] = static_cast<uint8_t>(result >> (8 * k));
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
