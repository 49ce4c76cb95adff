#include "core/key_metadata.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/key_ring.h"

namespace rotor::core {
namespace {

// One name table per enum; ToString and Parse both read it, so they cannot disagree.
template <typename E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

template <typename E, size_t N>
std::string_view NameOf(const NameTable<E, N>& table, E v) {
  for (const auto& [value, name] : table) {
    if (value == v) return name;
  }
  return "";
}

template <typename E, size_t N>
std::optional<E> ValueOf(const NameTable<E, N>& table, std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

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

}  // namespace

std::string_view ToString(KeyState v) { return NameOf(kKeyStates, v); }
std::string_view ToString(KeySpec v) { return NameOf(kKeySpecs, v); }
std::string_view ToString(KeyUsage v) { return NameOf(kKeyUsages, v); }
std::string_view ToString(Origin v) { return NameOf(kOrigins, v); }
std::string_view ToString(KeyManager v) { return NameOf(kKeyManagers, v); }
std::string_view ToString(RotationType v) { return NameOf(kRotationTypes, v); }
std::string_view ToString(KeyMaterialState v) { return NameOf(kMaterialStates, v); }
std::string_view ToString(ImportState v) { return NameOf(kImportStates, v); }
std::string_view ToString(ImportType v) { return NameOf(kImportTypes, v); }

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

std::optional<Timestamp> Key::NextEventTime() const {
  std::optional<Timestamp> next;
  auto consider = [&next](const std::optional<Timestamp>& t) {
    if (t && (!next || *t < *next)) next = t;
  };
  if (state == KeyState::kPendingDeletion) {
    consider(deletion_date);  // nothing else happens to a key pending deletion
    return next;
  }
  consider(on_demand_rotation_completes);
  if (state == KeyState::kEnabled && rotation.enabled) consider(rotation.next_rotation);
  if (state != KeyState::kPendingImport) consider(material_valid_to);
  return next;
}

}  // namespace rotor::core
