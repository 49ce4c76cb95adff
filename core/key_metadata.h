// The vocabulary of a KMS key: its enums, each with exactly one
// ToString/Parse pair spelling AWS's names (Parse: nullopt for any other
// text), and the Key record itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/ids.h"
#include "core/rotation_schedule.h"

namespace rotor::core {

enum class KeyState {
  kCreating,
  kEnabled,
  kDisabled,
  kPendingDeletion,
  kPendingImport,
  kPendingReplicaDeletion,
  kUnavailable,
  kUpdating
};
enum class KeySpec {
  kSymmetricDefault,
  kRsa2048,
  kRsa3072,
  kRsa4096,
  kEccNistP256,
  kEccNistP384,
  kEccNistP521,
  kEccSecgP256k1,
  kEccNistEdwards25519,
  kHmac224,
  kHmac256,
  kHmac384,
  kHmac512,
  kSm2,
  kMlDsa44,
  kMlDsa65,
  kMlDsa87
};
enum class KeyUsage { kEncryptDecrypt, kSignVerify, kGenerateVerifyMac, kKeyAgreement };
enum class Origin { kAwsKms, kExternal, kAwsCloudHsm, kExternalKeyStore };
enum class KeyManager { kAws, kCustomer };
// MultiRegionConfiguration's MultiRegionKeyType.
enum class MultiRegionKeyType { kPrimary, kReplica };

// The algorithms a key performs, named as AWS's EncryptionAlgorithmSpec,
// SigningAlgorithmSpec, MacAlgorithmSpec and KeyAgreementAlgorithmSpec
// (AWS KMS API reference, "DescribeKey" KeyMetadata, and the "Key spec
// reference" of the AWS KMS Developer Guide). Which spec offers which is
// key_spec_info.h's table.
enum class EncryptionAlgorithm { kSymmetricDefault, kRsaesOaepSha1, kRsaesOaepSha256, kSm2Pke };
enum class SigningAlgorithm {
  kRsassaPssSha256,
  kRsassaPssSha384,
  kRsassaPssSha512,
  kRsassaPkcs1V15Sha256,
  kRsassaPkcs1V15Sha384,
  kRsassaPkcs1V15Sha512,
  kEcdsaSha256,
  kEcdsaSha384,
  kEcdsaSha512,
  kEd25519Sha512,
  kEd25519PhSha512,
  kSm2Dsa,
  kMlDsaShake256
};
enum class MacAlgorithm { kHmacSha224, kHmacSha256, kHmacSha384, kHmacSha512 };
enum class KeyAgreementAlgorithm { kEcdh };

std::string_view ToString(KeyState v);
std::string_view ToString(KeySpec v);
std::string_view ToString(KeyUsage v);
std::string_view ToString(Origin v);
std::string_view ToString(KeyManager v);
std::string_view ToString(MultiRegionKeyType v);
std::string_view ToString(EncryptionAlgorithm v);
std::string_view ToString(SigningAlgorithm v);
std::string_view ToString(MacAlgorithm v);
std::string_view ToString(KeyAgreementAlgorithm v);

template <typename E>
std::optional<E> Parse(std::string_view text);
template <>
std::optional<KeyState> Parse<KeyState>(std::string_view text);
template <>
std::optional<KeySpec> Parse<KeySpec>(std::string_view text);
template <>
std::optional<KeyUsage> Parse<KeyUsage>(std::string_view text);
template <>
std::optional<Origin> Parse<Origin>(std::string_view text);
template <>
std::optional<KeyManager> Parse<KeyManager>(std::string_view text);
template <>
std::optional<MultiRegionKeyType> Parse<MultiRegionKeyType>(std::string_view text);
template <>
std::optional<EncryptionAlgorithm> Parse<EncryptionAlgorithm>(std::string_view text);
template <>
std::optional<SigningAlgorithm> Parse<SigningAlgorithm>(std::string_view text);
template <>
std::optional<MacAlgorithm> Parse<MacAlgorithm>(std::string_view text);
template <>
std::optional<KeyAgreementAlgorithm> Parse<KeyAgreementAlgorithm>(std::string_view text);

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

class CompiledPolicy;  // core/key_policy_document.h

// The compiled form of a key's policy, kept with one copy of the key
// (KeyPolicyOf, key_policy.h, fills it on first use; thread-safe). A copy of
// the key starts without it: every write makes a new copy, so the policy is
// compiled once per version of the key and no copy can keep the compiled form
// of an older policy.
class CompiledPolicySlot {
 public:
  CompiledPolicySlot() = default;
  CompiledPolicySlot(const CompiledPolicySlot&) {}
  CompiledPolicySlot& operator=(const CompiledPolicySlot&) {
    p_.store(nullptr);
    return *this;
  }
  std::shared_ptr<const CompiledPolicy> Get() const { return p_.load(); }
  void Set(std::shared_ptr<const CompiledPolicy> p) const { p_.store(std::move(p)); }

