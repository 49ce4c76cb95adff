// Key ring: a key is an ordered list of numbered key-material versions.
//
// Version 1 is the first material; each rotation appends the next number and
// makes it current. Encrypt uses the current version; a ciphertext names its
// version and Decrypt uses exactly that one, however long the history grows.
// This header holds the version record; KeyMaterialStore (key_material_store.h)
// creates versions and serves their unsealed bytes from a cache.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/clock.h"

namespace rotor::core {

class PrivateKey;  // asymmetric_key.h

enum class RotationType { kAutomatic, kOnDemand };
enum class KeyMaterialState { kCurrent, kNonCurrent, kPendingRotation };
enum class ImportState { kImported, kPendingImport };

std::string_view ToString(RotationType v);
std::string_view ToString(KeyMaterialState v);
std::string_view ToString(ImportState v);
template <typename E>
std::optional<E> Parse(std::string_view text);
template <>
std::optional<RotationType> Parse<RotationType>(std::string_view text);
template <>
std::optional<ImportState> Parse<ImportState>(std::string_view text);

// One version of a key's material, without its bytes.
struct KeyMaterialVersion {
  uint32_t version = 0;
  std::string material_id;                    // 64 lowercase hex characters
  Timestamp created;                          // for rotated versions, the rotation date
  std::optional<RotationType> rotation_type;  // none for the first material
  // Imported material only (Origin EXTERNAL).
  std::string description;
  std::optional<ImportState> import_state;
  std::optional<Timestamp> valid_to;
};

// Key material as storage keeps it: AES-256-GCM under the root key (iv||ct||tag).
struct SealedMaterial {
  Bytes sealed;
  std::string material_id;  // filled on reads, so callers need no second lookup
};

// One version's material after unsealing, as the cache holds it.
struct UnsealedMaterial {
  SecretBytes bytes;
  std::string material_id;
  // Asymmetric keys: the private key parsed from `bytes` once, when the
  // material enters the cache, so Sign/Decrypt never re-parse DER.
  std::shared_ptr<const PrivateKey> private_key;
};

}  // namespace rotor::core
