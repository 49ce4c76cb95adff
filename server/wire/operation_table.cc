#include "server/wire/operation_table.h"

namespace rotor::server::wire {
namespace {

using namespace operations;
using M = std::string_view;

// never_logged lists (see operation_table.h for how they are derived).
constexpr std::span<const M> kNone;
constexpr std::array<M, 1> kPlaintext = {"Plaintext"};
constexpr std::array<M, 2> kCiphertextAndRecipient = {"CiphertextBlob", "Recipient"};
constexpr std::array<M, 1> kCiphertext = {"CiphertextBlob"};
constexpr std::array<M, 1> kRecipient = {"Recipient"};
constexpr std::array<M, 1> kMessage = {"Message"};
constexpr std::array<M, 2> kMessageAndSignature = {"Message", "Signature"};
constexpr std::array<M, 2> kPublicKeyAndRecipient = {"PublicKey", "Recipient"};
constexpr std::array<M, 2> kMacAndMessage = {"Mac", "Message"};
constexpr std::array<M, 2> kImportMaterial = {"EncryptedKeyMaterial", "ImportToken"};

constexpr Family kLifecycle = Family::kKeyLifecycle;
constexpr Family kTags = Family::kTagsAndPolicies;
constexpr Family kAliases = Family::kAliases;
constexpr Family kCrypto = Family::kCryptography;
constexpr Family kAsymmetric = Family::kAsymmetricKeys;
constexpr Family kHmac = Family::kHmacKeys;
constexpr Family kImport = Family::kImportedKeyMaterial;
constexpr Family kRotation = Family::kRotation;
constexpr Family kGrants = Family::kGrants;

constexpr unsigned kRead = kReadOnly;
constexpr unsigned kWrite = kBlocking;
constexpr unsigned kStateChange = kBlocking | kChangesKeyState;
constexpr unsigned kUse = kCryptographic;

constexpr std::array kOperations = {
    // name, family, flags, never_logged, policy_actions, handler
    OperationEntry{"CreateKey", kLifecycle, kStateChange, kNone, {"kms:CreateKey"}, CreateKey},
    OperationEntry{
        "DescribeKey", kLifecycle, kRead | kCrossAccount, kNone, {"kms:DescribeKey"}, DescribeKey},
    OperationEntry{"ListKeys", kLifecycle, kRead, kNone, {"kms:ListKeys"}, ListKeys},
    OperationEntry{"EnableKey", kLifecycle, kStateChange, kNone, {"kms:EnableKey"}, EnableKey},
    OperationEntry{"DisableKey", kLifecycle, kStateChange, kNone, {"kms:DisableKey"}, DisableKey},
    OperationEntry{"UpdateKeyDescription",
                   kLifecycle,
                   kWrite,
                   kNone,
                   {"kms:UpdateKeyDescription"},
                   UpdateKeyDescription},
    OperationEntry{"ScheduleKeyDeletion",
                   kLifecycle,
                   kStateChange,
                   kNone,
                   {"kms:ScheduleKeyDeletion"},
                   ScheduleKeyDeletion},
    OperationEntry{"CancelKeyDeletion",
                   kLifecycle,
                   kStateChange,
                   kNone,
                   {"kms:CancelKeyDeletion"},
                   CancelKeyDeletion},
    OperationEntry{
        "ReplicateKey", kLifecycle, kStateChange, kNone, {"kms:ReplicateKey"}, ReplicateKey},
    OperationEntry{"UpdatePrimaryRegion",
                   kLifecycle,
                   kStateChange,
                   kNone,
                   {"kms:UpdatePrimaryRegion"},
                   UpdatePrimaryRegion},
    OperationEntry{
        "GetKeyLastUsage", kLifecycle, kRead, kNone, {"kms:GetKeyLastUsage"}, GetKeyLastUsage},
    OperationEntry{"TagResource", kTags, kWrite, kNone, {"kms:TagResource"}, TagResource},
    OperationEntry{"UntagResource", kTags, kWrite, kNone, {"kms:UntagResource"}, UntagResource},
    OperationEntry{
        "ListResourceTags", kTags, kRead, kNone, {"kms:ListResourceTags"}, ListResourceTags},
    OperationEntry{"GetKeyPolicy", kTags, kRead, kNone, {"kms:GetKeyPolicy"}, GetKeyPolicy},
    OperationEntry{"PutKeyPolicy", kTags, kWrite, kNone, {"kms:PutKeyPolicy"}, PutKeyPolicy},
    OperationEntry{
        "ListKeyPolicies", kTags, kRead, kNone, {"kms:ListKeyPolicies"}, ListKeyPolicies},
    OperationEntry{"CreateAlias", kAliases, kWrite, kNone, {"kms:CreateAlias"}, CreateAlias},
    OperationEntry{"UpdateAlias", kAliases, kWrite, kNone, {"kms:UpdateAlias"}, UpdateAlias},
    OperationEntry{"DeleteAlias", kAliases, kWrite, kNone, {"kms:DeleteAlias"}, DeleteAlias},
    OperationEntry{"ListAliases", kAliases, kRead, kNone, {"kms:ListAliases"}, ListAliases},
    // The hot path, served from the key cache on the I/O threads.
    OperationEntry{"Encrypt", kCrypto, kUse | kCrossAccount, kPlaintext, {"kms:Encrypt"}, Encrypt},
    OperationEntry{"Decrypt",
                   kCrypto,
                   kUse | kCrossAccount,
                   kCiphertextAndRecipient,
                   {"kms:Decrypt"},
                   Decrypt},
    OperationEntry{"ReEncrypt",
                   kCrypto,
                   kUse | kCrossAccount,
                   kCiphertext,
                   {"kms:ReEncryptFrom", "kms:ReEncryptTo"},
                   ReEncrypt},
    OperationEntry{"GenerateDataKey",
                   kCrypto,
                   kUse | kCrossAccount,
                   kRecipient,
                   {"kms:GenerateDataKey"},
                   GenerateDataKey},
    OperationEntry{"GenerateDataKeyWithoutPlaintext",
                   kCrypto,
                   kUse | kCrossAccount,
                   kNone,
                   {"kms:GenerateDataKeyWithoutPlaintext"},
                   GenerateDataKeyWithoutPlaintext},
    OperationEntry{
        "GenerateRandom", kCrypto, kUse, kRecipient, {"kms:GenerateRandom"}, GenerateRandom},
    OperationEntry{"Sign", kAsymmetric, kUse | kCrossAccount, kMessage, {"kms:Sign"}, Sign},
    OperationEntry{
        "Verify", kAsymmetric, kUse | kCrossAccount, kMessageAndSignature, {"kms:Verify"}, Verify},
    OperationEntry{"GetPublicKey",
                   kAsymmetric,
                   kRead | kCrossAccount,
                   kNone,
                   {"kms:GetPublicKey"},
                   GetPublicKey},
    // Key-pair generation is slow CPU work: off the I/O threads.
    OperationEntry{"GenerateDataKeyPair",
                   kAsymmetric,
                   kUse | kBlocking | kCrossAccount,
                   kRecipient,
                   {"kms:GenerateDataKeyPair"},
                   GenerateDataKeyPair},
    OperationEntry{"GenerateDataKeyPairWithoutPlaintext",
                   kAsymmetric,
                   kUse | kBlocking | kCrossAccount,
                   kNone,
                   {"kms:GenerateDataKeyPairWithoutPlaintext"},
                   GenerateDataKeyPairWithoutPlaintext},
    OperationEntry{"DeriveSharedSecret",
                   kAsymmetric,
                   kUse | kCrossAccount,
                   kPublicKeyAndRecipient,
                   {"kms:DeriveSharedSecret"},
                   DeriveSharedSecret},
    OperationEntry{
        "GenerateMac", kHmac, kUse | kCrossAccount, kMessage, {"kms:GenerateMac"}, GenerateMac},
    OperationEntry{
        "VerifyMac", kHmac, kUse | kCrossAccount, kMacAndMessage, {"kms:VerifyMac"}, VerifyMac},
    // A wrapping key pair is generated and stored per call.
    OperationEntry{"GetParametersForImport",
                   kImport,
                   kRead | kBlocking,
                   kNone,
                   {"kms:GetParametersForImport"},
                   GetParametersForImport},
    OperationEntry{"ImportKeyMaterial",
                   kImport,
                   kStateChange,
                   kImportMaterial,
                   {"kms:ImportKeyMaterial"},
                   ImportKeyMaterial},
    OperationEntry{"DeleteImportedKeyMaterial",
                   kImport,
                   kStateChange,
                   kNone,
                   {"kms:DeleteImportedKeyMaterial"},
                   DeleteImportedKeyMaterial},
    OperationEntry{"EnableKeyRotation",
                   kRotation,
                   kWrite,
                   kNone,
                   {"kms:EnableKeyRotation"},
                   EnableKeyRotation},
    OperationEntry{"DisableKeyRotation",
                   kRotation,
                   kWrite,
                   kNone,
                   {"kms:DisableKeyRotation"},
                   DisableKeyRotation},
    OperationEntry{"GetKeyRotationStatus",
                   kRotation,
                   kRead | kCrossAccount,
                   kNone,
                   {"kms:GetKeyRotationStatus"},
                   GetKeyRotationStatus},
    OperationEntry{"RotateKeyOnDemand",
                   kRotation,
                   kWrite,
                   kNone,
                   {"kms:RotateKeyOnDemand"},
                   RotateKeyOnDemand},
    OperationEntry{
        "ListKeyRotations", kRotation, kRead, kNone, {"kms:ListKeyRotations"}, ListKeyRotations},
    OperationEntry{
        "CreateGrant", kGrants, kWrite | kCrossAccount, kNone, {"kms:CreateGrant"}, CreateGrant},
    OperationEntry{
        "ListGrants", kGrants, kRead | kCrossAccount, kNone, {"kms:ListGrants"}, ListGrants},
    OperationEntry{"ListRetirableGrants",
                   kGrants,
                   kRead,
                   kNone,
                   {"kms:ListRetirableGrants"},
                   ListRetirableGrants},
    OperationEntry{
        "RetireGrant", kGrants, kWrite | kCrossAccount, kNone, {"kms:RetireGrant"}, RetireGrant},
    OperationEntry{
        "RevokeGrant", kGrants, kWrite | kCrossAccount, kNone, {"kms:RevokeGrant"}, RevokeGrant},
};

constexpr std::array kServiceEvents = {
    ServiceEventEntry{core::ServiceEventKind::kRotateKey, kRotation, 0},
    ServiceEventEntry{core::ServiceEventKind::kDeleteKey, kLifecycle, kChangesKeyState},
    ServiceEventEntry{core::ServiceEventKind::kDeleteExpiredKeyMaterial, kImport, kChangesKeyState},
};

}  // namespace

std::string_view ToString(Family family) {
  switch (family) {
    case Family::kKeyLifecycle:
      return "Key lifecycle";
    case Family::kTagsAndPolicies:
      return "Tags and key policies";
    case Family::kAliases:
      return "Aliases";
    case Family::kCryptography:
      return "Cryptography";
    case Family::kAsymmetricKeys:
      return "Asymmetric keys";
    case Family::kHmacKeys:
      return "HMAC keys";
    case Family::kImportedKeyMaterial:
      return "Imported key material";
    case Family::kRotation:
      return "Rotation";
    case Family::kGrants:
      return "Grants";
  }
  return "";
}

const OperationEntry* FindOperation(std::string_view name) {
  for (const OperationEntry& e : kOperations) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::span<const OperationEntry> AllOperations() { return kOperations; }

std::span<const ServiceEventEntry> AllServiceEvents() { return kServiceEvents; }

}  // namespace rotor::server::wire
