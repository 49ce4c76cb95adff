#include "server/front_dispatcher.h"

#include "server/admin/admin_routes.h"
#include "server/http/error_response.h"

namespace rotor::server {

// Find and Handle send a request the same way (IsAdminRequest looks at the
// same method and target), so each handler gets back the route it found.
http::Route FrontDispatcher::Find(const http::HttpRequest& req) const {
  if (admin::IsAdminRequest(req.method(), req.target())) return admin_.Find(req);
  return kms_.Find(req);
}

http::HttpResponse FrontDispatcher::Handle(const http::HttpRequest& req, const http::Peer& peer,
                                           const http::Route& route) {
  bool admin = admin::IsAdminRequest(req.method(), req.target());
  const char* content_type = admin ? http::kJsonContentType : http::kAwsJsonContentType;
  if (std::optional<core::KmsError> refused = hosts_.Check(req)) {
    return http::ErrorResponse(req, *refused, "", http::status::forbidden, content_type);
  }
  if (admin) return admin_.Handle(req, peer, route);
  if (http::CorsPolicy::IsPreflight(req)) return cors_.Preflight(req);
  // The admin API applies the same rule to its non-public routes itself; a
  // --cors-origin is the KMS API's only exception.
  const bool cors = cors_.Allows(req);
  if (std::optional<core::KmsError> refused = http::ForeignOrigin(req); refused && !cors) {
    return http::ErrorResponse(req, *refused, "", http::status::forbidden, content_type);
  }
  http::HttpResponse res = kms_.Handle(req, peer, route);
  if (cors) cors_.Decorate(req, res);
  return res;
}

}  // namespace rotor::server
