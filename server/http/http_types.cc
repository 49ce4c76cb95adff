#include "server/http/http_types.h"

namespace rotor::server::http {

std::string_view HeaderValue(const boost::beast::http::fields& headers, field f) {
  auto it = headers.find(f);
  return it == headers.end() ? std::string_view()
                             : std::string_view(it->value().data(), it->value().size());
}

std::string_view HeaderValue(const boost::beast::http::fields& headers, std::string_view name) {
  auto it = headers.find(name);
  return it == headers.end() ? std::string_view()
                             : std::string_view(it->value().data(), it->value().size());
}

HttpResponse JsonResponse(const HttpRequest& req, status result, std::string body,
                          const std::string& request_id, const char* content_type) {
  HttpResponse res{result, req.version()};
  res.set(field::server, "rotor");
  res.set(field::content_type, content_type);
  if (!request_id.empty()) res.set("x-amzn-RequestId", request_id);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace rotor::server::http
