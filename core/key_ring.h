// KeyRing: a KMS key and its numbered key-material versions, with every rule
// about those versions and nothing else (no repository, clock, randomness or
// sealing). KmsService loads a ring, asks it to change, and writes exactly the
// version rows the ring reports as changed. Tests drive it with plain values
// (tests/core/key_ring_test.cc). A KeyRing is a value: one thread uses it.
//
// The rules, as AWS documents them and docs/aws-kms-behaviour.md records them:
//   https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeyRotations.html
//     (and API_RotationsListEntry.html: KeyMaterialState, ImportState, RotationDate)
//   https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html
//   https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html
//   https://docs.aws.amazon.com/kms/latest/APIReference/API_DeleteImportedKeyMaterial.html
//   developer guide: rotate-keys.html, importing-keys-import-key-material.html
//
// Numbering. Versions are numbered 1, 2, 3... in the order they enter the
// ring; a number is never reused for other bytes except the one free import
// slot below, and a version is never removed while the key exists. A
// ciphertext names its version and Decrypt uses exactly that one, however long
// the ring grows. Key::version_count is the highest number.
//
// Current, non-current, pending (ListKeyRotations' KeyMaterialState, StateOf).
// Exactly one version is CURRENT once the key has material: Key::current_version
// (0 while an EXTERNAL key awaits its first import). Encrypt, Sign and
// GenerateMac use it. Versions below it are NON_CURRENT: they only decrypt.
// A version above it is PENDING_ROTATION: imported as NEW_KEY_MATERIAL into a
// symmetric EXTERNAL key and waiting for RotateKeyOnDemand. There is at most
// one, and only EXTERNAL keys have one.
//
// How versions enter (Append, the one way in). CreateKey's first material
// (no RotationType), automatic rotation (AUTOMATIC, dated with its scheduled
// instant, so a clock jump over three periods leaves three versions one
// period apart), on-demand rotation (ON_DEMAND, dated when it completes), seed
// files (versions described in full), ImportKeyMaterial with new material,
// and, next, multi-Region replicas receiving the primary's versions with the
// same KeyMaterialId and date. The version becomes current at once (since its
// date) unless it is imported material and the key already has current
// material: then it waits PENDING_ROTATION. The first imported material is
// current at once and stays associated with the key.
//
// Rotations listed (ListedAsRotation). ListKeyRotations with ROTATIONS_ONLY
// (the default) lists versions that carry a RotationType and have been
// current; ALL_KEY_MATERIAL adds the first material and pending material,
// which have no RotationType and no RotationDate.
//
// Imported material (Origin EXTERNAL). Each version's ImportState is IMPORTED
// (its bytes are here) or PENDING_IMPORT (DeleteImportedKeyMaterial or expiry
// removed them). The row stays either way, with its KeyMaterialId and
// description, so the same material can be imported again and the old
// ciphertexts decrypt again. DeleteImportedKeyMaterial acts on the current
// version, or on the version holding the KeyMaterialId it names.
//
// Import slots (ImportSlotFor). Without ImportType, the key's first import is
// NEW_KEY_MATERIAL and later ones EXISTING_KEY_MATERIAL. EXISTING material must
// be a version's KeyMaterialId (else IncorrectKeyMaterialException) and goes
// back into that version, with the new ValidTo and, when given, the new
// description. NEW material must not be one the key already has
// (IncorrectKeyMaterialException: import it as EXISTING); after the first
// import only symmetric encryption keys take new material
// (ValidationException); it takes the slot above the current version: the
// pending version's number when that version's bytes were deleted or expired
// (the slot is free again, its old row is replaced), else version_count + 1.
// A pending version whose bytes are IMPORTED blocks the slot
// (KMSInvalidStateException "... is pending rotation.").
//
// Key state from the versions (after every import, deletion and expiry). The
// key is PendingImport while it has no current material or any version up to
// the current one lacks its bytes; once all are back, PendingImport becomes
// Enabled. A Disabled key with all its bytes stays Disabled (one that loses
// bytes becomes PendingImport, and Enabled when they are back).
// PendingDeletion is never changed here.
// Pending material does not affect the key's state. Key::material_valid_to is
// the earliest ValidTo among imported versions: when the scheduler next looks.
//
// Expiry (ExpireImported). When a ValidTo passes, AWS deletes that material:
// every IMPORTED version whose ValidTo is at or before the instant becomes
// PENDING_IMPORT. Expiry of the current or a non-current version makes the key
// PendingImport; expiry of pending material leaves the key usable but leaves
// nothing to rotate onto.
//
// Promotion (PromotePending). RotateKeyOnDemand on an EXTERNAL key makes the
// pending version current if its bytes are IMPORTED, at once: it gets
// RotationType ON_DEMAND and its date (RotationDate) becomes the rotation
// instant. Without such a version: KMSInvalidStateException "No available key
// material pending rotation for the key: <arn>."
//
// Loaded rows. A ring holds the key plus either no version rows (an AWS_KMS
// key may have thousands; Append to it and StateOf need none) or every row,
// 1..version_count (what the rules of imported material need; an EXTERNAL
// key's ring is small: new material waits for an on-demand rotation, of which
// a key has at most 25 by default). Functions that need every row throw
// KmsError::Internal on a ring without them.
//
// Changed rows. Each function that changes the ring returns the version rows
// it changed, in number order, and may change these Key fields:
// current_version, current_material_id, current_material_since (through
// Key::MakeCurrent), version_count, material_valid_to, state. The caller writes
// the key and exactly those rows: the bytes of an appended or imported row
// sealed under its number, no bytes for a row that became PENDING_IMPORT, the
// same bytes for a promoted row.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/clock.h"
#include "core/key_metadata.h"

