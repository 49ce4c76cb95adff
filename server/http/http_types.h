// The HTTP vocabulary of server/: Beast's request and response with string
// bodies, and what the session knows about the peer.
#pragma once

#include <boost/beast/http.hpp>
#include <string>

namespace rotor::server {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

struct Peer {
  std::string address;
  bool loopback = false;
};

// A JSON response with the given status, AWS's content type and request id.
HttpResponse JsonResponse(const HttpRequest& req, http::status status, std::string body,
                          const std::string& request_id,
                          const char* content_type = "application/x-amz-json-1.1");

}  // namespace rotor::server
