// The HTTP vocabulary of server/: Beast's request and response with string
// bodies, what the session knows about the peer, and the JSON response every
// surface answers with.
#pragma once

#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

namespace rotor::server::http {

// Beast's names, so rotor::server::http reads as one HTTP vocabulary
// (http::verb, http::status, http::field).
using boost::beast::http::field;
using boost::beast::http::request;
using boost::beast::http::response;
using boost::beast::http::status;
using boost::beast::http::string_body;
using boost::beast::http::verb;
using HttpRequest = request<string_body>;
using HttpResponse = response<string_body>;

// The value of header `f` (or `name`), or "" when the request has none; a
// view into `headers`, valid while they are. Works on a whole request and on
// a parser's header alike.
std::string_view HeaderValue(const boost::beast::http::fields& headers, field f);
std::string_view HeaderValue(const boost::beast::http::fields& headers, std::string_view name);

// RFC 3986 percent-decoding of a URL's query name or value: "%XX" (hex, either
// case) becomes that byte; a '%' not followed by two hex digits stays as it
// is. `plus_is_space`: '+' becomes ' ' as in HTML form encoding (the admin
// API's query), else it stays '+' (SigV4's canonical query, which signs '+'
// as "%2B").
std::string PercentDecode(std::string_view s, bool plus_is_space);

struct Peer {
  std::string address;
  bool loopback = false;
};

// The KMS API's content type (JSON 1.1 protocol); the admin API answers
// plain application/json.
inline constexpr const char* kAwsJsonContentType = "application/x-amz-json-1.1";
inline constexpr const char* kJsonContentType = "application/json";

// A JSON response with the given status, content type and (when not empty)
// the x-amzn-RequestId header; keep-alive as the request asked.
HttpResponse JsonResponse(const HttpRequest& req, status result, std::string body,
                          const std::string& request_id,
                          const char* content_type = kAwsJsonContentType);

}  // namespace rotor::server::http
