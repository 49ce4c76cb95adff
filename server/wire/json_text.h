// JSON text to and from nlohmann::json, the DOM that the router, the validator
// and the operation handlers read.
//
// Reading is simdjson's DOM parser (Debian's libsimdjson, picked at run time
// for the CPU: AVX-512, AVX2 or SSE): it validates the whole text (RFC 8259
// grammar, UTF-8 per RFC 3629 anywhere in the text, escapes and surrogate
// pairs, number syntax and range) before anything is copied, and it scans
// long strings such as a 4 KiB plaintext's base64 with SIMD. The validated
// document is then copied into nlohmann::json. (simdjson's On-Demand API is
// not used: it is compiled into the caller for the build's baseline x86-64,
// which gives its scalar fallback kernel, and it checks only what is read.)
//
// Writing is nlohmann's dump(), except for strings of printable ASCII without
// '"' or '\\' (base64 blobs, ARNs, ids: nearly every byte of a response),
// which are copied between quotes. nlohmann escapes a byte at a time: dump()
// of an Encrypt response (5.7 KB) takes 20 us of CPU, this 1 us, and a whole
// Encrypt request about 40 us (bench/RESULTS.md, "JSON"). The output is the
// same, byte for byte, as dump(-1, ' ', false, error_handler_t::replace).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rotor::server::wire {

struct JsonParseError {
  std::string message;  // simdjson's description of the first error, e.g. "Problem while
                        // parsing a number"
};

// Parses one JSON value spanning all of `text` (JSON whitespace around it
// allowed). Nullopt with `error->message` set when the text is not JSON per
// RFC 8259, when a string holds invalid UTF-8 (overlong forms, encoded
// surrogates, code points above U+10FFFF, truncated sequences) or an unpaired
// \u surrogate escape, when a number does not fit: integers outside
// [-2^63, 2^64-1], decimals beyond the double range (1e400), or when arrays
// and objects nest deeper than `max_depth` (>= 1; "[[1]]" is depth 2), empty
// ones included. Never recurses deeper than `max_depth`.
// Integers become int64 when negative and uint64 otherwise, other numbers
// doubles. A name repeated in one object keeps its last value.
std::optional<nlohmann::json> ReadJsonText(std::string_view text, int max_depth,
                                           JsonParseError* error);

// Compact JSON, as AWS sends it: no whitespace, members in nlohmann's order,
// strings escaped per RFC 8259 with UTF-8 passed through (bytes that are not
// UTF-8 become U+FFFD). Never throws but std::bad_alloc.
std::string WriteJsonText(const nlohmann::json& value);
// The same, appended to `out`; and one string value, quoted and escaped.
void AppendJsonText(std::string& out, const nlohmann::json& value);
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace rotor::server::wire
