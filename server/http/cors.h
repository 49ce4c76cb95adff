// CorsPolicy: --cors-origin, for the AWS SDK running in a browser page. Off by
// default (no origin listed): the KMS API then refuses every foreign Origin
// (host_header.h). For a listed origin (exact match of the Origin header,
// e.g. "http://localhost:5173"), the KMS API, and only it, answers:
//   - the preflight (OPTIONS with Access-Control-Request-Method: POST): 204
//     with Access-Control-Allow-Origin (the origin), -Allow-Methods (POST),
//     -Allow-Headers (the request's Access-Control-Request-Headers when each is
//     one the SDK sends, else refused), -Max-Age (600 s) and Vary: Origin;
//   - the request itself, with Access-Control-Allow-Origin, Vary: Origin and
//     Access-Control-Expose-Headers naming x-amzn-RequestId.
// Admin endpoints never get these headers (a page must not drive them).
// The Fetch standard's CORS protocol: https://fetch.spec.whatwg.org/#http-cors-protocol
//
// Thread safety: const after construction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kms_error.h"
#include "server/http/http_types.h"

namespace rotor::server::http {

class CorsPolicy {
 public:
  CorsPolicy() = default;
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  // True when `req` carries an Origin header that is listed.
  bool Allows(const HttpRequest& req) const;
  // True for a preflight: OPTIONS with an Origin and Access-Control-Request-Method.
  static bool IsPreflight(const HttpRequest& req);
  // The answer to a preflight: 204 with the headers above for a listed origin
  // asking for POST and headers the SDK sends; otherwise 403
  // AccessDeniedException naming what was refused.
  HttpResponse Preflight(const HttpRequest& req) const;
  // Adds Access-Control-Allow-Origin, -Expose-Headers and Vary to `res` when
  // `req`'s Origin is listed; nothing otherwise.
  void Decorate(const HttpRequest& req, HttpResponse& res) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace rotor::server::http
