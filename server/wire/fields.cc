#include "server/wire/fields.h"

namespace rotor::server::wire::fields {
namespace {
const json* Find(const json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}
}  // namespace

bool Has(const json& body, std::string_view name) { return Find(body, name) != nullptr; }

core::KmsError UnknownEnumValue(std::string_view name, std::string_view value) {
  return core::KmsError::Internal("the request member " + std::string(name) + " has the value '" +
                                  std::string(value) +
                                  "', which the KMS model allows but core has no enum value for");
}

core::KmsError MissingMember(std::string_view name) {
  return core::KmsError::Internal("the required request member " + std::string(name) +
                                  " is absent after validation");
}

std::optional<std::string> OptString(const json& body, std::string_view name) {
  const json* v = Find(body, name);
  if (!v) return std::nullopt;
  return v->get<std::string>();
}

std::string String(const json& body, std::string_view name) {
  return OptString(body, name).value_or("");
}

std::optional<int> OptInt(const json& body, std::string_view name) {
  const json* v = Find(body, name);
  if (!v) return std::nullopt;
  return v->get<int>();
}

bool Bool(const json& body, std::string_view name) {
  const json* v = Find(body, name);
  return v && v->get<bool>();
}

std::vector<std::string> StringList(const json& body, std::string_view name) {
  const json* v = Find(body, name);
  if (!v) return {};
  return v->get<std::vector<std::string>>();
}

core::EncryptionContext StringMap(const json& body, std::string_view name) {
  const json* v = Find(body, name);
  core::EncryptionContext out;
  if (!v) return out;
  for (const auto& [k, val] : v->items()) out[k] = val.get<std::string>();
  return out;
}

std::vector<core::Tag> Tags(const json& body, std::string_view name) {
  const json* v = Find(body, name);
  std::vector<core::Tag> out;
  if (!v) return out;
  for (const json& t : *v)
    out.push_back({t.at("TagKey").get<std::string>(), t.at("TagValue").get<std::string>()});
  return out;
}

std::optional<core::Bytes> OptBlob(DecodedBlobs& blobs, std::string_view name) {
  auto it = blobs.find(name);
  if (it == blobs.end()) return std::nullopt;
  return std::move(it->second);
}

core::Bytes Blob(DecodedBlobs& blobs, std::string_view name) {
  return OptBlob(blobs, name).value_or(core::Bytes{});
}

}  // namespace rotor::server::wire::fields
