// FrontDispatcher: the request handler the HTTP server runs. It sends
// /_rotor/* and /moto-api/* to the admin API and everything else to the KMS
// API's router; neither of them knows the other, and the HTTP transport knows
// neither (it sees one http::RequestHandler).
//
// Thread safety: as the handlers it dispatches to (both may be called
// concurrently).
#pragma once

#include "server/admin/admin_endpoints.h"
#include "server/http/request_handler.h"
#include "server/wire/router.h"

namespace rotor::server {

class FrontDispatcher final : public http::RequestHandler {
 public:
  FrontDispatcher(wire::Router& kms, admin::AdminEndpoints& admin) : kms_(kms), admin_(admin) {}

  using http::RequestHandler::Handle;
  http::Route Find(const http::HttpRequest& req) const override;
  http::HttpResponse Handle(const http::HttpRequest& req, const http::Peer& peer,
                            const http::Route& route) override;

 private:
  wire::Router& kms_;
  admin::AdminEndpoints& admin_;
};

}  // namespace rotor::server