namespace rotor::core {

class PrivateKey;  // asymmetric_key.h

enum class RotationType { kAutomatic, kOnDemand };
enum class KeyMaterialState { kCurrent, kNonCurrent, kPendingRotation };
enum class ImportState { kImported, kPendingImport };
// ImportKeyMaterial's ImportType.
enum class ImportType { kNewKeyMaterial, kExistingKeyMaterial };

std::string_view ToString(RotationType v);
std::string_view ToString(KeyMaterialState v);
std::string_view ToString(ImportState v);
std::string_view ToString(ImportType v);
// Parse<E> is declared in key_metadata.h.
template <>
std::optional<RotationType> Parse<RotationType>(std::string_view text);
template <>
std::optional<ImportState> Parse<ImportState>(std::string_view text);
template <>
std::optional<ImportType> Parse<ImportType>(std::string_view text);

// One version of a key's material, without its bytes: one row of the ring.
struct KeyMaterialVersion {
  uint32_t version = 0;
  std::string material_id;                    // KeyMaterialId: 64 lowercase hex characters
  Timestamp created;                          // for rotated versions, the rotation date
  std::optional<RotationType> rotation_type;  // none for the first material and pending material
  // Imported material only (Origin EXTERNAL).
  std::string description;  // KeyMaterialDescription, up to 256 characters
  std::optional<ImportState> import_state;
  std::optional<Timestamp> valid_to;  // none: KEY_MATERIAL_DOES_NOT_EXPIRE
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

// Where an import of some material goes (KeyRing::ImportSlotFor).
struct ImportSlot {
  uint32_t version = 0;   // the version number the material is imported into
  bool existing = false;  // true: back into a version that holds this KeyMaterialId
};

// One ImportKeyMaterial call, after the wire and the unwrapping: what the
// ring needs to place the material.
struct MaterialImport {
  std::string material_id;                 // KeyMaterialId of the unwrapped bytes (64 hex)
  std::optional<ImportType> type;          // none: AWS's default (see ImportSlotFor)
  Timestamp at;                            // the request's clock reading: new material's date
  std::optional<std::string> description;  // none: keep (existing) or empty (new)
  std::optional<Timestamp> valid_to;       // none: the material does not expire
};

class KeyRing {
 public:
  using Rows = std::vector<KeyMaterialVersion>;

  // `versions`: none, or every version 1..key.version_count in number order
  // (see "Loaded rows" above). Throws KmsError::Internal for anything else.
  explicit KeyRing(Key key, Rows versions = {});

  const Key& key() const { return key_; }
  // The key, changed by the ring; the ring is spent afterwards.
  Key TakeKey() && { return std::move(key_); }
  // The loaded rows (with the changes made since), in number order.
  const Rows& versions() const { return versions_; }
  // True when every version 1..version_count is loaded.
  bool HasEveryVersion() const { return versions_.size() == key_.version_count; }

