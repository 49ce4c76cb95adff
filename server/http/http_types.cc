#include "server/http/http_types.h"

namespace rotor::server {

HttpResponse JsonResponse(const HttpRequest& req, http::status status, std::string body,
                          const std::string& request_id, const char* content_type) {
  HttpResponse res{status, req.version()};
  res.set(http::field::server, "rotor");
  res.set(http::field::content_type, content_type);
  if (!request_id.empty()) res.set("x-amzn-RequestId", request_id);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace rotor::server