 private:
  mutable std::atomic<std::shared_ptr<const CompiledPolicy>> p_;
};

// A KMS key as stored: metadata plus a summary of its key ring. The material
// versions themselves live in the repository (see key_ring.h), so a key with
// 10,000 versions costs no more to load than a fresh one.
struct Key {
  Scope scope;
  std::string id;
  Timestamp creation_date;
  std::string description;
  KeyUsage usage = KeyUsage::kEncryptDecrypt;
  KeySpec spec = KeySpec::kSymmetricDefault;
  Origin origin = Origin::kAwsKms;
  KeyManager manager = KeyManager::kCustomer;
  KeyState state = KeyState::kEnabled;
  std::optional<Timestamp> deletion_date;
  std::optional<int> pending_window_days;
  std::string policy;
  CompiledPolicySlot compiled_policy;  // `policy` compiled, on first use (KeyPolicyOf)
  std::vector<Tag> tags;

  // Key ring summary: the version Encrypt uses and how many versions exist.
  uint32_t current_version = 0;  // 0: no material yet (PendingImport)
  std::string current_material_id;
  uint32_t version_count = 0;
  // When the current material became current (its creation or rotation date);
  // what "material older than N days" in the compliance report measures.
  std::optional<Timestamp> current_material_since;

  RotationSchedule rotation;
  int on_demand_rotations = 0;
  // Set while an on-demand rotation is in progress (see --on-demand-rotation-delay).
  std::optional<Timestamp> on_demand_rotation_started;
  std::optional<Timestamp> on_demand_rotation_completes;

  // Imported material (Origin EXTERNAL): when the current material expires.
  std::optional<Timestamp> material_valid_to;

  // Multi-Region keys (AWS KMS Developer Guide, "Multi-Region keys in AWS
  // KMS"; key ids "mrk-" + 32 hex). Related keys share one key id, key
  // material, key spec, key usage, origin and automatic rotation status;
  // each has its own description, state, policy, tags and aliases. Every
  // related key carries the relation (primary_region, replica_regions) and
  // the primary's rotation settings, rewritten together in the transaction
  // that changes them, so DescribeKey and GetKeyRotationStatus read one key.
  bool multi_region = false;
  std::string primary_region;                // the primary key's Region ("us-east-1")
  std::vector<std::string> replica_regions;  // every replica's Region, in the order replicated

  // Bumped by every write; lets caches ignore stale copies.
  uint64_t revision = 0;

  // Makes `version` the material Encrypt uses from `since` on. The three
  // current-material fields change together here and nowhere else.
  void MakeCurrent(uint32_t version, const std::string& material_id, Timestamp since) {
    current_version = version;
    current_material_id = material_id;
    current_material_since = since;
  }

  std::string Arn() const { return KeyArn(scope, id); }
  // A multi-Region primary key (the source of rotations and replicas).
  bool IsPrimary() const { return multi_region && primary_region == scope.region; }
  // A multi-Region replica key: it rotates only when its primary does.
  bool IsReplica() const { return multi_region && primary_region != scope.region; }
  bool IsSymmetricEncryption() const { return spec == KeySpec::kSymmetricDefault; }
  // The earliest instant at which the scheduler must look at this key
  // (rotation, deletion, completion of an on-demand rotation), if any.
  std::optional<Timestamp> NextEventTime() const;
};

}  // namespace rotor::core
