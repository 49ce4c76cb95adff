#include "server/http/error_response.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace rotor::server::http {

core::KmsError ClientError(const std::exception& e, std::string_view where,
                           std::string_view request_id) {
  const auto* kms = dynamic_cast<const core::KmsError*>(&e);
  if (kms && kms->client_facing()) return *kms;
  if (request_id.empty()) {
    std::fprintf(stderr, "rotor: internal error in %.*s: %s\n", static_cast<int>(where.size()),
                 where.data(), e.what());
  } else {
    std::fprintf(stderr, "rotor: internal error in %.*s (request %.*s): %s\n",
                 static_cast<int>(where.size()), where.data(), static_cast<int>(request_id.size()),
                 request_id.data(), e.what());
  }
  return core::KmsError::Internal(std::string(kInternalErrorMessage));
}

std::string ErrorBody(const core::KmsError& e) {
  nlohmann::json body = {{"__type", std::string(e.name())}};
  if (!e.message().empty()) body["message"] = e.message();
  // Invalid UTF-8 in a message (a header echoed back) is replaced, never thrown.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse ErrorResponse(const HttpRequest& req, const core::KmsError& e,
                           const std::string& request_id, std::optional<status> status_override,
                           const char* content_type) {
  status s = status_override.value_or(static_cast<status>(core::HttpStatus(e.code())));
  return JsonResponse(req, s, ErrorBody(e), request_id, content_type);
}

}  // namespace rotor::server::http
