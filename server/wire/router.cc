#include "server/wire/router.h"

#include "server/wire/request_conditions.h"

#include "core/grant.h"
#include "core/kms_error.h"
#include "server/http/error_response.h"
#include "server/wire/json_body.h"
#include "server/wire/json_text.h"
#include "server/wire/kms_model.h"
#include "server/wire/operation_table.h"
#include "server/wire/sigv4.h"

namespace rotor::server::wire {
namespace {

using http::HttpRequest;
using http::HttpResponse;

constexpr std::string_view kTargetPrefix = "TrentService.";

std::string_view OperationName(const HttpRequest& req) {
  std::string_view target = http::HeaderValue(req, "X-Amz-Target");
  if (target.substr(0, kTargetPrefix.size()) != kTargetPrefix) return {};
  return target.substr(kTargetPrefix.size());
}

}  // namespace

Router::Router(core::KmsService& service, const core::Clock& clock, RouterOptions options)
    : service_(service), clock_(clock), options_(std::move(options)) {}

http::Route Router::Find(const HttpRequest& req) const {
  const OperationEntry* op = FindOperation(OperationName(req));
  return {op && op->blocking(), op};
}

HttpResponse Router::Handle(const HttpRequest& req, const http::Peer& peer,
                            const http::Route& route) {
  const auto* op = static_cast<const OperationEntry*>(route.row);
  core::RequestContext ctx;
  ctx.request_id = ids_.Uuid();
  ctx.now = clock_.Now();
  const SigV4Verifier* verifier = options_.verifier.get();
  if (verifier) {
    // The keyspace an unverified request's audit record names.
    ctx.scope = core::Scope{options_.default_account, options_.default_region};
    ctx.wall_now = clock_.IsVirtual() && options_.wall_clock ? options_.wall_clock->Now() : ctx.now;
  }
  ctx.source_ip = peer.address;
  ctx.user_agent = std::string(http::HeaderValue(req, "User-Agent"));
  std::string_view name = OperationName(req);
  nlohmann::json body;
  nlohmann::json response;
  std::optional<RequestConditions> conditions;  // strict mode: what access control reads
  try {
    std::optional<VerifiedCaller> caller;
    if (verifier) caller = verifier->Verify(req, ctx.wall_now);  // before all else, as AWS
    std::string_view target(req.target().data(), req.target().size());
    // A presigned request (strict mode) carries its signature in the query.
    if (caller) target = target.substr(0, target.find('?'));
    if (req.method() != http::verb::post || target != "/") {
      throw core::KmsError(
          core::ErrorCode::kUnknownOperation,
          "Rotor serves the KMS JSON 1.1 protocol: POST / with an X-Amz-Target header.");
    }
    if (!op) {
      if (!name.empty() && validator_.HasOperation(name)) {
        throw core::KmsError::Unsupported("Rotor does not implement " + std::string(name) + ".");
      }
      throw core::KmsError(core::ErrorCode::kUnknownOperation, "");
    }
    ctx.operation = op->name;  // the row's name: static storage, outlives the request
    if (caller) {
      ctx.principal = caller->principal;
      ctx.scope = core::Scope{caller->principal->account, std::move(caller->region)};
      ctx.access_key_id = caller->principal->access_key_id;
    } else {
      std::optional<SigV4Credential> credential =
          ParseAuthorization(http::HeaderValue(req, "Authorization"));
      ctx.scope = ScopeFor(credential, options_.default_account, options_.default_region);
      if (credential) ctx.access_key_id = credential->access_key_id;
    }
    body = ParseRequestBody(req.body());
    DecodedBlobs blobs = validator_.Validate(op->name, body);
    // Every operation whose model input has GrantTokens takes them; a token
    // that is not a grant token is InvalidGrantTokenException (core/grant.h).
    if (const Shape* input = KmsModel::Embedded().Input(op->name);
        input && input->Member("GrantTokens")) {
      core::CheckGrantTokens(fields::StringList(body, "GrantTokens"));
    }
    if (caller) {
      // Strict mode: the request's IAM actions and condition keys, read once
      // for every access decision the operation makes (core/access_request.h).
      conditions.emplace(*op, body, ctx);
      ctx.access = &conditions->access();
    }
    operations::OperationContext op_ctx{service_, ctx, body, blobs};
    response = op->handler(op_ctx);
    std::string text = WriteJsonText(response);
    if (observer_) observer_->OnApiCall(ApiCall{ctx, op->name, op, body, &response, "", ""});
    return http::JsonResponse(req, http::status::ok, std::move(text), ctx.request_id);
  } catch (const std::exception& e) {
    // The one catch of the KMS API. Storage failures (disk full, read-only
    // dir) and bugs: the client gets a 500 KMSInternalException; the detail
    // goes to the log only.
    core::KmsError error = http::ClientError(e, name, ctx.request_id);
    if (observer_ && !name.empty()) {
      observer_->OnApiCall(ApiCall{ctx, name, op, body, nullptr, error.name(), error.message()});
    }
    return http::ErrorResponse(req, error, ctx.request_id);
  }
}

}  // namespace rotor::server::wire
