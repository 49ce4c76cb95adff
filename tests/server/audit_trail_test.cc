// The audit trail's records (server/audit/cloudtrail_event.h) and the trail
// kept in memory (server/audit/audit_trail.h): what a call's record says, byte
// for byte, from the snapshot the request thread packs; and the ring of the
// newest events, oldest first, with the event ids of their arrival numbers.
#include "server/audit/audit_trail.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "server/audit/cloudtrail_event.h"
#include "server/wire/operation_table.h"

using namespace rotor;
using nlohmann::json;
using server::audit::ApiCallEvent;
using server::audit::AuditTrail;
using server::audit::SnapshotOf;

namespace {

const std::string kKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
const std::string kKeyArn = "arn:aws:kms:us-east-1:111122223333:key/" + kKeyId;

core::RequestContext Context(const std::string& request_id) {
  core::RequestContext ctx;
  ctx.scope = {"111122223333", "us-east-1"};
  ctx.now = core::Timestamp(std::chrono::milliseconds(1764590400700));  // 2025-12-01T12:00:00.700Z
  ctx.request_id = request_id;
  ctx.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  ctx.source_ip = "127.0.0.1";
  ctx.user_agent = "test-agent/1.0";
  return ctx;
}

// The record of one call as the trail builds it, with event id "ev".
std::string Record(const core::RequestContext& ctx, std::string_view operation, const json& request,
                   const json* response, std::string_view error_code = "",
                   std::string_view error_message = "",
                   const server::audit::AliasResolver& resolve_alias = {}) {
  server::wire::ApiCall call{ctx,          operation, server::wire::FindOperation(operation),
                             request,      response,  error_code,
                             error_message};
  return ApiCallEvent(SnapshotOf(call, resolve_alias), "ev").record;
}

const std::string kIdentity =
    R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AKIAIOSFODNN7EXAMPLE",)"
    R"("arn":"arn:aws:iam::111122223333:user/rotor","accountId":"111122223333",)"
    R"("accessKeyId":"AKIAIOSFODNN7EXAMPLE"},"eventTime":"2025-12-01T12:00:00Z",)"
    R"("eventSource":"kms.amazonaws.com",)";
const std::string kResources =
    R"("resources":[{"accountId":"111122223333","type":"AWS::KMS::Key","ARN":")" + kKeyArn +
    R"("}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333",)"
    R"("eventCategory":"Management"})";

}  // namespace

TEST_CASE("A cryptographic call's record: loggable members in lowerCamel, no response, no secret") {
  json request = {{"KeyId", "alias/app"},
                  {"Plaintext", "c2VjcmV0"},
                  {"EncryptionContext", {{"Department", "Finance"}}},
                  {"GrantTokens", {"token"}}};
  json response = {
      {"CiphertextBlob", "AAAA"}, {"KeyId", kKeyArn}, {"EncryptionAlgorithm", "SYMMETRIC_DEFAULT"}};
  CHECK(Record(Context("req-1"), "Encrypt", request, &response) ==
        kIdentity +
            R"("eventName":"Encrypt","awsRegion":"us-east-1","sourceIPAddress":"127.0.0.1",)"
            R"("userAgent":"test-agent/1.0","requestParameters":{"encryptionContext":)"
            R"({"Department":"Finance"},"keyId":"alias/app"},"responseElements":null,)"
            R"("requestID":"req-1","eventID":"ev","readOnly":false,)" +
            kResources);
}

TEST_CASE("A write's record logs its response, never a grant token, and an error names its code") {
  json request = {{"KeyId", kKeyId},
                  {"GranteePrincipal", "arn:aws:iam::111122223333:role/app"},
                  {"Operations", {"Decrypt"}}};
  json response = {{"GrantId", "g-1"}, {"GrantToken", "secret-token"}};
  CHECK(Record(Context("req-2"), "CreateGrant", request, &response) ==
        kIdentity +
            R"("eventName":"CreateGrant","awsRegion":"us-east-1","sourceIPAddress":"127.0.0.1",)"
            R"("userAgent":"test-agent/1.0","requestParameters":{"granteePrincipal":)"
            R"("arn:aws:iam::111122223333:role/app","keyId":")" +
            kKeyId +
            R"(","operations":["Decrypt"]},"responseElements":{"grantId":"g-1"},)"
            R"("requestID":"req-2","eventID":"ev","readOnly":false,)" +
            kResources);
  CHECK(Record(Context("req-3"), "DescribeKey", {{"KeyId", kKeyId}}, nullptr,
               "AccessDeniedException", "no \"access\"") ==
        kIdentity +
            R"("eventName":"DescribeKey","awsRegion":"us-east-1","sourceIPAddress":"127.0.0.1",)"
            R"("userAgent":"test-agent/1.0","errorCode":"AccessDenied",)"
            R"("errorMessage":"no \"access\"","requestParameters":{"keyId":")" +
            kKeyId +
            R"("},"responseElements":null,"requestID":"req-3","eventID":"ev",)"
            R"("readOnly":true,)" +
            kResources);
}

