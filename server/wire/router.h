// Router: the KMS API. One HTTP request in, one HTTP response out; pure with
// respect to the network (the session owns the socket, the router owns the
// protocol).
//
// For each request it does, once and in this order: target lookup in the
// operation table (Find, whose row the transport hands back to Handle), SigV4
// scope (in strict mode: the signature verified first, server/wire/sigv4_verifier.h),
// one clock reading (two in strict mode on a virtual clock: the wall clock's
// too, for the signature's time), body parsing and model validation, then the
// handler. Errors are caught here and only here and
// written by the one JSON error writer (server/http/error_response.h): a
// KmsError becomes {"__type","message"} with AWS's status; an internal error
// or any other exception is a 500 KMSInternalException whose detail goes to
// the log only.
//
// Thread safety: Find and Handle may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/random.h"
#include "server/http/http_types.h"
#include "server/http/request_handler.h"
#include "server/wire/api_call_observer.h"
#include "server/wire/request_validator.h"
#include "server/wire/sigv4_verifier.h"

namespace rotor::server::wire {

struct RouterOptions {
  std::string default_account = "111122223333";
  std::string default_region = "us-east-1";
  // Strict mode (--auth strict): every request's SigV4 signature is verified
  // by `verifier` against the wall clock `wall_clock`, and the verified
  // principal's account and the credential's region are the keyspace. Null:
  // open mode (no check, no extra clock reading).
  std::shared_ptr<const SigV4Verifier> verifier;
  const core::Clock* wall_clock = nullptr;
};

class Router final : public http::RequestHandler {
 public:
  Router(core::KmsService& service, const core::Clock& clock, RouterOptions options);

  using http::RequestHandler::Handle;
  // The row of the operation X-Amz-Target names (OperationEntry, or nullptr);
  // blocking when that operation may wait on a durable write.
  http::Route Find(const http::HttpRequest& req) const override;
  http::HttpResponse Handle(const http::HttpRequest& req, const http::Peer& peer,
                            const http::Route& route) override;

  void SetObserver(ApiCallObserver* observer) { observer_ = observer; }

 private:
  core::KmsService& service_;
  const core::Clock& clock_;
  RouterOptions options_;
  RequestValidator validator_;
  core::IdGenerator ids_;  // request ids: unique, not secret
  ApiCallObserver* observer_ = nullptr;
};

}  // namespace rotor::server::wire
