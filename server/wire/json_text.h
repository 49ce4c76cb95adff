// A small, fast JSON reader and writer for request and response bodies.
//
// Why not nlohmann's own parse()/dump(): a KMS body is mostly one long base64
// string (a 4 KiB plaintext is 5.5 KB of it), and nlohmann lexes and escapes
// such strings a character at a time; these scan them in bulk and copy runs.
// Profiles of Encrypt showed nlohmann's lexer and escaper at about 40% of CPU.
// The DOM is still nlohmann::json, so handlers and the validator are unchanged.
//
// The reader is written to be fuzzed: an explicit depth limit, no recursion
// driven deeper than that limit, every index checked, invalid UTF-8 refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rotor::server::wire {

struct JsonParseError {
  std::string message;
};

// Parses one JSON value spanning all of `text` (surrounding whitespace
// allowed). Nullopt with `error` set on any malformed input, nesting deeper
// than `max_depth`, or invalid UTF-8 in a string.
std::optional<nlohmann::json> ReadJsonText(std::string_view text, int max_depth,
                                           JsonParseError* error);

// Compact JSON, as AWS sends it. Strings are escaped per RFC 8259.
std::string WriteJsonText(const nlohmann::json& value);
// The same, appended to `out`; and one string value, quoted and escaped.
void AppendJsonText(std::string& out, const nlohmann::json& value);
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace rotor::server::wire
