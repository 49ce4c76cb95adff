// Injected faults through the admin API and the KMS API's router: rules from
// JSON, validated against the KMS model, applied before any state change.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "front_fixture.h"
#include "server/wire/fault_rule_json.h"
#include "server/wire/kms_model.h"

using namespace rotor;
using nlohmann::json;
namespace http = server::http;

namespace {

struct FaultFixture : rotor::testing::FrontFixture {
  http::HttpResponse Kms(const std::string& op, const json& body, http::Hold* hold = nullptr) {
    return Call(op, body.dump(), "", true, hold);
  }
};

}  // namespace

TEST_CASE("Every error shape of the KMS model has a row in core's error table") {
  for (const std::string& name : server::wire::KmsModel::Embedded().Errors()) {
    INFO(name);
    std::optional<core::ErrorCode> code = core::ErrorCodeNamed(name);
    REQUIRE(code.has_value());
    CHECK(core::ErrorName(*code) == name);
  }
  CHECK(server::wire::KmsModel::Embedded().Errors().size() >= 40);
  // The model's faults (retryable server errors) are 500s.
  for (const char* fault :
       {"KMSInternalException", "DependencyTimeoutException", "KeyUnavailableException"}) {
    CHECK(core::HttpStatus(*core::ErrorCodeNamed(fault)) == 500);
  }
  CHECK(core::HttpStatus(*core::ErrorCodeNamed("ThrottlingException")) == 400);
}

TEST_CASE("Fault rules from JSON: errors by model name, AWS's default wording, YAML strings") {
  core::FaultRule r = server::wire::FaultRuleFromJson(json::parse(
      R"({"match":{"operations":["Encrypt"]},"action":{"error":"ThrottlingException"},
          "frequency":{"probability":0.3,"seed":7}})"));
  CHECK(r.action.error == core::ErrorCode::kThrottling);
  CHECK(r.action.message ==
        "You have exceeded the rate at which you may call KMS. Reduce the frequency of your "
        "calls.");
  CHECK(r.frequency.kind == core::FaultFrequencyKind::kProbability);
  CHECK(r.frequency.seed == 7);

  // A seed file's YAML hands every scalar over as a string.
  r = server::wire::FaultRuleFromJson(
      json::parse(R"({"action":{"delay":"1500ms"},"frequency":{"next":"3"}})"));
  CHECK(r.action.kind == core::FaultKind::kDelay);
  CHECK(r.action.delay == core::Millis(1500));
  CHECK(r.frequency.count == 3);
  r = server::wire::FaultRuleFromJson(json::parse(R"({"action":{"drop":"true"}})"));
  CHECK(r.action.kind == core::FaultKind::kDrop);

  auto refused = [](const char* text) {
    try {
      server::wire::FaultRuleFromJson(json::parse(text));
    } catch (const core::KmsError& e) {
      CHECK(e.code() == core::ErrorCode::kValidation);
      return e.message();
    }
    return std::string("accepted");
  };
  CHECK(refused(R"({"action":{"error":"NoSuchException"}})") ==
        "action.error: NoSuchException is not an error of the KMS model (nor "
        "ThrottlingException)");
  // In core's table for Rotor's own surfaces, but not an error of the model.
  CHECK(refused(R"({"action":{"error":"ClockException"}})").starts_with("action.error:"));
  CHECK(refused(R"({"match":{"operations":["Encrypts"]},"action":{"drop":true}})") ==
        "match.operations: Encrypts is not an operation of the KMS model");
  CHECK(refused(R"({"action":{"drop":true,"delay":"1s"}})") ==
        "action must have exactly one of error, delay and drop");
  CHECK(refused(R"({"action":{"delay":"11m"}})").starts_with("action.delay"));
  CHECK(refused(R"({"action":{"drop":true},"frequency":{"probability":1.5}})") ==
        "frequency.probability must be between 0 and 1");
  CHECK(refused(R"({"action":{"drop":true},"frequency":{"from":"2026-01-02T00:00:00Z",
                   "until":"2026-01-01T00:00:00Z"}})") ==
        "frequency.from must be before frequency.until");
  CHECK(refused(R"({"action":{"drop":true},"frequency":{"next":3,"probability":0.5}})")
            .starts_with("frequency must be one of"));
}

TEST_CASE("POST /_rotor/faults adds a rule, GET lists it with counts, DELETE removes") {
  FaultFixture f;
  auto added = f.Admin(http::verb::post, "/_rotor/faults",
                       R"({"match":{"operations":["CreateKey"]},
                           "action":{"error":"KMSInternalException"}})");
  REQUIRE(added.result() == http::status::ok);
  json rule = json::parse(added.body());
  CHECK(rule["id"] == "fault-1");
  CHECK(rule["action"]["status"] == 500);

  // The faulted CreateKey answers AWS's error and creates nothing.
  auto res = f.Kms("CreateKey", json::object());
  CHECK(res.result_int() == 500);
  json err = json::parse(res.body());
  CHECK(err["__type"] == "KMSInternalException");
  CHECK(err["message"] ==
        "The request was rejected because an internal exception occurred. The request can be "
        "retried.");
  CHECK(json::parse(f.Kms("ListKeys", json::object()).body())["Keys"].empty());

  json listed = json::parse(f.Admin(http::verb::get, "/_rotor/faults").body());
  REQUIRE(listed["faults"].size() == 1);
  CHECK(listed["faults"][0]["fired"] == 1);
  CHECK(listed["faults"][0]["matched"] == 1);

  CHECK(f.Admin(http::verb::delete_, "/_rotor/faults/fault-9").result() == http::status::not_found);
  CHECK(f.Admin(http::verb::delete_, "/_rotor/faults/fault-1").result() == http::status::ok);
  CHECK(f.Kms("CreateKey", json::object()).result() == http::status::ok);

  CHECK(f.Admin(http::verb::post, "/_rotor/faults", R"({"action":{"drop":true}})").result() ==
        http::status::ok);
  CHECK(json::parse(f.Admin(http::verb::delete_, "/_rotor/faults").body())["removed"] == 1);
  CHECK(json::parse(f.Admin(http::verb::get, "/_rotor/faults").body())["faults"].empty());

  auto bad = f.Admin(http::verb::post, "/_rotor/faults", R"({"action":{"error":"Nope"}})");
  CHECK(bad.result() == http::status::bad_request);
  CHECK(json::parse(bad.body())["__type"] == "ValidationException");
}

