#include "server/front_dispatcher.h"

#include "server/admin/admin_routes.h"

namespace rotor::server {

bool FrontDispatcher::IsBlocking(const http::HttpRequest& req) const {
  if (admin::IsAdminPath(req.target())) return admin_.IsBlocking(req);
  return kms_.IsBlocking(req);
}

http::HttpResponse FrontDispatcher::Handle(const http::HttpRequest& req, const http::Peer& peer) {
  if (admin::IsAdminPath(req.target())) return admin_.Handle(req, peer);
  return kms_.Handle(req, peer);
}

}  // namespace rotor::server
