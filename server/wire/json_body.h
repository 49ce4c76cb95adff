// Parsing of request bodies: bounded nesting, JSON object or nothing.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace rotor::server::wire {

// KMS request shapes nest four levels at most; anything deeper is hostile.
constexpr int kMaxJsonDepth = 32;

// An empty body (or only whitespace) is {}. Throws KmsError(SerializationException)
// for anything that is not a JSON object: "The request body is not valid JSON: "
// and the reader's reason when ReadJsonText refuses it (malformed, nested deeper
// than kMaxJsonDepth, not UTF-8, a number beyond int64/uint64/double; see
// json_text.h), "The request body must be a JSON object." for any other value.
nlohmann::json ParseRequestBody(std::string_view body);

}  // namespace rotor::server::wire
