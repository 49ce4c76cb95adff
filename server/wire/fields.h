// Typed readers for request members. The RequestValidator has already checked
// every member against the model, so these only extract: a present member has
// the right JSON type and satisfies its constraints.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/encryption_context.h"
#include "core/key_metadata.h"
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

}  // namespace rotor::server::wire::fields
