// Typed requests and results of the KMS operations, free of any wire format.
// The server's operation files translate JSON to these and back; the
// KmsService methods of the same name consume them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/encryption_context.h"
#include "core/key_metadata.h"
#include "core/key_repository.h"

namespace rotor::core {

// ---- Key lifecycle -------------------------------------------------------
struct CreateKeyRequest {
  std::optional<std::string> description;
  std::optional<std::string> key_usage;  // enum strings, already checked against the model
  std::optional<std::string> key_spec;
  std::optional<std::string> customer_master_key_spec;
  std::optional<std::string> origin;
  std::optional<std::string> custom_key_store_id;
  std::optional<std::string> xks_key_id;
  std::optional<std::string> policy;
  std::vector<Tag> tags;
  bool multi_region = false;
};

struct Page {
  std::optional<int> limit;
  std::optional<std::string> marker;
};

struct KeyListEntry {
  std::string key_id;
  std::string key_arn;
};
struct ListKeysResult {
  std::vector<KeyListEntry> keys;
  std::optional<std::string> next_marker;
};

struct ScheduleKeyDeletionResult {
  std::string key_arn;
  Timestamp deletion_date;
  KeyState state;
  int pending_window_days;
};

// ---- Tags and policies ---------------------------------------------------
struct ListTagsResult {
  std::vector<Tag> tags;
  std::optional<std::string> next_marker;
};
struct ListPoliciesResult {
  std::vector<std::string> names;
  std::optional<std::string> next_marker;
};

// ---- Aliases -------------------------------------------------------------
struct AliasEntry {
  std::string name;
  std::string arn;
  std::optional<std::string> target_key_id;
  std::optional<Timestamp> creation_date;
  std::optional<Timestamp> last_updated_date;
};
struct ListAliasesResult {
  std::vector<AliasEntry> aliases;
  std::optional<std::string> next_marker;
};

// ---- Cryptography --------------------------------------------------------
struct EncryptRequest {
  std::string key_id;
  SecretBytes plaintext;
  EncryptionContext context;
  std::optional<std::string> algorithm;
  bool dry_run = false;
};
struct EncryptResult {
  Bytes ciphertext;
  std::string key_arn;
  std::string algorithm;
};

struct DecryptRequest {
  Bytes ciphertext;
  EncryptionContext context;
  std::optional<std::string> key_id;
  std::optional<std::string> algorithm;
  bool dry_run = false;
};
struct DecryptResult {
  SecretBytes plaintext;
  std::string key_arn;
  std::string algorithm;
  std::string material_id;
};

struct ReEncryptRequest {
  Bytes ciphertext;
  EncryptionContext source_context;
  std::optional<std::string> source_key_id;
  std::string destination_key_id;
  EncryptionContext destination_context;
  std::optional<std::string> source_algorithm;
  std::optional<std::string> destination_algorithm;
  bool dry_run = false;
};
struct ReEncryptResult {
  Bytes ciphertext;
  std::string source_key_arn;
  std::string key_arn;
  std::string source_algorithm;
  std::string destination_algorithm;
  std::string source_material_id;
  std::string destination_material_id;
};

struct GenerateDataKeyRequest {
  std::string key_id;
  EncryptionContext context;
  std::optional<int> number_of_bytes;
  std::optional<std::string> key_spec;  // AES_128 | AES_256
  bool dry_run = false;
};
struct GenerateDataKeyResult {
  Bytes ciphertext;
  SecretBytes plaintext;  // empty for GenerateDataKeyWithoutPlaintext
  std::string key_arn;
  std::string material_id;
};

// ---- Asymmetric keys (kms_service_asymmetric.cc) --------------------------
struct SignRequest {
  std::string key_id;
  SecretBytes message;
  std::optional<std::string> message_type;  // RAW (default) | DIGEST | EXTERNAL_MU
  std::string algorithm;
  bool dry_run = false;
};
struct SignResult {
  std::string key_arn;
  Bytes signature;
  std::string algorithm;
};
struct VerifyRequest {
  std::string key_id;
  SecretBytes message;
  std::optional<std::string> message_type;
  std::string algorithm;
  Bytes signature;
  bool dry_run = false;
};
struct VerifyResult {
  std::string key_arn;
  bool valid = false;
  std::string algorithm;
};
struct PublicKeyResult {
  std::shared_ptr<const Key> key;
  Bytes public_key;  // DER SubjectPublicKeyInfo
};
struct GenerateDataKeyPairRequest {
  std::string key_id;  // the symmetric key that encrypts the private key
  EncryptionContext context;
  std::string key_pair_spec;
  bool dry_run = false;
};
struct GenerateDataKeyPairResult {
  std::string key_arn;
  std::string key_pair_spec;
  Bytes private_key_ciphertext;
  SecretBytes private_key_plaintext;  // empty for ...WithoutPlaintext
  Bytes public_key;
  std::string material_id;
};
struct DeriveSharedSecretRequest {
  std::string key_id;
  std::string algorithm;  // ECDH
  Bytes public_key;       // the peer's DER SubjectPublicKeyInfo
  bool dry_run = false;
};
struct DeriveSharedSecretResult {
  std::string key_arn;
  SecretBytes shared_secret;
  std::string algorithm;
  Origin origin = Origin::kAwsKms;
};

// ---- HMAC (kms_service_mac.cc) --------------------------------------------
struct MacRequest {
  std::string key_id;
  SecretBytes message;
  std::string algorithm;
  Bytes mac;  // VerifyMac only
  bool dry_run = false;
};
struct MacResult {
  std::string key_arn;
  std::string algorithm;
  Bytes mac;           // GenerateMac
  bool valid = false;  // VerifyMac
};

// ---- Imported key material (kms_service_import.cc) ------------------------
struct ImportParametersResult {
  std::string key_arn;
  Bytes import_token;
  Bytes public_key;  // DER SubjectPublicKeyInfo of the wrapping key
  Timestamp valid_to;
};
struct ImportKeyMaterialRequest {
  std::string key_id;
  Bytes import_token;
  Bytes encrypted_material;
  std::optional<std::string> expiration_model;
  std::optional<Timestamp> valid_to;
  std::optional<std::string> import_type;
  std::optional<std::string> material_id;
  std::optional<std::string> description;
};
struct ImportKeyMaterialResult {
  std::string key_arn;
  std::string material_id;
};

// ---- Rotation ------------------------------------------------------------
struct KeyRotationStatus {
  std::string key_arn;
  bool enabled = false;
  std::optional<int> period_days;
  std::optional<Timestamp> next_rotation;
  std::optional<Timestamp> on_demand_started;
};

struct RotationEntry {
  std::string key_id;
  KeyMaterialVersion version;
  KeyMaterialState state;
};
struct ListKeyRotationsResult {
  std::shared_ptr<const Key> key;
  std::vector<RotationEntry> rotations;
  std::optional<std::string> next_marker;
};

struct KeyLastUsageResult {
  std::string key_id;
  std::optional<KeyUsageRecord> last_usage;
  Timestamp tracking_start;
  Timestamp key_creation;
};

}  // namespace rotor::core
