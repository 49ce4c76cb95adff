// Router: one HTTP request in, one HTTP response out. Pure with respect to
// the network: the session owns the socket, the router owns the protocol.
//
// For KMS requests it does, once and in this order: target lookup in the
// operation table, SigV4 scope, one clock reading, body parsing and model
// validation, then the handler. KmsError is caught here and only here and
// becomes {"__type","message"} with AWS's status; any other exception is a
// 500 KMSInternalException (logged, never shown to the client in detail).
//
// Thread safety: Handle may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/random.h"
#include "server/admin/admin_endpoints.h"
#include "server/http/http_types.h"
#include "server/wire/api_call_observer.h"
#include "server/wire/request_validator.h"

namespace rotor::server {

struct RouterOptions {
  std::string default_account = "111122223333";
  std::string default_region = "us-east-1";
};

class Router {
 public:
  Router(core::KmsService& service, const core::Clock& clock, AdminEndpoints& admin,
         RouterOptions options);

  HttpResponse Handle(const HttpRequest& req, const Peer& peer);
  // True when handling `req` may wait on a durable write or the clock lock.
  bool IsBlocking(const HttpRequest& req) const;

  void SetObserver(ApiCallObserver* observer) { observer_ = observer; }

 private:
  HttpResponse HandleKms(const HttpRequest& req, const Peer& peer);

  core::KmsService& service_;
  const core::Clock& clock_;
  AdminEndpoints& admin_;
  RouterOptions options_;
  RequestValidator validator_;
  core::IdGenerator ids_;  // request ids: unique, not secret
  ApiCallObserver* observer_ = nullptr;
};

// {"__type": name, "message": text} (no "message" when AWS sends none).
std::string ErrorBody(const core::KmsError& e);

}  // namespace rotor::server
