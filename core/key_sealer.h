// KeySealer: key material at rest is AES-256-GCM-encrypted under a root key.
//
// The AAD binds each sealed blob to its key id and version, so a row copied
// onto another key or version fails to unseal instead of silently becoming
// that key's material. Storage only ever sees sealed bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/bytes.h"
#include "core/key_ring.h"
#include "core/random.h"

namespace rotor::core {

class KeySealer {
 public:
  // `root_key` must be 32 bytes.
  KeySealer(SecretBytes root_key, RandomSource& random);

  SealedMaterial Seal(const std::string& key_id, uint32_t version,
                      const SecretBytes& material) const;
  // Nullopt if the blob was not sealed by this root key for (key_id, version).
  std::optional<SecretBytes> Unseal(const std::string& key_id, uint32_t version,
                                    const SealedMaterial& sealed) const;

  // The same sealing for other secrets at rest or in transit (import tokens):
  // the caller's `aad` must name the purpose, so no blob of one kind opens as
  // another. Output: iv || ciphertext || tag.
  Bytes SealWithAad(std::span<const uint8_t> aad, std::span<const uint8_t> plaintext) const;
  std::optional<SecretBytes> UnsealWithAad(std::span<const uint8_t> aad,
                                           std::span<const uint8_t> sealed) const;

  // The root key's check value: HMAC-SHA256 (RFC 2104) under the root key of
  // the fixed label "rotor root key check value v1", 32 bytes. It tells root
  // keys apart without revealing them; stores record it (core/root_key_check.h).
  Bytes CheckValue() const;

 private:
  SecretBytes root_key_;
  RandomSource& random_;
};

}  // namespace rotor::core
