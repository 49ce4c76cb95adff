#include "core/key_metadata.h"

#include "core/key_ring.h"
#include "core/name_table.h"

namespace rotor::core {
namespace {

constexpr NameTable<KeyState, 8> kKeyStates{{
    {KeyState::kCreating, "Creating"},
    {KeyState::kEnabled, "Enabled"},
    {KeyState::kDisabled, "Disabled"},
    {KeyState::kPendingDeletion, "PendingDeletion"},
    {KeyState::kPendingImport, "PendingImport"},
    {KeyState::kPendingReplicaDeletion, "PendingReplicaDeletion"},
    {KeyState::kUnavailable, "Unavailable"},
    {KeyState::kUpdating, "Updating"},
}};

constexpr NameTable<KeySpec, 17> kKeySpecs{{
    {KeySpec::kSymmetricDefault, "SYMMETRIC_DEFAULT"},
    {KeySpec::kRsa2048, "RSA_2048"},
    {KeySpec::kRsa3072, "RSA_3072"},
    {KeySpec::kRsa4096, "RSA_4096"},
    {KeySpec::kEccNistP256, "ECC_NIST_P256"},
    {KeySpec::kEccNistP384, "ECC_NIST_P384"},
    {KeySpec::kEccNistP521, "ECC_NIST_P521"},
    {KeySpec::kEccSecgP256k1, "ECC_SECG_P256K1"},
    {KeySpec::kEccNistEdwards25519, "ECC_NIST_EDWARDS25519"},
    {KeySpec::kHmac224, "HMAC_224"},
    {KeySpec::kHmac256, "HMAC_256"},
    {KeySpec::kHmac384, "HMAC_384"},
    {KeySpec::kHmac512, "HMAC_512"},
    {KeySpec::kSm2, "SM2"},
    {KeySpec::kMlDsa44, "ML_DSA_44"},
    {KeySpec::kMlDsa65, "ML_DSA_65"},
    {KeySpec::kMlDsa87, "ML_DSA_87"},
}};

constexpr NameTable<KeyUsage, 4> kKeyUsages{{
    {KeyUsage::kEncryptDecrypt, "ENCRYPT_DECRYPT"},
    {KeyUsage::kSignVerify, "SIGN_VERIFY"},
    {KeyUsage::kGenerateVerifyMac, "GENERATE_VERIFY_MAC"},
    {KeyUsage::kKeyAgreement, "KEY_AGREEMENT"},
}};

constexpr NameTable<Origin, 4> kOrigins{{
    {Origin::kAwsKms, "AWS_KMS"},
    {Origin::kExternal, "EXTERNAL"},
    {Origin::kAwsCloudHsm, "AWS_CLOUDHSM"},
    {Origin::kExternalKeyStore, "EXTERNAL_KEY_STORE"},
}};

constexpr NameTable<MultiRegionKeyType, 2> kMultiRegionKeyTypes{{
    {MultiRegionKeyType::kPrimary, "PRIMARY"},
    {MultiRegionKeyType::kReplica, "REPLICA"},
}};
constexpr NameTable<KeyManager, 2> kKeyManagers{{
    {KeyManager::kAws, "AWS"},
    {KeyManager::kCustomer, "CUSTOMER"},
}};

constexpr NameTable<RotationType, 2> kRotationTypes{{
    {RotationType::kAutomatic, "AUTOMATIC"},
    {RotationType::kOnDemand, "ON_DEMAND"},
}};

constexpr NameTable<KeyMaterialState, 3> kMaterialStates{{
    {KeyMaterialState::kCurrent, "CURRENT"},
    {KeyMaterialState::kNonCurrent, "NON_CURRENT"},
    {KeyMaterialState::kPendingRotation, "PENDING_ROTATION"},
}};

constexpr NameTable<ImportState, 2> kImportStates{{
    {ImportState::kImported, "IMPORTED"},
    {ImportState::kPendingImport, "PENDING_IMPORT"},
}};

constexpr NameTable<ImportType, 2> kImportTypes{{
    {ImportType::kNewKeyMaterial, "NEW_KEY_MATERIAL"},
    {ImportType::kExistingKeyMaterial, "EXISTING_KEY_MATERIAL"},
}};

constexpr NameTable<EncryptionAlgorithm, 4> kEncryptionAlgorithms{{
    {EncryptionAlgorithm::kSymmetricDefault, "SYMMETRIC_DEFAULT"},
    {EncryptionAlgorithm::kRsaesOaepSha1, "RSAES_OAEP_SHA_1"},
    {EncryptionAlgorithm::kRsaesOaepSha256, "RSAES_OAEP_SHA_256"},
    {EncryptionAlgorithm::kSm2Pke, "SM2PKE"},
}};

constexpr NameTable<SigningAlgorithm, 13> kSigningAlgorithms{{
    {SigningAlgorithm::kRsassaPssSha256, "RSASSA_PSS_SHA_256"},
    {SigningAlgorithm::kRsassaPssSha384, "RSASSA_PSS_SHA_384"},
    {SigningAlgorithm::kRsassaPssSha512, "RSASSA_PSS_SHA_512"},
    {SigningAlgorithm::kRsassaPkcs1V15Sha256, "RSASSA_PKCS1_V1_5_SHA_256"},
    {SigningAlgorithm::kRsassaPkcs1V15Sha384, "RSASSA_PKCS1_V1_5_SHA_384"},
    {SigningAlgorithm::kRsassaPkcs1V15Sha512, "RSASSA_PKCS1_V1_5_SHA_512"},
    {SigningAlgorithm::kEcdsaSha256, "ECDSA_SHA_256"},
    {SigningAlgorithm::kEcdsaSha384, "ECDSA_SHA_384"},
    {SigningAlgorithm::kEcdsaSha512, "ECDSA_SHA_512"},
    {SigningAlgorithm::kEd25519Sha512, "ED25519_SHA_512"},
    {SigningAlgorithm::kEd25519PhSha512, "ED25519_PH_SHA_512"},
    {SigningAlgorithm::kSm2Dsa, "SM2DSA"},
    {SigningAlgorithm::kMlDsaShake256, "ML_DSA_SHAKE_256"},
}};

constexpr NameTable<MacAlgorithm, 4> kMacAlgorithms{{
    {MacAlgorithm::kHmacSha224, "HMAC_SHA_224"},
    {MacAlgorithm::kHmacSha256, "HMAC_SHA_256"},
    {MacAlgorithm::kHmacSha384, "HMAC_SHA_384"},
    {MacAlgorithm::kHmacSha512, "HMAC_SHA_512"},
}};

constexpr NameTable<KeyAgreementAlgorithm, 1> kKeyAgreementAlgorithms{{
    {KeyAgreementAlgorithm::kEcdh, "ECDH"},
}};

}  // namespace

std::string_view ToString(KeyState v) { return NameOf(kKeyStates, v); }
std::string_view ToString(KeySpec v) { return NameOf(kKeySpecs, v); }
std::string_view ToString(KeyUsage v) { return NameOf(kKeyUsages, v); }
std::string_view ToString(Origin v) { return NameOf(kOrigins, v); }
std::string_view ToString(KeyManager v) { return NameOf(kKeyManagers, v); }
std::string_view ToString(MultiRegionKeyType v) { return NameOf(kMultiRegionKeyTypes, v); }
std::string_view ToString(RotationType v) { return NameOf(kRotationTypes, v); }
std::string_view ToString(KeyMaterialState v) { return NameOf(kMaterialStates, v); }
std::string_view ToString(ImportState v) { return NameOf(kImportStates, v); }
std::string_view ToString(ImportType v) { return NameOf(kImportTypes, v); }
std::string_view ToString(EncryptionAlgorithm v) { return NameOf(kEncryptionAlgorithms, v); }
std::string_view ToString(SigningAlgorithm v) { return NameOf(kSigningAlgorithms, v); }
std::string_view ToString(MacAlgorithm v) { return NameOf(kMacAlgorithms, v); }
std::string_view ToString(KeyAgreementAlgorithm v) { return NameOf(kKeyAgreementAlgorithms, v); }

template <>
std::optional<KeyState> Parse<KeyState>(std::string_view t) {
  return ValueOf(kKeyStates, t);
}
template <>
std::optional<KeySpec> Parse<KeySpec>(std::string_view t) {
  return ValueOf(kKeySpecs, t);
}
template <>
std::optional<KeyUsage> Parse<KeyUsage>(std::string_view t) {
  return ValueOf(kKeyUsages, t);
}
template <>
std::optional<Origin> Parse<Origin>(std::string_view t) {
  return ValueOf(kOrigins, t);
}
template <>
std::optional<KeyManager> Parse<KeyManager>(std::string_view t) {
  return ValueOf(kKeyManagers, t);
}
template <>
std::optional<MultiRegionKeyType> Parse<MultiRegionKeyType>(std::string_view t) {
  return ValueOf(kMultiRegionKeyTypes, t);
}
template <>
std::optional<RotationType> Parse<RotationType>(std::string_view t) {
  return ValueOf(kRotationTypes, t);
}
template <>
std::optional<ImportState> Parse<ImportState>(std::string_view t) {
  return ValueOf(kImportStates, t);
}
template <>
std::optional<ImportType> Parse<ImportType>(std::string_view t) {
  return ValueOf(kImportTypes, t);
}
template <>
std::optional<EncryptionAlgorithm> Parse<EncryptionAlgorithm>(std::string_view t) {
  return ValueOf(kEncryptionAlgorithms, t);
}
template <>
std::optional<SigningAlgorithm> Parse<SigningAlgorithm>(std::string_view t) {
  return ValueOf(kSigningAlgorithms, t);
}
template <>
std::optional<MacAlgorithm> Parse<MacAlgorithm>(std::string_view t) {
  return ValueOf(kMacAlgorithms, t);
}
template <>
std::optional<KeyAgreementAlgorithm> Parse<KeyAgreementAlgorithm>(std::string_view t) {
  return ValueOf(kKeyAgreementAlgorithms, t);
}

std::optional<Timestamp> Key::NextEventTime() const {
  std::optional<Timestamp> next;
  auto consider = [&next](const std::optional<Timestamp>& t) {
    if (t && (!next || *t < *next)) next = t;
  };
  if (state == KeyState::kPendingDeletion) {
    consider(deletion_date);  // nothing else happens to a key pending deletion
    return next;
  }
  // A replica carries its primary's schedule but rotates only with it
  // (KmsService::ShareWithRelated), and a primary waiting for its replicas
  // to be deleted (PendingReplicaDeletion) rotates no more.
  if (!IsReplica() && state != KeyState::kPendingReplicaDeletion) {
    consider(on_demand_rotation_completes);
    if (state == KeyState::kEnabled && rotation.enabled) consider(rotation.next_rotation);
  }
  if (state != KeyState::kPendingImport) consider(material_valid_to);
  return next;
}

}  // namespace rotor::core
