// RandomSource: where key ids, key material, IVs and data keys come from.
//
// Production uses OpenSslRandom (the CSPRNG). Tests may inject a fixed
// sequence. Thread safety: Fill may be called concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/bytes.h"

namespace rotor::core {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void Fill(uint8_t* out, size_t n) = 0;

  SecretBytes Secret(size_t n) {
    SecretBytes b(n);
    Fill(b.data(), n);
    return b;
  }
  Bytes Public(size_t n) {
    Bytes b(n);
    Fill(b.data(), n);
    return b;
  }
  // A random (version 4) UUID in lowercase, the shape of an AWS key id.
  std::string Uuid();
};

class OpenSslRandom final : public RandomSource {
 public:
  void Fill(uint8_t* out, size_t n) override;
};

// Identifiers that must be unique but not secret (request ids, audit event
// ids): a per-thread xoshiro256** seeded once from the CSPRNG. OpenSSL's
// RAND_bytes costs a getpid() system call per call (fork detection); request
// ids need none of that. Never use this for keys, IVs or tokens.
class IdGenerator final : public RandomSource {
 public:
  void Fill(uint8_t* out, size_t n) override;
};

// 64-bit SplitMix sequence: reproducible, NOT for secrets. Only tests use it.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  void Fill(uint8_t* out, size_t n) override;

 private:
  uint64_t state_;
};

}  // namespace rotor::core