  // ---- States (need no rows)
  // CURRENT, NON_CURRENT or PENDING_ROTATION for version number `version` of `key`.
  static KeyMaterialState StateOf(const Key& key, uint32_t version);
  KeyMaterialState StateOf(uint32_t version) const { return StateOf(key_, version); }
  // Whether ListKeyRotations lists `v` when asked for ROTATIONS_ONLY.
  static bool ListedAsRotation(const Key& key, const KeyMaterialVersion& v);
  // The number of `key`'s PENDING_ROTATION version, if it has one.
  static std::optional<uint32_t> PendingVersionNumber(const Key& key);

  // ---- Lookups (need the rows they return)
  // The PENDING_ROTATION version, or nullptr. Throws KmsError::Internal when
  // there is one but its row is not loaded.
  const KeyMaterialVersion* PendingVersion() const;
  // The version holding KeyMaterialId `material_id`, or nullptr. Needs every row.
  const KeyMaterialVersion* Find(std::string_view material_id) const;

  // ---- Changes, each returning the rows it changed
  // Adds `v`, described in full but for its number: material_id (64 hex, not
  // empty), created (ms since the epoch, UTC), rotation_type; for imported
  // material also import_state, valid_to and description. The ring assigns
  // v.version (the free import slot, else version_count + 1) and makes it
  // current unless it is imported material joining a key that has current
  // material (then PENDING_ROTATION). Imported material needs every row and
  // settles the key's state. Returns the one new row.
  // Throws KMSInvalidStateException when imported material already waits
  // pending rotation; KmsError::Internal when material_id is empty.
  Rows Append(KeyMaterialVersion v);

  // Where ImportKeyMaterial puts material `material_id` of `type` (none: NEW
  // for the key's first import, else EXISTING). Needs every row. Throws
  // IncorrectKeyMaterialException (EXISTING material the key lacks, or NEW
  // material it has), ValidationException (new material after the first for a
  // key that is not symmetric encryption), KMSInvalidStateException (a
  // pending version holds imported bytes).
  ImportSlot ImportSlotFor(std::string_view material_id, std::optional<ImportType> type) const;
  // ImportKeyMaterial: places the material by ImportSlotFor (new material
  // through Append), marks it IMPORTED with `m.valid_to`, and settles the
  // key's state. Returns the one row that receives the bytes. Throws as
  // ImportSlotFor does.
  Rows Import(const MaterialImport& m);

  // The version DeleteImportedKeyMaterial acts on: the one holding
  // `material_id`, or the current version when none is given (nullptr when
  // the key has no material yet). Needs every row. Throws NotFoundException
  // "Key material <id> is not associated with <arn>." for an unknown id.
  const KeyMaterialVersion* MaterialToDelete(const std::optional<std::string>& material_id) const;
  // DeleteImportedKeyMaterial of version `version`: its bytes go, the row
  // becomes PENDING_IMPORT, the key's state settles. Returns that row, or no
  // rows when its bytes were gone already (then nothing changes).
  Rows DeleteMaterial(uint32_t version);

  // Expiry at instant `at`: every IMPORTED version whose ValidTo is at or
  // before `at` becomes PENDING_IMPORT; the key's state settles. Needs every
  // row. Returns the expired rows (possibly none).
  Rows ExpireImported(Timestamp at);

  // RotateKeyOnDemand of an EXTERNAL key at instant `at`: the pending version
  // becomes current, with RotationType ON_DEMAND and date `at`. Returns that
  // row (its bytes are unchanged). Throws KMSInvalidStateException "No
  // available key material pending rotation for the key: <arn>." when there
  // is no pending version with IMPORTED bytes.
  Rows PromotePending(Timestamp at);

 private:
  void RequireEveryVersion(std::string_view what) const;
  KeyMaterialVersion* Row(uint32_t version);
  const KeyMaterialVersion* Row(uint32_t version) const;
  // The number new material takes (see "Import slots"); throws when blocked.
  uint32_t NextSlot(std::string_view material_id) const;
  // Derives state and material_valid_to from the rows (see "Key state").
  void Settle();

  Key key_;
  Rows versions_;  // in number order: the rows loaded, plus the rows appended since
};

}  // namespace rotor::core
