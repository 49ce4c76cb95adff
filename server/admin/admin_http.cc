#include "server/admin/admin_http.h"

#include "server/wire/json_text.h"

namespace rotor::server::admin {

using http::HttpRequest;
using http::HttpResponse;

HttpResponse AdminJson(const HttpRequest& req, http::status status, const nlohmann::json& body) {
  // Ends with a newline, so a curl answer leaves the prompt on its own line.
  std::string text = wire::WriteJsonText(body);
  text += '\n';
  return http::JsonResponse(req, status, std::move(text), "", http::kJsonContentType);
}

std::optional<std::string> QueryParam(const HttpRequest& req, std::string_view name) {
  std::string_view target(req.target().data(), req.target().size());
  size_t q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string()
                                          : http::PercentDecode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return std::nullopt;
}

}  // namespace rotor::server::admin
