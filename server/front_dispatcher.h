// FrontDispatcher: the request handler the HTTP server runs. It refuses a
// request whose Host is not allowed (DNS rebinding) on every surface, and a
// KMS API request from a browser page of another origin; then it sends
// /_rotor/* and /moto-api/* to the admin API and everything else to the KMS
// API's router. Neither of them knows the other, and the HTTP transport knows
// neither (it sees one http::RequestHandler). An origin of --cors-origin is
// answered by the KMS API (its preflight too), never by the admin API.
// Refusals are 403
// AccessDeniedException in the surface's content type.
//
// Thread safety: as the handlers it dispatches to (both may be called
// concurrently).
#pragma once

#include "server/admin/admin_endpoints.h"
#include "server/http/cors.h"
#include "server/http/host_header.h"
#include "server/http/request_handler.h"
#include "server/wire/router.h"

namespace rotor::server {

class FrontDispatcher final : public http::RequestHandler {
 public:
  // `hosts`: the names a Host header may carry (--host, --allowed-hosts).
  // `cors`: the browser origins the KMS API answers (--cors-origin; none by
  // default): their preflights and requests (server/http/cors.h).
  FrontDispatcher(wire::Router& kms, admin::AdminEndpoints& admin,
                  http::HostAllowList hosts = http::HostAllowList(),
                  http::CorsPolicy cors = http::CorsPolicy())
      : kms_(kms), admin_(admin), hosts_(std::move(hosts)), cors_(std::move(cors)) {}

  using http::RequestHandler::Handle;
  http::Route Find(const http::HttpRequest& req) const override;
  http::HttpResponse Handle(const http::HttpRequest& req, const http::Peer& peer,
                            const http::Route& route) override;

 private:
  wire::Router& kms_;
  admin::AdminEndpoints& admin_;
  http::HostAllowList hosts_;
  http::CorsPolicy cors_;
};

}  // namespace rotor::server
