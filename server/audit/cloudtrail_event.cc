#include "server/audit/cloudtrail_event.h"

#include "core/ids.h"
#include "server/wire/json_text.h"
#include "server/wire/kms_model.h"
#include "server/wire/loggable.h"

namespace rotor::server::audit {
namespace {

using nlohmann::json;

// The bare key id a call concerned: from the response (KeyId/KeyMetadata) or
// the request; a view into one of them, empty when neither names a key.
std::string_view KeyIdOfCall(const json& request, const json* response);

// The key an alias named by a key member of `request` (its loggable members)
// points to, or "".
std::string KeyOfAlias(const wire::OperationEntry& op, const json& request,
                       const core::Scope& scope, const AliasResolver& resolve_alias) {
  for (const char* member : {"KeyId", "TargetKeyId", "SourceKeyId", "DestinationKeyId"}) {
    const json* named = wire::LoggableRequestMember(op, request, member);
    if (!named || !named->is_string()) continue;
    core::KeyReference ref = core::ParseKeyReference(named->get_ref<const std::string&>());
    if (!ref.IsAlias()) continue;
    std::string key_id =
        resolve_alias(ref.account.empty() ? scope : core::Scope{ref.account, ref.region}, ref.id);
    if (!key_id.empty()) return key_id;
  }
  return "";
}

const std::string kAnonymous = "ANONYMOUS";

// CloudTrail writes member names in lowerCamel (wire::LowerFirst): KeyId ->
// keyId; AWSAccountId -> aWSAccountId is what that naive rule gives, and what
// CloudTrail writes too. The caller's own map keys (encryption contexts, and
// grants' encryption context constraints) are data and stay exactly as sent.
bool IsUserMap(std::string_view member) {
  return member.ends_with("EncryptionContext") || member == "EncryptionContextSubset" ||
         member == "EncryptionContextEquals";  // grants
}

// A grant token lets its holder use the grant at once (a bearer credential):
// Rotor's records never hold one (RetireGrant's GrantToken, the GrantTokens of
// the operations that take them). CloudTrail's CreateGrant record carries the
// grantId, never the token.
constexpr std::string_view kRequestGrantTokens[] = {"GrantToken", "GrantTokens"};
constexpr std::string_view kResponseGrantToken[] = {"GrantToken"};
constexpr wire::LoggableText kRequestText{kRequestGrantTokens, true, IsUserMap};
constexpr wire::LoggableText kResponseText{kResponseGrantToken, true, IsUserMap};

// Appends "name":value members to one JSON object, in the order written
// (CloudTrail's order, not alphabetical).
class RecordWriter {
 public:
  explicit RecordWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  RecordWriter& Str(std::string_view name, std::string_view value) {
    Name(name);
    wire::AppendJsonString(out_, value);
    return *this;
  }
  RecordWriter& Raw(std::string_view name, std::string_view json_text) {
    Name(name);
    out_ += json_text;
    return *this;
  }
  // Opens a nested object member; close it with End().
  RecordWriter& Object(std::string_view name) {
    Name(name);
    out_.push_back('{');
    first_ = true;
    return *this;
  }
  RecordWriter& End() {
    out_.push_back('}');
    first_ = false;
    return *this;
  }
  std::string& out() { return out_; }
  void Name(std::string_view name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    wire::AppendJsonString(out_, name);
    out_.push_back(':');
  }

