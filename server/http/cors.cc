#include "server/http/cors.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "server/http/error_response.h"

namespace rotor::server::http {
namespace {

// Request headers the AWS SDKs send (JS SDK v3 in a browser, SigV4 signing).
constexpr std::array<std::string_view, 10> kAllowedHeaders = {
    "authorization",        "content-type",     "x-amz-target",         "x-amz-date",
    "x-amz-security-token", "x-amz-user-agent", "x-amz-content-sha256", "amz-sdk-invocation-id",
    "amz-sdk-request",      "x-amz-api-version"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

HttpResponse Refuse(const HttpRequest& req, const std::string& why) {
  core::KmsError error(core::ErrorCode::kAccessDenied, why);
  return ErrorResponse(req, error, "", status::forbidden);
}

}  // namespace

bool CorsPolicy::Allows(const HttpRequest& req) const {
  if (origins_.empty() || req.find(field::origin) == req.end()) return false;
  std::string_view origin = HeaderValue(req, field::origin);
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

bool CorsPolicy::IsPreflight(const HttpRequest& req) {
  return req.method() == verb::options && req.find(field::origin) != req.end() &&
         req.find(field::access_control_request_method) != req.end();
}

HttpResponse CorsPolicy::Preflight(const HttpRequest& req) const {
  std::string origin(HeaderValue(req, field::origin).substr(0, 100));
  if (!Allows(req)) {
    return Refuse(req, "Origin '" + origin + "' is not allowed: start Rotor with --cors-origin " +
                           origin + " to let that page call the KMS API.");
  }
  if (HeaderValue(req, field::access_control_request_method) != "POST") {
    return Refuse(req, "The KMS API answers POST only.");
  }
  // Each header asked for must be one the SDK sends.
  std::string asked = Lower(HeaderValue(req, field::access_control_request_headers));
  std::string allowed;
  std::string_view rest(asked);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string name = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (name.empty()) continue;
    if (std::find(kAllowedHeaders.begin(), kAllowedHeaders.end(), name) == kAllowedHeaders.end()) {
      return Refuse(req, "Request header '" + name.substr(0, 100) +
                             "' is not one the AWS SDK sends to the KMS API.");
    }
    if (!allowed.empty()) allowed += ", ";
    allowed += name;
  }
  HttpResponse res{status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(field::access_control_allow_origin, HeaderValue(req, field::origin));
  res.set(field::access_control_allow_methods, "POST");
  if (!allowed.empty()) res.set(field::access_control_allow_headers, allowed);
  res.set(field::access_control_max_age, "600");
  res.set(field::vary, "Origin");
  return res;
}

void CorsPolicy::Decorate(const HttpRequest& req, HttpResponse& res) const {
  if (!Allows(req)) return;
  res.set(field::access_control_allow_origin, HeaderValue(req, field::origin));
  res.set(field::access_control_expose_headers, "x-amzn-RequestId");
  res.set(field::vary, "Origin");
}

}  // namespace rotor::server::http
