#include "server/audit/cloudtrail_event.h"

#include "core/ids.h"
#include "server/wire/json_text.h"
#include "server/wire/kms_model.h"
#include "server/wire/loggable.h"

namespace rotor::server::audit {
namespace {

using nlohmann::json;

// The key a call concerned: from the response (KeyId/KeyMetadata) or the request.
std::string KeyIdOfCall(const json& request, const json* response);

// The key an alias named by a key member of `request` (its loggable members)
// points to, or "".
std::string KeyOfAlias(const json& request, const core::Scope& scope,
                       const AliasResolver& resolve_alias) {
  for (const char* member : {"KeyId", "TargetKeyId", "SourceKeyId", "DestinationKeyId"}) {
    auto it = request.find(member);
    if (it == request.end() || !it->is_string()) continue;
    core::KeyReference ref = core::ParseKeyReference(it->get<std::string>());
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
// CloudTrail writes too.

// Member names become lowerCamel; the caller's own map keys (encryption
// contexts, and grants' encryption context constraints) are data and stay
// exactly as sent.
bool IsUserMap(const std::string& member) {
  return (member.size() >= 17 &&
          member.compare(member.size() - 17, 17, "EncryptionContext") == 0) ||
         member == "EncryptionContextSubset" || member == "EncryptionContextEquals";  // grants
}

// Writes `v` with member names in lowerCamel, straight into `out` (no copy
// of the document is built: this runs once per API call).
void AppendCamelized(std::string& out, const json& v) {
  if (v.is_object()) {
    out.push_back('{');
    bool first = true;
    for (const auto& [k, member] : v.items()) {
      if (!first) out.push_back(',');
      first = false;
      wire::AppendJsonString(out, wire::LowerFirst(k));
      out.push_back(':');
      if (IsUserMap(k)) {
        wire::AppendJsonText(out, member);
      } else {
        AppendCamelized(out, member);
      }
    }
    out.push_back('}');
  } else if (v.is_array()) {
    out.push_back('[');
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out.push_back(',');
      AppendCamelized(out, v[i]);
    }
    out.push_back(']');
  } else {
    wire::AppendJsonText(out, v);
  }
}

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

std::string IdFromKeyText(const std::string& text) {
  core::KeyReference ref = core::ParseKeyReference(text);
  if (ref.kind == core::KeyReference::Kind::kKeyArn ||
      ref.kind == core::KeyReference::Kind::kKeyId) {
    if (core::IsKeyId(ref.id) || core::IsMultiRegionKeyId(ref.id)) return ref.id;
  }
  return "";
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
  // The request's DOM copy and the texts are scratch space of this thread,
  // freed before the call's one block is made.
  thread_local std::string request_text, response_text;
  request_text.clear();
  response_text.clear();
  std::string key_id = KeyIdOfCall(call.request, call.response);
  {
    json request = op ? wire::LoggableRequest(*op, call.request) : json::object();
    // A grant token lets its holder use the grant at once (a bearer
    // credential): Rotor's records never hold one (RetireGrant's GrantToken,
    // the GrantTokens of the operations that take them).
    if (request.is_object()) {
      request.erase("GrantToken");
      request.erase("GrantTokens");
    }
    if (request.empty()) {
      request_text = "null";
    } else {
      AppendCamelized(request_text, request);
    }
    // Now, on the request's thread: by the time the record is built, the
    // alias may point at another key.
    if (key_id.empty() && resolve_alias) key_id = KeyOfAlias(request, ctx.scope, resolve_alias);
  }
  if (op && call.response && op->logs_response()) {
    json response = wire::LoggableResponse(*op, *call.response);
    // CloudTrail's CreateGrant record carries the grantId, never the token.
    if (response.is_object()) response.erase("GrantToken");
    AppendCamelized(response_text, response);
  } else {
    response_text = "null";
  }
  return ApiCallSnapshot(ctx.now, ctx.principal, op && op->read_only(),
                         {ctx.scope.account, ctx.scope.region, ctx.request_id, ctx.access_key_id,
                          ctx.source_ip, ctx.user_agent, call.operation, request_text,
                          response_text, call.error_code, call.error_message, key_id});
}

namespace {

std::string KeyIdOfCall(const json& request, const json* response) {
  if (response && response->is_object()) {
    if (auto it = response->find("KeyMetadata"); it != response->end() && it->is_object()) {
      if (auto id = it->find("KeyId"); id != it->end() && id->is_string())
        return id->get<std::string>();
    }
    if (auto it = response->find("KeyId"); it != response->end() && it->is_string()) {
      std::string id = IdFromKeyText(it->get<std::string>());
      if (!id.empty()) return id;
    }
  }
  for (const char* member : {"KeyId", "TargetKeyId", "DestinationKeyId"}) {
    if (auto it = request.find(member); it != request.end() && it->is_string()) {
      std::string id = IdFromKeyText(it->get<std::string>());
      if (!id.empty()) return id;
    }
  }
  return "";
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
