// HMAC for the GENERATE_VERIFY_MAC keys (HMAC_224/256/384/512): the MAC
// algorithms AWS names, their digests, and the key sizes AWS generates and
// accepts for import; and the SHA-256 / HMAC-SHA256 primitives of strict
// mode's SigV4 check (server/wire/sigv4_verifier.cc), with the algorithms
// fetched once per process and one context per thread.
//
// Thread safety: all functions are safe to call concurrently.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
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

// SHA-256 (FIPS 180-4) of `data` (any bytes): the 32-byte digest. SHA-256 is
// fetched once (EVP_MD_fetch) and each thread reuses one EVP_MD_CTX. Throws
// KmsError (KMSInternalException) if OpenSSL fails.
std::array<uint8_t, 32> Sha256(std::string_view data);
// HMAC-SHA256 (RFC 2104) of `message` under `key` (any length, bytes): the
// 32-byte MAC. Each thread reuses one EVP_MAC_CTX set to SHA-256 once. Throws
// KmsError (KMSInternalException) if OpenSSL fails.
std::array<uint8_t, 32> HmacSha256(std::span<const uint8_t> key, std::string_view message);

}  // namespace rotor::core
