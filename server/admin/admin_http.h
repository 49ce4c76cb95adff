// Small HTTP helpers shared by the admin endpoints: JSON answers and
// query-string parameters. (Errors go through server/http/error_response.h.)
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/http/http_types.h"

namespace rotor::server::admin {

// `body` as application/json with `status`.
http::HttpResponse AdminJson(const http::HttpRequest& req, http::status status,
                             const nlohmann::json& body);
// The percent-decoded value of `name` in the request target's query string.
std::optional<std::string> QueryParam(const http::HttpRequest& req, std::string_view name);

}  // namespace rotor::server::admin
