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

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (plus_is_space && s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 &&
               HexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
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
