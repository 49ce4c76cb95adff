// Router: the KMS API. One HTTP request in, one HTTP response out; pure with
// respect to the network (the session owns the socket, the router owns the
// protocol).
//
// For each request it does, once and in this order: target lookup in the
// operation table (Find, whose row the transport hands back to Handle), SigV4
// scope (in strict mode: the signature verified first, server/wire/sigv4_verifier.h),
// one clock reading (two in strict mode on a virtual clock: the wall clock's
// too, for the signature's time), body parsing and model validation, the
// injected faults (an error is thrown like any other; a delay or a dropped
// connection is handed to the transport through http::Hold), then the
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
#include "core/fault_rules.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/random.h"
#include "core/request_quotas.h"
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
  // Injected faults (core/fault_rules.h), tried once the request is parsed
  // and validated and before its handler runs, so a fault never leaves a
  // half-done write. Null or empty: the request path checks one atomic.
  core::FaultRules* faults = nullptr;
  // --quotas aws: AWS's request quotas (core/request_quotas.h), checked
  // before the injected faults; a request over its quota is answered
  // ThrottlingException and its handler never runs. Null: no quotas.
  core::RequestQuotas* quotas = nullptr;
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
  struct Call;  // one request from parse to answer
  // Parses, verifies and validates `req` into `call` (throws KmsError).
  void Prepare(const http::HttpRequest& req, const http::Peer& peer, Call& call);
  // Throws ThrottlingException when `call` is over its request quota. The
  // operations whose quota depends on their key's kind look the key up
  // (a read; an unknown key counts as symmetric and fails in its handler).
  void CheckQuota(Call& call);
  // The fault rule `call` meets, if any, applied: throws its error, or
  // records a drop or a delay in `hold` (moving `call` into the delay's
  // resumption) and returns true: the answer comes later or never.
  bool ApplyFault(const http::HttpRequest& req, Call& call, http::Hold* hold);
  // Runs the operation's handler and writes its answer or its error.
  http::HttpResponse Run(const http::HttpRequest& req, Call& call);
  http::HttpResponse Fail(const http::HttpRequest& req, Call& call, const std::exception& e);

  core::KmsService& service_;
  const core::Clock& clock_;
  RouterOptions options_;
  RequestValidator validator_;
  core::IdGenerator ids_;  // request ids: unique, not secret
  ApiCallObserver* observer_ = nullptr;
};

}  // namespace rotor::server::wire
