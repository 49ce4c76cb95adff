// Typed requests and results of the KMS operations, free of any wire format.
// The server's operation files translate JSON to these and back; the
// KmsService methods of the same name consume them. Every member that is an
// enum in AWS's API is a C++ enum here (AWS's names: the ToString/Parse pairs
// of key_metadata.h, key_ring.h, key_wrap.h and below), converted once at the
// wire, so core never compares an AWS enum string.
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
#include "core/key_ring.h"

namespace rotor::core {

// ---- Enums that only requests carry (AWS KMS API reference) --------------
// GenerateDataKey's KeySpec (the DataKeySpec shape): a 16- or 32-byte data key.
enum class DataKeySpec { kAes128, kAes256 };
// Sign's and Verify's MessageType: RAW (the default), DIGEST or EXTERNAL_MU.
enum class MessageType { kRaw, kDigest, kExternalMu };
// ImportKeyMaterial's ExpirationModel (KEY_MATERIAL_EXPIRES is the default).
enum class ExpirationModel { kKeyMaterialExpires, kKeyMaterialDoesNotExpire };
// ListKeyRotations' IncludeKeyMaterial (ROTATIONS_ONLY is the default).
enum class IncludeKeyMaterial { kAllKeyMaterial, kRotationsOnly };

std::string_view ToString(DataKeySpec v);
std::string_view ToString(MessageType v);
std::string_view ToString(ExpirationModel v);
std::string_view ToString(IncludeKeyMaterial v);
template <>
std::optional<DataKeySpec> Parse<DataKeySpec>(std::string_view text);
template <>
std::optional<MessageType> Parse<MessageType>(std::string_view text);
template <>
std::optional<ExpirationModel> Parse<ExpirationModel>(std::string_view text);
template <>
std::optional<IncludeKeyMaterial> Parse<IncludeKeyMaterial>(std::string_view text);

// ---- Key lifecycle -------------------------------------------------------
struct CreateKeyRequest {
  std::optional<std::string> description;
  std::optional<KeyUsage> key_usage;
  std::optional<KeySpec> key_spec;
  std::optional<KeySpec> customer_master_key_spec;  // deprecated twin of key_spec
  std::optional<Origin> origin;
  std::optional<std::string> custom_key_store_id;
  std::optional<std::string> xks_key_id;
  std::optional<std::string> policy;
  std::vector<Tag> tags;
  bool multi_region = false;
  // Skips the lockout safety check of `policy` (core/key_policy_decision.h).
  bool bypass_policy_lockout_safety_check = false;
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

// ReplicateKey (AWS KMS API Reference, "ReplicateKey"): the primary key
// (key id or key ARN) and the Region of the new replica; the replica's own
// description, key policy and tags (none given: an empty description, the
// default key policy, no tags).
struct ReplicateKeyRequest {
  std::string key_id;
  std::string replica_region;
  std::optional<std::string> description;
  std::optional<std::string> policy;
  std::vector<Tag> tags;
  bool bypass_policy_lockout_safety_check = false;
};

struct ScheduleKeyDeletionResult {
  std::string key_arn;
  // None for a multi-Region primary key that still has replicas: its window
  // starts when the last replica is deleted (PendingReplicaDeletion).
  std::optional<Timestamp> deletion_date;
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
  std::optional<EncryptionAlgorithm> algorithm;  // absent: SYMMETRIC_DEFAULT
  bool dry_run = false;
};
struct EncryptResult {
  Bytes ciphertext;
  std::string key_arn;
  EncryptionAlgorithm algorithm = EncryptionAlgorithm::kSymmetricDefault;
};

struct DecryptRequest {
  Bytes ciphertext;
  EncryptionContext context;
  std::optional<std::string> key_id;
  std::optional<EncryptionAlgorithm> algorithm;
  bool dry_run = false;
};
struct DecryptResult {
  SecretBytes plaintext;
  std::string key_arn;
  EncryptionAlgorithm algorithm = EncryptionAlgorithm::kSymmetricDefault;
  std::string material_id;
};

struct ReEncryptRequest {
  Bytes ciphertext;
  EncryptionContext source_context;
  std::optional<std::string> source_key_id;
  std::string destination_key_id;
  EncryptionContext destination_context;
  std::optional<EncryptionAlgorithm> source_algorithm;
  std::optional<EncryptionAlgorithm> destination_algorithm;
  bool dry_run = false;
};
struct ReEncryptResult {
  Bytes ciphertext;
  std::string source_key_arn;
  std::string key_arn;
  EncryptionAlgorithm source_algorithm = EncryptionAlgorithm::kSymmetricDefault;
  EncryptionAlgorithm destination_algorithm = EncryptionAlgorithm::kSymmetricDefault;
  std::string source_material_id;
  std::string destination_material_id;
};

struct GenerateDataKeyRequest {
  std::string key_id;
  EncryptionContext context;
  std::optional<int> number_of_bytes;
  std::optional<DataKeySpec> key_spec;
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
  std::optional<MessageType> message_type;  // absent: RAW
  SigningAlgorithm algorithm = SigningAlgorithm::kRsassaPssSha256;
  bool dry_run = false;
};
struct SignResult {
  std::string key_arn;
  Bytes signature;
  SigningAlgorithm algorithm = SigningAlgorithm::kRsassaPssSha256;
};
struct VerifyRequest {
  std::string key_id;
  SecretBytes message;
  std::optional<MessageType> message_type;  // absent: RAW
  SigningAlgorithm algorithm = SigningAlgorithm::kRsassaPssSha256;
  Bytes signature;
  bool dry_run = false;
};
struct VerifyResult {
  std::string key_arn;
  bool valid = false;
  SigningAlgorithm algorithm = SigningAlgorithm::kRsassaPssSha256;
};
struct PublicKeyResult {
  std::shared_ptr<const Key> key;
  Bytes public_key;  // DER SubjectPublicKeyInfo
};
struct GenerateDataKeyPairRequest {
  std::string key_id;  // the symmetric key that encrypts the private key
  EncryptionContext context;
  // AWS's DataKeyPairSpec: its values are the names of the asymmetric KeySpecs.
  KeySpec key_pair_spec = KeySpec::kRsa2048;
  bool dry_run = false;
};
struct GenerateDataKeyPairResult {
  std::string key_arn;
  KeySpec key_pair_spec = KeySpec::kRsa2048;
  Bytes private_key_ciphertext;
  SecretBytes private_key_plaintext;  // empty for ...WithoutPlaintext
  Bytes public_key;
  std::string material_id;
};
struct DeriveSharedSecretRequest {
  std::string key_id;
  KeyAgreementAlgorithm algorithm = KeyAgreementAlgorithm::kEcdh;
  Bytes public_key;  // the peer's DER SubjectPublicKeyInfo
  bool dry_run = false;
};
struct DeriveSharedSecretResult {
  std::string key_arn;
  SecretBytes shared_secret;
  KeyAgreementAlgorithm algorithm = KeyAgreementAlgorithm::kEcdh;
  Origin origin = Origin::kAwsKms;
};

// ---- HMAC (kms_service_mac.cc) --------------------------------------------
struct MacRequest {
  std::string key_id;
  SecretBytes message;
  MacAlgorithm algorithm = MacAlgorithm::kHmacSha256;
  Bytes mac;  // VerifyMac only
  bool dry_run = false;
};
struct MacResult {
  std::string key_arn;
  MacAlgorithm algorithm = MacAlgorithm::kHmacSha256;
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
  std::optional<ExpirationModel> expiration_model;  // absent: KEY_MATERIAL_EXPIRES
  std::optional<Timestamp> valid_to;
  std::optional<ImportType> import_type;
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

// ---- Grants (kms_service_grants.cc; rules in grant.h) ---------------------
struct CreateGrantRequest {
  std::string key_id;  // key id or key ARN
  std::string grantee_principal;
  std::optional<std::string> retiring_principal;
  std::vector<GrantOperation> operations;
  std::optional<GrantConstraints> constraints;
  std::optional<std::string> name;
  bool dry_run = false;
};
struct CreateGrantResult {
  std::string grant_id;     // 64 hex
  std::string grant_token;  // fresh for every call (grant.h, MakeGrantToken)
};
struct ListGrantsRequest {
  std::string key_id;  // key id or key ARN
  std::optional<std::string> grant_id;
  std::optional<std::string> grantee_principal;
  Page page;
};
struct ListGrantsResult {
  std::vector<Grant> grants;  // the wire writes KeyId as the key ARN
  std::optional<std::string> next_marker;
};
// RetireGrant names the grant by its token, or by KeyId (key ARN or id) and GrantId.
struct RetireGrantRequest {
  std::optional<std::string> grant_token;
  std::optional<std::string> key_id;
  std::optional<std::string> grant_id;
  bool dry_run = false;
};

}  // namespace rotor::core
