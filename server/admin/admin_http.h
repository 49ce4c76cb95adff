// Small HTTP helpers shared by the admin endpoints: JSON answers, problem
// answers in AWS's error shape, and query-string parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/http/http_types.h"

namespace rotor::server::admin {

using http::HttpRequest;
using http::HttpResponse;

HttpResponse AdminJson(const HttpRequest& req, http::status status, const nlohmann::json& body);
HttpResponse AdminProblem(const HttpRequest& req, http::status status, std::string_view type,
                          const std::string& message);
// The percent-decoded value of `name` in the request target's query string.
std::optional<std::string> QueryParam(const HttpRequest& req, std::string_view name);

}  // namespace rotor::server::admin
