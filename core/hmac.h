// HMAC for the GENERATE_VERIFY_MAC keys (HMAC_224/256/384/512): the MAC
// algorithms AWS names, their digests, and the key sizes AWS generates and
// accepts for import.
//
// Thread safety: stateless functions, safe to call concurrently.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "core/bytes.h"
#include "core/key_metadata.h"

namespace rotor::core {

// The one MAC algorithm an HMAC key computes: HMAC_SHA_256 for HMAC_256 and so
// on; nullopt for a spec that is not HMAC.
std::optional<MacAlgorithm> MacAlgorithmOf(KeySpec spec);
// Bytes of key material CreateKey generates for an HMAC spec (the digest size).
size_t HmacKeySize(KeySpec spec);
// Imported HMAC key material must be between the digest size and the block
// size of the hash (HMAC_224/256: up to 64 bytes, HMAC_384/512: up to 128).
bool IsValidHmacKeySize(KeySpec spec, size_t size);

// HMAC of `message` under `key` with the digest of `spec`.
Bytes ComputeHmac(KeySpec spec, std::span<const uint8_t> key, std::span<const uint8_t> message);
// Constant-time comparison of `mac` with the HMAC of `message`.
bool VerifyHmac(KeySpec spec, std::span<const uint8_t> key, std::span<const uint8_t> message,
                std::span<const uint8_t> mac);

}  // namespace rotor::core