 private:
  std::string& out_;
  bool first_ = true;
};

std::string IsoSeconds(core::Timestamp t) {
  // CloudTrail's eventTime has whole seconds.
  return core::FormatIso8601(std::chrono::floor<std::chrono::seconds>(t));
}

void AppendResources(RecordWriter& w, const core::Scope& scope, std::string_view key_id) {
  w.Name("resources");
  if (key_id.empty()) {
    w.out() += "[]";
    return;
  }
  RecordWriter resource(w.out().append("["));
  resource.Str("accountId", scope.account)
      .Str("type", "AWS::KMS::Key")
      .Str("ARN", core::KeyArn(scope, key_id));
  w.out() += "}]";
}

}  // namespace

ApiCallSnapshot::ApiCallSnapshot(core::Timestamp now, const core::Principal* principal,
                                 bool read_only, const Fields& fields)
    : now_(now), principal_(principal), read_only_(read_only) {
  size_t size = 0;
  for (std::string_view f : fields) size += f.size();
  text_.reserve(size);  // exactly: one block, no slack
  for (size_t i = 0; i < kFieldCount; ++i) {
    text_ += fields[i];
    ends_[i] = static_cast<uint32_t>(text_.size());
  }
}

ApiCallSnapshot SnapshotOf(const wire::ApiCall& call, const AliasResolver& resolve_alias) {
  const wire::OperationEntry* op = call.entry;
  const core::RequestContext& ctx = call.ctx;
  // The texts are scratch space of this thread, copied into the call's one
  // block. The request's and the response's loggable members are written
  // straight from them, in one pass over each and the model.
  thread_local std::string request_text, response_text;
  request_text.clear();
  response_text.clear();
  if (!op || wire::AppendLoggableRequest(request_text, *op, call.request, kRequestText) == 0) {
    request_text.assign("null");
  }
  if (op && call.response && op->logs_response()) {
    wire::AppendLoggableResponse(response_text, *op, *call.response, kResponseText);
  } else {
    response_text.assign("null");
  }
  std::string_view key_id = KeyIdOfCall(call.request, call.response);
  // Now, on the request's thread: by the time the record is built, the
  // alias may point at another key.
  std::string alias_key;
  if (key_id.empty() && resolve_alias && op) {
    alias_key = KeyOfAlias(*op, call.request, ctx.scope, resolve_alias);
    key_id = alias_key;
  }
  return ApiCallSnapshot(ctx.now, ctx.principal, op && op->read_only(),
                         {ctx.scope.account, ctx.scope.region, ctx.request_id, ctx.access_key_id,
                          ctx.source_ip, ctx.user_agent, call.operation, request_text,
                          response_text, call.error_code, call.error_message, key_id});
}

namespace {

std::string_view KeyIdOfCall(const json& request, const json* response) {
  if (response && response->is_object()) {
    if (auto it = response->find("KeyMetadata"); it != response->end() && it->is_object()) {
      if (auto id = it->find("KeyId"); id != it->end() && id->is_string())
        return id->get_ref<const std::string&>();
    }
    if (auto it = response->find("KeyId"); it != response->end() && it->is_string()) {
      std::string_view id = core::KeyIdNamedBy(it->get_ref<const std::string&>());
      if (!id.empty()) return id;
    }
  }
  for (const char* member : {"KeyId", "TargetKeyId", "DestinationKeyId"}) {
    if (auto it = request.find(member); it != request.end() && it->is_string()) {
      std::string_view id = core::KeyIdNamedBy(it->get_ref<const std::string&>());
      if (!id.empty()) return id;
    }
  }
  return {};
}

}  // namespace

core::AuditEvent ApiCallEvent(const ApiCallSnapshot& call, const std::string& event_id) {
  using F = ApiCallSnapshot;
  const std::string_view account = call.field(F::kAccount);
  const std::string_view access_key = call.field(F::kAccessKeyId).empty()
                                          ? std::string_view(kAnonymous)
                                          : call.field(F::kAccessKeyId);
  const std::string_view operation = call.field(F::kOperation);
  const std::string_view error_code = call.field(F::kErrorCode);
  const std::string_view key_id = call.field(F::kKeyId);
  core::Scope scope{std::string(account), std::string(call.field(F::kRegion))};
  std::string text;
  text.reserve(1024);
  RecordWriter w(text);
  w.Str("eventVersion", "1.08");
  if (const core::Principal* p = call.principal()) {
    // Strict mode: the verified caller, as CloudTrail fills userIdentity.
    w.Object("userIdentity")
        .Str("type", core::ToString(p->type))
        .Str("principalId", p->principal_id)
        .Str("arn", p->arn)
        .Str("accountId", p->account)
        .Str("accessKeyId", p->access_key_id);
    if (p->type == core::PrincipalType::kIamUser) w.Str("userName", p->name);
    if (p->type == core::PrincipalType::kAssumedRole) {
      std::string_view role_id(p->principal_id);
      w.Object("sessionContext")
          .Object("sessionIssuer")
          .Str("type", "Role")
          .Str("principalId", role_id.substr(0, role_id.find(':')))
          .Str("arn", p->principal_arn)
          .Str("accountId", p->account)
          .Str("userName", p->name)
          .End()
          .End();
    }
    w.End();
  } else {
    w.Object("userIdentity")
        .Str("type", "IAMUser")
        .Str("principalId", access_key)
        .Str("arn", "arn:aws:iam::" + scope.account + ":user/rotor")
        .Str("accountId", account)
        .Str("accessKeyId", access_key)
        .End();
  }
  w.Str("eventTime", IsoSeconds(call.now()))
      .Str("eventSource", "kms.amazonaws.com")
      .Str("eventName", operation)
      .Str("awsRegion", scope.region)
      .Str("sourceIPAddress", call.field(F::kSourceIp))
      .Str("userAgent", call.field(F::kUserAgent));
  if (!error_code.empty()) {
    // CloudTrail names a KMS access denial "AccessDenied" (the exception's
    // name without "Exception"); every other error by its exception name.
    w.Str("errorCode", error_code == "AccessDeniedException" ? "AccessDenied" : error_code)
        .Str("errorMessage", call.field(F::kErrorMessage));
  }
  w.Raw("requestParameters", call.field(F::kRequestParameters))
      .Raw("responseElements", call.field(F::kResponseElements))
      .Str("requestID", call.field(F::kRequestId))
      .Str("eventID", event_id)
      .Raw("readOnly", call.read_only() ? "true" : "false");
  AppendResources(w, scope, key_id);
  w.Str("eventType", "AwsApiCall")
      .Raw("managementEvent", "true")
      .Str("recipientAccountId", account)
      .Str("eventCategory", "Management")
      .End();
  return {event_id,         call.now(),          std::string(operation),  "AwsApiCall",
          std::move(scope), std::string(key_id), std::string(error_code), std::move(text)};
}

std::string ServiceEventDetail(const core::ServiceEvent& e) {
  std::string text;
  if (e.kind == core::ServiceEventKind::kRotateKey && e.rotation_type) {
    text = core::ToString(*e.rotation_type);
  }
  for (const std::string& id : e.key_material_ids) {
    if (!text.empty()) text += ' ';
    text += id;
  }
  return text;
}

core::AuditEvent ServiceEventRecord(const core::ServiceEvent& e, const std::string& event_id) {
  const std::string_view name = core::ToString(e.kind);
  std::string details;
  RecordWriter d(details);
  if (e.kind == core::ServiceEventKind::kRotateKey) {
    d.Str("rotationType", e.rotation_type ? core::ToString(*e.rotation_type) : "")
        .Str("keyMaterialId", e.key_material_ids.empty() ? "" : e.key_material_ids.front());
  } else {
    d.Str("detail", ServiceEventDetail(e));
  }
  d.End();
  std::string text;
  text.reserve(768);
  RecordWriter w(text);
  w.Str("eventVersion", "1.08");
  w.Object("userIdentity")
      .Str("accountId", e.scope.account)
      .Str("invokedBy", "kms.amazonaws.com")
      .End();
  w.Str("eventTime", IsoSeconds(e.time))
      .Str("eventSource", "kms.amazonaws.com")
      .Str("eventName", name)
      .Str("awsRegion", e.scope.region)
      .Str("sourceIPAddress", "kms.amazonaws.com")
      .Str("userAgent", "kms.amazonaws.com")
      .Raw("requestParameters", "null")
      .Raw("responseElements", "null")
      .Raw("additionalEventData", details)
      .Str("eventID", event_id)
      .Raw("readOnly", "false");
  AppendResources(w, e.scope, e.key_id);
  w.Str("eventType", "AwsServiceEvent")
      .Raw("managementEvent", "true")
      .Str("recipientAccountId", e.scope.account)
      .Raw("serviceEventDetails", details)
      .Str("eventCategory", "Management")
      .End();
  return {event_id, e.time, std::string(name), "AwsServiceEvent", e.scope,
          e.key_id, "",     std::move(text)};
}

}  // namespace rotor::server::audit
