#include "server/wire/router.h"

#include "server/wire/request_conditions.h"

#include "core/grant.h"
#include "core/ids.h"
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

// Everything one request carries from parse to answer; moved to the heap
// only when a delay holds it.
struct Router::Call {
  const OperationEntry* op = nullptr;
  std::string_view name;  // as the request named it (X-Amz-Target)
  core::RequestContext ctx;
  bool verified = false;  // strict mode: the signature was verified
  nlohmann::json body;
  DecodedBlobs blobs;
};

HttpResponse Router::Handle(const HttpRequest& req, const http::Peer& peer,
                            const http::Route& route) {
  Call call;
  call.op = static_cast<const OperationEntry*>(route.row);
  call.name = OperationName(req);
  try {
    Prepare(req, peer, call);
    if (options_.quotas) CheckQuota(call);
    // With no fault rules this is one atomic load (FaultRules::any).
    if (options_.faults && options_.faults->any() && ApplyFault(req, call, route.hold)) return {};
  } catch (const std::exception& e) {
    return Fail(req, call, e);
  }
  return Run(req, call);
}

void Router::Prepare(const HttpRequest& req, const http::Peer& peer, Call& call) {
  core::RequestContext& ctx = call.ctx;
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
  const OperationEntry* op = call.op;
  if (!op) {
    if (!call.name.empty() && validator_.HasOperation(call.name)) {
      throw core::KmsError::Unsupported("Rotor does not implement " + std::string(call.name) + ".");
    }
    throw core::KmsError(core::ErrorCode::kUnknownOperation, "");
  }
  ctx.operation = op->name;  // the row's name: static storage, outlives the request
  if (caller) {
    call.verified = true;
    ctx.principal = caller->principal;
    ctx.scope = core::Scope{caller->principal->account, std::move(caller->region)};
    ctx.access_key_id = caller->principal->access_key_id;
  } else {
    std::optional<SigV4Credential> credential =
        ParseAuthorization(http::HeaderValue(req, "Authorization"));
    ctx.scope = ScopeFor(credential, options_.default_account, options_.default_region);
    if (credential) ctx.access_key_id = credential->access_key_id;
  }
  call.body = ParseRequestBody(req.body());
  call.blobs = validator_.Validate(op->name, call.body);
  // Every operation whose model input has GrantTokens takes them; a token
  // that is not a grant token is InvalidGrantTokenException (core/grant.h).
  if (const Shape* input = KmsModel::Embedded().Input(op->name);
      input && input->Member("GrantTokens")) {
    core::CheckGrantTokens(fields::StringList(call.body, "GrantTokens"));
  }
}

void Router::CheckQuota(Call& call) {
  std::string_view op = call.ctx.operation;
  core::QuotaKeyKind kind = core::QuotaKeyKind::kSymmetric;
  if (core::QuotaDependsOnKey(op)) {
    // ReEncrypt uses its destination key to encrypt; the others their KeyId.
    // Decrypt without KeyId decrypts under a symmetric key.
    std::string key_id =
        fields::OptString(call.body, op == "ReEncrypt" ? "DestinationKeyId" : "KeyId").value_or("");
    // The key cache's look-up: no copy of the key, and an AWS managed key
    // not created yet (symmetric) stays uncreated. A key that is not found
    // counts as symmetric; its handler answers the error.
    if (!key_id.empty()) {
      if (std::shared_ptr<const core::Key> key = service_.PeekKey(call.ctx, key_id)) {
        kind = core::QuotaKeyKindOf(key->spec);
      }
    }
  }
  std::string pair_spec = fields::OptString(call.body, "KeyPairSpec").value_or("");
  std::string quota = core::QuotaNameOf(op, kind, pair_spec);
  if (!quota.empty() && !options_.quotas->Admit(quota, call.ctx.scope, call.ctx.now)) {
    throw core::KmsError::Throttled();
  }
}

bool Router::ApplyFault(const HttpRequest& req, Call& call, http::Hold* hold) {
  // The members that name keys, as sent, and the key id each alias points
  // to (read from the key cache, nothing written): a rule's key matches any
  // of them, so a rule naming a key id meets requests naming it by alias.
  std::vector<std::string> keys;
  for (const char* member : {"KeyId", "SourceKeyId", "DestinationKeyId", "TargetKeyId"}) {
    auto it = call.body.find(member);
    if (it == call.body.end() || !it->is_string()) continue;
    const std::string& named = it->get_ref<const std::string&>();
    if (core::ParseKeyReference(named).IsAlias()) {
      if (std::shared_ptr<const core::Key> key = service_.PeekKey(call.ctx, named)) {
        keys.push_back(key->id);
      }
    }
    keys.push_back(named);
  }
  const core::RequestContext& ctx = call.ctx;
  core::FaultRequest facts;
  facts.operation = ctx.operation;
  facts.keys = keys;
  facts.account = ctx.scope.account;
  facts.region = ctx.scope.region;
  facts.principal_arn = ctx.principal ? std::string_view(ctx.principal->arn) : "";
  facts.access_key_id = ctx.access_key_id;
  facts.now = ctx.now;
  std::optional<core::FaultDecision> fault = options_.faults->Decide(facts);
  if (!fault) return false;
  switch (fault->action.kind) {
    case core::FaultKind::kError:
      // Answered as the rule says, even a KMSInternalException.
      throw core::KmsError::ForClient(fault->action.error, fault->action.message);
    case core::FaultKind::kDrop:
      if (!hold) return false;  // a caller that cannot drop gets the answer
      hold->drop = true;
      return true;
    case core::FaultKind::kDelay: {
      if (!hold) return false;  // nor hold: answered at once
      auto held = std::make_shared<Call>(std::move(call));
      hold->delay = fault->action.delay;
      hold->resume = [this, &req, held] { return Run(req, *held); };
      return true;
    }
  }
  return false;
}

HttpResponse Router::Run(const HttpRequest& req, Call& call) {
  std::optional<RequestConditions> conditions;  // strict mode: what access control reads
  try {
    if (call.verified) {
      // Strict mode: the request's IAM actions and condition keys, read once
      // for every access decision the operation makes (core/access_request.h).
      conditions.emplace(*call.op, call.body, call.ctx);
      call.ctx.access = &conditions->access();
    }
    operations::OperationContext op_ctx{service_, call.ctx, call.body, call.blobs};
    nlohmann::json response = call.op->handler(op_ctx);
    std::string text = WriteJsonText(response);
    if (observer_) {
      observer_->OnApiCall(ApiCall{call.ctx, call.op->name, call.op, call.body, &response, "", ""});
    }
    return http::JsonResponse(req, http::status::ok, std::move(text), call.ctx.request_id);
  } catch (const std::exception& e) {
    return Fail(req, call, e);
  }
}

HttpResponse Router::Fail(const HttpRequest& req, Call& call, const std::exception& e) {
  // The one catch of the KMS API. Storage failures (disk full, read-only
  // dir) and bugs: the client gets a 500 KMSInternalException; the detail
  // goes to the log only.
  core::KmsError error = http::ClientError(e, call.name, call.ctx.request_id);
  if (observer_ && !call.name.empty()) {
    observer_->OnApiCall(
        ApiCall{call.ctx, call.name, call.op, call.body, nullptr, error.name(), error.message()});
  }
  return http::ErrorResponse(req, error, call.ctx.request_id);
}

}  // namespace rotor::server::wire
