// --cors-origin (server/http/cors.h): preflights and headers for listed
// origins on the KMS API, never for the admin API; the front dispatcher's use.
#include "server/http/cors.h"

#include <catch2/catch.hpp>

#include "server/http/error_response.h"

using namespace rotor;
namespace http = rotor::server::http;

namespace {

http::HttpRequest Preflight(const std::string& origin, const std::string& method = "POST",
                            const std::string& headers = "content-type,x-amz-target") {
  http::HttpRequest req{http::verb::options, "/", 11};
  req.set(http::field::host, "127.0.0.1:4599");
  req.set(http::field::origin, origin);
  req.set(http::field::access_control_request_method, method);
  if (!headers.empty()) req.set(http::field::access_control_request_headers, headers);
  return req;
}

}  // namespace

TEST_CASE("CORS is off by default: no origin is allowed") {
  http::CorsPolicy none;
  http::HttpRequest req = Preflight("http://localhost:5173");
  CHECK(http::CorsPolicy::IsPreflight(req));
  CHECK_FALSE(none.Allows(req));
  http::HttpResponse res = none.Preflight(req);
  CHECK(res.result_int() == 403);
  CHECK(res.find(http::field::access_control_allow_origin) == res.end());
  CHECK(res.body().find("--cors-origin http://localhost:5173") != std::string::npos);
}

TEST_CASE("A listed origin's preflight is answered with what the SDK needs") {
  http::CorsPolicy cors({"http://localhost:5173", "https://app.example.test"});
  http::HttpResponse res = cors.Preflight(
      Preflight("http://localhost:5173", "POST", "Content-Type, X-Amz-Target, x-amz-date"));
  CHECK(res.result_int() == 204);
  CHECK(res[http::field::access_control_allow_origin] == "http://localhost:5173");
  CHECK(res[http::field::access_control_allow_methods] == "POST");
  CHECK(res[http::field::access_control_allow_headers] == "content-type, x-amz-target, x-amz-date");
  CHECK(res[http::field::access_control_max_age] == "600");
  CHECK(res[http::field::vary] == "Origin");
  // Exact origins only: another port, scheme or a suffix is not listed.
  for (const char* other : {"http://localhost:5174", "https://localhost:5173",
                            "http://localhost:5173.evil.test", "null"}) {
    CAPTURE(other);
    CHECK(cors.Preflight(Preflight(other)).result_int() == 403);
  }
  // Only POST, and only headers the SDK sends.
  CHECK(cors.Preflight(Preflight("http://localhost:5173", "DELETE")).result_int() == 403);
  CHECK(cors.Preflight(Preflight("http://localhost:5173", "POST", "x-rotor-admin-token"))
            .result_int() == 403);
}

TEST_CASE("A listed origin's request gets Access-Control-Allow-Origin, others get nothing") {
  http::CorsPolicy cors({"http://localhost:5173"});
  http::HttpRequest req{http::verb::post, "/", 11};
  req.set(http::field::origin, "http://localhost:5173");
  http::HttpResponse res{http::status::ok, 11};
  cors.Decorate(req, res);
  CHECK(res[http::field::access_control_allow_origin] == "http://localhost:5173");
  CHECK(res[http::field::access_control_expose_headers] == "x-amzn-RequestId");
  req.set(http::field::origin, "http://elsewhere.test");
  http::HttpResponse other{http::status::ok, 11};
  cors.Decorate(req, other);
  CHECK(other.find(http::field::access_control_allow_origin) == other.end());
}