TEST_CASE("A delay or a drop is handed to the transport before the handler runs") {
  FaultFixture f;
  core::FaultRule delay;
  delay.match.operations = {"CreateKey"};
  delay.action.kind = core::FaultKind::kDelay;
  delay.action.delay = core::Millis(300);
  f.faults.Add(delay);

  http::Hold hold;
  f.Kms("CreateKey", json::object(), &hold);
  CHECK_FALSE(hold.drop);
  CHECK(hold.delay == core::Millis(300));
  REQUIRE(hold.resume);
  // Nothing is created until the transport resumes the request.
  CHECK(json::parse(f.Kms("ListKeys", json::object()).body())["Keys"].empty());
  http::HttpResponse res = hold.resume();
  CHECK(res.result() == http::status::ok);
  CHECK(json::parse(f.Kms("ListKeys", json::object()).body())["Keys"].size() == 1);

  f.faults.Clear();
  core::FaultRule drop;
  drop.action.kind = core::FaultKind::kDrop;
  f.faults.Add(drop);
  http::Hold dropped;
  f.Kms("CreateKey", json::object(), &dropped);
  CHECK(dropped.drop);
  CHECK(json::parse(f.Kms("ListKeys", json::object()).body())["Keys"].size() == 1);
}

TEST_CASE("A rule naming a key id meets requests naming it by key ARN, alias name or alias ARN") {
  FaultFixture f;
  std::string key_id =
      json::parse(f.Kms("CreateKey", json::object()).body())["KeyMetadata"]["KeyId"];
  std::string other =
      json::parse(f.Kms("CreateKey", json::object()).body())["KeyMetadata"]["KeyId"];
  REQUIRE(f.Kms("CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", key_id}}).result() ==
          http::status::ok);
  REQUIRE(f.Kms("CreateAlias", {{"AliasName", "alias/other"}, {"TargetKeyId", other}}).result() ==
          http::status::ok);
  core::FaultRule rule;
  rule.match.operations = {"Encrypt"};
  rule.match.key = key_id;
  rule.action.error = core::ErrorCode::kKeyUnavailable;
  f.faults.Add(rule);

  auto status_of = [&](const std::string& named) {
    return f.Kms("Encrypt", {{"KeyId", named}, {"Plaintext", "eA=="}}).result_int();
  };
  const std::string arn_prefix = "arn:aws:kms:us-east-1:111122223333:";
  for (const std::string& named :
       {key_id, arn_prefix + "key/" + key_id, std::string("alias/app"), arn_prefix + "alias/app"}) {
    INFO(named);
    CHECK(status_of(named) == 500);
  }
  // Another key, its alias, an alias naming nothing and an alias ARN of another
  // Region are not matched (the last two answer their own NotFoundException).
  CHECK(status_of(other) == 200);
  CHECK(status_of("alias/other") == 200);
  CHECK(status_of("alias/nothing") == 400);
  CHECK(status_of("arn:aws:kms:eu-west-1:111122223333:alias/app") == 400);
  std::vector<core::FaultRuleStatus> listed = f.faults.List();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].fired == 4);
  CHECK(listed[0].matched == 4);

  // The alias is read when the request arrives: moved to the other key, it
  // meets a rule naming that key instead.
  REQUIRE(f.Kms("UpdateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", other}}).result() ==
          http::status::ok);
  CHECK(status_of("alias/app") == 200);
}

TEST_CASE("KmsService::PeekKey reads a key by any of its names and creates nothing") {
  FaultFixture f;
  std::string key_id =
      json::parse(f.Kms("CreateKey", json::object()).body())["KeyMetadata"]["KeyId"];
  REQUIRE(f.Kms("CreateAlias", {{"AliasName", "alias/app"}, {"TargetKeyId", key_id}}).result() ==
          http::status::ok);
  core::RequestContext ctx;
  ctx.scope = core::Scope{"111122223333", "us-east-1"};
  const std::string arn_prefix = "arn:aws:kms:us-east-1:111122223333:";
  for (const std::string& named :
       {key_id, arn_prefix + "key/" + key_id, std::string("alias/app"), arn_prefix + "alias/app"}) {
    INFO(named);
    std::shared_ptr<const core::Key> key = f.service.PeekKey(ctx, named);
    REQUIRE(key);
    CHECK(key->id == key_id);
  }
  CHECK_FALSE(f.service.PeekKey(ctx, "alias/nothing"));
  CHECK_FALSE(f.service.PeekKey(ctx, "not a key"));
  CHECK_FALSE(f.service.PeekKey(ctx, "arn:aws:kms:eu-west-1:111122223333:key/" + key_id));
  // A predefined alias whose AWS managed key does not exist yet stays so.
  CHECK_FALSE(f.service.PeekKey(ctx, "alias/aws/ebs"));
  CHECK(json::parse(f.Kms("ListKeys", json::object()).body())["Keys"].size() == 1);
}
