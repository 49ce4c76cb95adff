#include "server/audit/cloudtrail_event.h"

#include <array>
#include <cctype>

#include "core/ids.h"
#include "server/wire/json_text.h"

namespace rotor::server {
namespace {

using nlohmann::json;

// Members whose values are secret or opaque bytes: never audited.
constexpr std::array<std::string_view, 14> kUnaudited = {
    "Plaintext",       "CiphertextBlob",       "CiphertextForRecipient", "PrivateKeyPlaintext",
    "PrivateKeyCiphertextBlob", "PublicKey",   "Signature",              "Message",
    "Mac",             "SharedSecret",         "ImportToken",            "EncryptedKeyMaterial",
    "AttestationDocument", "Recipient"};

bool Unaudited(std::string_view name) {
  for (auto n : kUnaudited) {
    if (n == name) return true;
  }
  return false;
}

// CloudTrail writes member names in lowerCamel: KeyId -> keyId, AWSAccountId -> aWSAccountId
// is what a naive rule gives; CloudTrail writes "aWSAccountId" too, so keep it simple.
std::string LowerCamel(const std::string& name) {
  std::string out = name;
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

// Member names become lowerCamel; the caller's own map keys (encryption
// contexts) are data and stay exactly as sent.
bool IsUserMap(const std::string& member) {
  return member.size() >= 17 && member.compare(member.size() - 17, 17, "EncryptionContext") == 0;
}

json Camelized(const json& v) {
  if (v.is_object()) {
    json out = json::object();
    for (const auto& [k, member] : v.items()) out[LowerCamel(k)] = IsUserMap(k) ? member : Camelized(member);
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const auto& e : v) out.push_back(Camelized(e));
    return out;
  }
  return v;
}

std::string IsoSeconds(core::Timestamp t) {
  // CloudTrail's eventTime has whole seconds.
  return core::FormatIso8601(std::chrono::floor<std::chrono::seconds>(t));
}

std::string IdFromKeyText(const std::string& text) {
  core::KeyReference ref = core::ParseKeyReference(text);
  if (ref.kind == core::KeyReference::Kind::kKeyArn || ref.kind == core::KeyReference::Kind::kKeyId) {
    if (core::IsKeyId(ref.id)) return ref.id;
  }
  return "";
}

json Resources(const core::Scope& scope, const std::string& key_id) {
  if (key_id.empty()) return json::array();
  return json::array({{{"accountId", scope.account}, {"type", "AWS::KMS::Key"}, {"ARN", core::KeyArn(scope, key_id)}}});
}

}  // namespace

json RedactedCopy(const json& body) {
  json out = json::object();
  if (!body.is_object()) return out;
  for (const auto& [k, v] : body.items()) {
    if (!Unaudited(k)) out[k] = v;
  }
  return out;
}

bool IsCryptographicOperation(std::string_view op) {
  static constexpr std::array<std::string_view, 14> kCrypto = {
      "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
      "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateRandom", "Sign",
      "Verify", "GenerateMac", "VerifyMac", "DeriveSharedSecret", "GetPublicKey"};
  for (auto c : kCrypto) {
    if (c == op) return true;
  }
  return false;
}

bool IsReadOnlyOperation(std::string_view op) {
  return op.rfind("Describe", 0) == 0 || op.rfind("List", 0) == 0 || op.rfind("Get", 0) == 0;
}

std::string KeyIdOfCall(const json& request, const json* response) {
  if (response && response->is_object()) {
    if (auto it = response->find("KeyMetadata"); it != response->end() && it->is_object()) {
      if (auto id = it->find("KeyId"); id != it->end() && id->is_string()) return id->get<std::string>();
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

core::AuditEvent ApiCallEvent(const ApiCallSnapshot& call, const std::string& event_id) {
  const core::Scope& scope = call.ctx.scope;
  std::string access_key = call.ctx.access_key_id.empty() ? "ANONYMOUS" : call.ctx.access_key_id;
  bool read_only = IsReadOnlyOperation(call.operation);
  json record = {
      {"eventVersion", "1.08"},
      {"userIdentity",
       {{"type", "IAMUser"},
        {"principalId", access_key},
        {"arn", "arn:aws:iam::" + scope.account + ":user/rotor"},
        {"accountId", scope.account},
        {"accessKeyId", access_key}}},
      {"eventTime", IsoSeconds(call.ctx.now)},
      {"eventSource", "kms.amazonaws.com"},
      {"eventName", call.operation},
      {"awsRegion", scope.region},
      {"sourceIPAddress", call.ctx.source_ip},
      {"userAgent", call.ctx.user_agent},
      {"requestParameters", call.request.empty() ? json(nullptr) : Camelized(call.request)},
      {"responseElements", call.response.is_null() ? json(nullptr) : Camelized(call.response)},
      {"requestID", call.ctx.request_id},
      {"eventID", event_id},
      {"readOnly", read_only},
      {"resources", Resources(scope, call.key_id)},
      {"eventType", "AwsApiCall"},
      {"managementEvent", true},
      {"recipientAccountId", scope.account},
      {"eventCategory", "Management"},
  };
  if (!call.error_code.empty()) {
    record["errorCode"] = call.error_code;
    record["errorMessage"] = call.error_message;
  }
  return {event_id, call.ctx.now, call.operation, "AwsApiCall", scope, call.key_id, call.error_code,
          WriteJsonText(record)};
}

core::AuditEvent ServiceEventRecord(const core::ServiceEvent& e, const std::string& event_id) {
  json details = {{"detail", e.detail}};
  if (e.name == "RotateKey") {
    // detail is "<AUTOMATIC|ON_DEMAND> <KeyMaterialId>"
    size_t space = e.detail.find(' ');
    details = {{"rotationType", e.detail.substr(0, space)},
               {"keyMaterialId", space == std::string::npos ? "" : e.detail.substr(space + 1)}};
  }
  json record = {
      {"eventVersion", "1.08"},
      {"userIdentity", {{"accountId", e.scope.account}, {"invokedBy", "kms.amazonaws.com"}}},
      {"eventTime", IsoSeconds(e.time)},
      {"eventSource", "kms.amazonaws.com"},
      {"eventName", e.name},
      {"awsRegion", e.scope.region},
      {"sourceIPAddress", "kms.amazonaws.com"},
      {"userAgent", "kms.amazonaws.com"},
      {"requestParameters", nullptr},
      {"responseElements", nullptr},
      {"additionalEventData", details},
      {"eventID", event_id},
      {"readOnly", false},
      {"resources", Resources(e.scope, e.key_id)},
      {"eventType", "AwsServiceEvent"},
      {"managementEvent", true},
      {"recipientAccountId", e.scope.account},
      {"serviceEventDetails", details},
      {"eventCategory", "Management"},
  };
  return {event_id, e.time, e.name, "AwsServiceEvent", e.scope, e.key_id, "", WriteJsonText(record)};
}

}  // namespace rotor::server
