// Parsing of request bodies: bounded nesting, JSON object or nothing.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace rotor::server::wire {

// KMS request shapes nest four levels at most; anything deeper is hostile.
constexpr int kMaxJsonDepth = 32;

// An empty body is {}. Throws KmsError(SerializationException) for anything
// that is not a JSON object, is nested deeper than kMaxJsonDepth, or is not
// valid UTF-8 (see json_text.h).
nlohmann::json ParseRequestBody(std::string_view body);

}  // namespace rotor::server::wire
