// ImportToken: what GetParametersForImport hands out and ImportKeyMaterial
// takes back. Rotor keeps no table of tokens: the token itself carries the
// key id, the instant it stops being valid, the wrapping algorithm and spec,
// and the wrapping private key, all sealed under the root key (AES-256-GCM,
// fresh random IV) with the clear header as authenticated data:
//
//   offset  size  field
//   0       4     "RIT" + format version 0x01
//   4       16    key id (the UUID's bytes)
//   20      8     ParametersValidTo, ms since the epoch, big-endian
//   28      1     wrapping algorithm (WrappingAlgorithm value)
//   29      1     wrapping key spec (RSA_2048 = 0, RSA_3072 = 1, RSA_4096 = 2)
//   30      n     sealed PKCS#8 DER of the wrapping private key (iv||ct||tag)
//
// So a token cannot be forged, moved to another key, or opened by another
// Rotor (another root key), tokens survive restarts, and the private wrapping
// key is never stored in the clear. Any number of tokens may be valid at once,
// as in AWS.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "core/bytes.h"
#include "core/clock.h"
#include "core/key_metadata.h"
#include "core/key_sealer.h"
#include "core/key_wrap.h"

namespace rotor::core {

struct ImportParameters {
  std::string key_id;
  Timestamp valid_to;
  WrappingAlgorithm algorithm = WrappingAlgorithm::kRsaesOaepSha256;
  KeySpec wrapping_spec = KeySpec::kRsa2048;
  SecretBytes wrapping_private_key;  // PKCS#8 DER
};

Bytes SealImportToken(const KeySealer& sealer, const ImportParameters& params);
// Nullopt when `token` is not a token this Rotor issued (malformed, tampered,
// another root key). Does not check the key id or the expiry: the caller does.
std::optional<ImportParameters> OpenImportToken(const KeySealer& sealer,
                                                std::span<const uint8_t> token);

}  // namespace rotor::core
