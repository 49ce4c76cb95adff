#include "server/front_dispatcher.h"

#include "server/admin/admin_routes.h"

namespace rotor::server {

// Find and Handle send a request the same way (IsAdminPath is a prefix test
// of the same target), so each handler gets back the route it found.
http::Route FrontDispatcher::Find(const http::HttpRequest& req) const {
  if (admin::IsAdminPath(req.target())) return admin_.Find(req);
  return kms_.Find(req);
}

http::HttpResponse FrontDispatcher::Handle(const http::HttpRequest& req, const http::Peer& peer,
                                           const http::Route& route) {
  if (admin::IsAdminPath(req.target())) return admin_.Handle(req, peer, route);
  return kms_.Handle(req, peer, route);
}

}  // namespace rotor::server
