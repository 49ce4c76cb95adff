#include "server/wire/json_body.h"

#include "core/kms_error.h"
#include "server/wire/json_text.h"

namespace rotor::server::wire {

nlohmann::json ParseRequestBody(std::string_view body) {
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return nlohmann::json::object();
  JsonParseError error;
  std::optional<nlohmann::json> doc = ReadJsonText(body, kMaxJsonDepth, &error);
  if (!doc) {
    throw core::KmsError(core::ErrorCode::kSerialization,
                         "The request body is not valid JSON: " + error.message);
  }
  if (!doc->is_object()) {
    throw core::KmsError(core::ErrorCode::kSerialization,
                         "The request body must be a JSON object.");
  }
  return std::move(*doc);
}

}  // namespace rotor::server::wire
