#include "server/wire/json_body.h"

#include "core/kms_error.h"

namespace rotor::server {
namespace {

[[noreturn]] void Fail(const char* why) { throw core::KmsError(core::ErrorCode::kSerialization, why); }

// Maximum bracket depth outside strings; returns -1 past `limit`.
int NestingDepth(std::string_view s, int limit) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return -1;
      max_depth = std::max(max_depth, depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace

nlohmann::json ParseRequestBody(std::string_view body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return nlohmann::json::object();
  if (NestingDepth(body, kMaxJsonDepth) < 0) Fail("The request body is nested too deeply.");
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) Fail("The request body is not valid JSON.");
  if (!doc.is_object()) Fail("The request body must be a JSON object.");
  return doc;
}

}  // namespace rotor::server
