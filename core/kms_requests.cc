#include "core/kms_requests.h"

#include "core/name_table.h"

namespace rotor::core {
namespace {

constexpr NameTable<DataKeySpec, 2> kDataKeySpecs{{
    {DataKeySpec::kAes128, "AES_128"},
    {DataKeySpec::kAes256, "AES_256"},
}};

constexpr NameTable<MessageType, 3> kMessageTypes{{
    {MessageType::kRaw, "RAW"},
    {MessageType::kDigest, "DIGEST"},
    {MessageType::kExternalMu, "EXTERNAL_MU"},
}};

constexpr NameTable<ExpirationModel, 2> kExpirationModels{{
    {ExpirationModel::kKeyMaterialExpires, "KEY_MATERIAL_EXPIRES"},
    {ExpirationModel::kKeyMaterialDoesNotExpire, "KEY_MATERIAL_DOES_NOT_EXPIRE"},
}};

constexpr NameTable<IncludeKeyMaterial, 2> kIncludeKeyMaterial{{
    {IncludeKeyMaterial::kAllKeyMaterial, "ALL_KEY_MATERIAL"},
    {IncludeKeyMaterial::kRotationsOnly, "ROTATIONS_ONLY"},
}};

}  // namespace

std::string_view ToString(DataKeySpec v) { return NameOf(kDataKeySpecs, v); }
std::string_view ToString(MessageType v) { return NameOf(kMessageTypes, v); }
std::string_view ToString(ExpirationModel v) { return NameOf(kExpirationModels, v); }
std::string_view ToString(IncludeKeyMaterial v) { return NameOf(kIncludeKeyMaterial, v); }

template <>
std::optional<DataKeySpec> Parse<DataKeySpec>(std::string_view t) {
  return ValueOf(kDataKeySpecs, t);
}
template <>
std::optional<MessageType> Parse<MessageType>(std::string_view t) {
  return ValueOf(kMessageTypes, t);
}
template <>
std::optional<ExpirationModel> Parse<ExpirationModel>(std::string_view t) {
  return ValueOf(kExpirationModels, t);
}
template <>
std::optional<IncludeKeyMaterial> Parse<IncludeKeyMaterial>(std::string_view t) {
  return ValueOf(kIncludeKeyMaterial, t);
}

}  // namespace rotor::core
