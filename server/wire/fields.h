// Typed readers for request members. The RequestValidator has already checked
// every member against the model, so these only extract: a present member has
// the right JSON type and satisfies its constraints. Enum members become
// core's C++ enums here, once, so core never compares an AWS enum string.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/encryption_context.h"
#include "core/key_metadata.h"
#include "core/kms_error.h"
#include "server/wire/request_validator.h"

namespace rotor::server::wire::fields {

using nlohmann::json;

std::optional<std::string> OptString(const json& body, std::string_view name);
// For members the model marks required (present after validation).
std::string String(const json& body, std::string_view name);
std::optional<int> OptInt(const json& body, std::string_view name);
bool Bool(const json& body, std::string_view name);  // absent -> false
std::vector<std::string> StringList(const json& body, std::string_view name);
core::EncryptionContext StringMap(const json& body, std::string_view name);
std::vector<core::Tag> Tags(const json& body, std::string_view name);
// A decoded blob member, or empty when absent.
core::Bytes Blob(DecodedBlobs& blobs, std::string_view name);
std::optional<core::Bytes> OptBlob(DecodedBlobs& blobs, std::string_view name);
bool Has(const json& body, std::string_view name);

// The error for an enum value the model allows but core::Parse<E> does not
// know: the model and core's enums have diverged (a model update added a
// value). A bug of Rotor's, never the caller's: KMSInternalException, whose
// detail (member and value) goes to the log. tests/server/model_enums_test.cc
// walks every enum value of the model so that this is found by a test first.
core::KmsError UnknownEnumValue(std::string_view name, std::string_view value);
// A required member absent after validation: a bug of Rotor's, KMSInternalException.
core::KmsError MissingMember(std::string_view name);

// An enum member as core's enum E: nullopt when absent; throws
// UnknownEnumValue when core has no value of that name.
template <typename E>
std::optional<E> OptEnum(const json& body, std::string_view name) {
  std::optional<std::string> text = OptString(body, name);
  if (!text) return std::nullopt;
  std::optional<E> value = core::Parse<E>(*text);
  if (!value) throw UnknownEnumValue(name, *text);
  return value;
}
// For enum members the model marks required (present after validation).
template <typename E>
E Enum(const json& body, std::string_view name) {
  std::optional<E> value = OptEnum<E>(body, name);
  if (!value) throw MissingMember(name);
  return *value;
}

}  // namespace rotor::server::wire::fields