TEST_CASE("A failed call through an alias is on the timeline of the key the alias names then") {
  int asked = 0;
  server::audit::AliasResolver resolve = [&](const core::Scope& scope, const std::string& alias) {
    ++asked;
    CHECK(scope.account == "111122223333");
    return alias == "alias/app" ? kKeyId : std::string();
  };
  std::string record = Record(Context("req-4"), "Decrypt", {{"KeyId", "alias/app"}}, nullptr,
                              "InvalidCiphertextException", "", resolve);
  CHECK(asked == 1);
  CHECK(json::parse(record)["resources"][0]["ARN"] == kKeyArn);
  CHECK(json::parse(record)["requestParameters"] == json{{"keyId", "alias/app"}});
  // An unknown alias names no key; a call with nothing loggable logs null.
  record = Record(Context("req-5"), "Decrypt", {{"KeyId", "alias/none"}}, nullptr,
                  "NotFoundException", "", resolve);
  CHECK(json::parse(record)["resources"] == json::array());
  record = Record(Context("req-6"), "Decrypt", {{"CiphertextBlob", "AAAA"}}, nullptr,
                  "InvalidCiphertextException", "", resolve);
  CHECK(json::parse(record)["requestParameters"].is_null());
}

TEST_CASE("The key a record names: from a key ARN of the caller's scope or another, or a bare id") {
  json response = {{"CiphertextBlob", "AAAA"}, {"KeyId", kKeyArn}};
  auto resources = [](const std::string& record) { return json::parse(record)["resources"]; };
  json mine = resources(Record(Context("r"), "Encrypt", {{"KeyId", "alias/a"}}, &response));
  CHECK(mine[0]["ARN"] == kKeyArn);
  // Another account's key ARN (a cross-account call): the same id, read the long way.
  response["KeyId"] = "arn:aws:kms:us-east-1:444455556666:key/" + kKeyId;
  CHECK(resources(Record(Context("r"), "Encrypt", {{"KeyId", "alias/a"}}, &response))[0]["ARN"] ==
        kKeyArn);
  // Not a key: an alias ARN, a malformed id; then the request's bare id.
  response["KeyId"] = "arn:aws:kms:us-east-1:111122223333:alias/a";
  CHECK(resources(Record(Context("r"), "Encrypt", {{"KeyId", "alias/a"}}, &response)).empty());
  response["KeyId"] = "arn:aws:kms:us-east-1:111122223333:key/" + kKeyId.substr(1);
  CHECK(resources(Record(Context("r"), "Encrypt", {{"KeyId", kKeyId}}, &response))[0]["ARN"] ==
        kKeyArn);
}

TEST_CASE("The trail kept in memory holds the newest events, oldest first, with their ids") {
  AuditTrail trail(3, {});
  json request = {{"KeyId", kKeyId}};
  for (int i = 1; i <= 7; ++i) {
    core::RequestContext ctx = Context("req-" + std::to_string(i));
    server::wire::ApiCall call{
        ctx, "DescribeKey", server::wire::FindOperation("DescribeKey"), request, nullptr, "", ""};
    trail.OnApiCall(call);
  }
  core::ServiceEvent rotated;
  rotated.scope = {"111122223333", "us-east-1"};
  rotated.key_id = kKeyId;
  rotated.time = Context("").now;
  rotated.rotation_type = core::RotationType::kAutomatic;
  rotated.key_material_ids = {std::string(64, 'a')};
  trail.OnServiceEvent(rotated);

  std::vector<core::AuditEvent> events = trail.Query({});
  REQUIRE(events.size() == 3);
  CHECK(json::parse(events[0].record)["requestID"] == "req-6");
  CHECK(json::parse(events[1].record)["requestID"] == "req-7");
  CHECK(events[2].event_name == "RotateKey");
  CHECK(events[2].event_type == "AwsServiceEvent");
  // Event ids: the arrival number (0-based) in the last 48 bits.
  CHECK(events[0].event_id.substr(24) == "000000000005");
  CHECK(events[2].event_id.substr(24) == "000000000007");
  CHECK(events[0].event_id.substr(0, 24) == events[2].event_id.substr(0, 24));

  core::AuditQuery by_name;
  by_name.event_name = "DescribeKey";
  by_name.limit = 1;
  events = trail.Query(by_name);
  REQUIRE(events.size() == 1);
  CHECK(json::parse(events[0].record)["requestID"] == "req-7");

  trail.Clear();
  CHECK(trail.Query({}).empty());
  core::RequestContext ctx = Context("req-8");
  trail.OnApiCall(
      {ctx, "DescribeKey", server::wire::FindOperation("DescribeKey"), request, nullptr, "", ""});
  events = trail.Query({});
  REQUIRE(events.size() == 1);
  CHECK(events[0].event_id.substr(24) == "000000000008");
  CHECK(trail.written() == 9);
}
