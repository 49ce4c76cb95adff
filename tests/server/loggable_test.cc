// What of a KMS call reaches a log (server/wire/loggable.h): the members the
// botocore model defines for the operation, matched exactly and at every
// depth, never the row's never-logged members nor any sensitive or blob value.
#include "server/wire/loggable.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace rotor::server::wire;
using nlohmann::json;

namespace {

// What AppendLoggableRequest writes, read back.
json Request(std::string_view op, const json& body) {
  const OperationEntry* row = FindOperation(op);
  REQUIRE(row);
  std::string text = "prefix ";
  size_t members = AppendLoggableRequest(text, *row, body, {});
  REQUIRE(text.starts_with("prefix "));
  json kept = json::parse(text.substr(7));
  CHECK(members == kept.size());
  return kept;
}

json Response(std::string_view op, const json& response) {
  std::string text;
  AppendLoggableResponse(text, *FindOperation(op), response, {});
  return json::parse(text);
}

}  // namespace

TEST_CASE("Only modeled request members are logged, never secret ones nor miscased ones") {
  json ctx = {{"Department", "Finance"}, {"plaintext", "context values are data"}};
  CHECK(Request("Encrypt", {{"KeyId", "alias/a"},
                            {"Plaintext", "c2VjcmV0"},
                            {"plaintext", "c2VjcmV0"},
                            {"PLAINTEXT", "c2VjcmV0"},
                            {"keyId", "alias/b"},
                            {"Unknown", {{"Plaintext", "c2VjcmV0"}}},
                            {"EncryptionContext", ctx}}) ==
        json{{"KeyId", "alias/a"}, {"EncryptionContext", ctx}});
  CHECK(Request("Decrypt", {{"CiphertextBlob", "AAAA"},
                            {"Recipient", {{"KeyEncryptionAlgorithm", "RSAES_OAEP_SHA_256"}}},
                            {"DryRun", true}}) == json{{"DryRun", true}});
  CHECK(Request("ImportKeyMaterial", {{"KeyId", "k"},
                                      {"ImportToken", "AAAA"},
                                      {"EncryptedKeyMaterial", "AAAA"},
                                      {"ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE"}}) ==
        json{{"KeyId", "k"}, {"ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE"}});
}

TEST_CASE("Nested members follow the model too: list elements, structures, map values") {
  json tags = json::array({{{"TagKey", "Team"}, {"TagValue", "A"}, {"tagValue", "secret"}},
                           {{"TagKey", "Env"}, {"TagValue", "dev"}}});
  CHECK(Request("CreateKey", {{"Description", "d"}, {"Tags", tags}}) ==
        json{{"Description", "d"},
             {"Tags", json::array({{{"TagKey", "Team"}, {"TagValue", "A"}},
                                   {{"TagKey", "Env"}, {"TagValue", "dev"}}})}});
  // A value whose JSON type cannot be the member's shape is left out: a
  // structure where the model has a string, a string where it has a list.
  CHECK(Request("DescribeKey", {{"KeyId", {{"Plaintext", "c2VjcmV0"}}}, {"GrantTokens", "t"}}) ==
        json::object());
  // Scalars of the wrong scalar type stay (they fail validation, and are what was sent).
  CHECK(Request("DescribeKey", {{"KeyId", 5}}) == json{{"KeyId", 5}});
  // A map's keys are the caller's data, its values follow the value shape.
  CHECK(Request("Encrypt", {{"EncryptionContext", {{"a", "1"}, {"b", {{"x", "y"}}}}}}) ==
        json{{"EncryptionContext", {{"a", "1"}}}});
}

TEST_CASE("A body that is not an object logs nothing, responses follow the output shape") {
  CHECK(Request("Encrypt", json::array({1, 2})) == json::object());
  CHECK(Request("Encrypt", nullptr) == json::object());
  json response = {{"KeyMetadata", {{"KeyId", "k"}, {"Arn", "arn"}, {"Secret", "x"}}},
                   {"Extra", 1}};
  CHECK(Response("CreateKey", response) == json{{"KeyMetadata", {{"KeyId", "k"}, {"Arn", "arn"}}}});
  CHECK(Response("GenerateDataKey",
                 {{"KeyId", "k"}, {"Plaintext", "AAAA"}, {"CiphertextBlob", "AAAA"}}) ==
        json{{"KeyId", "k"}});
}

static bool IsContext(std::string_view member) { return member == "EncryptionContext"; }

TEST_CASE(
    "Written in one pass: lowerCamel names but inside the caller's maps, more members left out") {
  const OperationEntry* encrypt = FindOperation("Encrypt");
  json body = {{"KeyId", "alias/a"},
               {"Plaintext", "c2VjcmV0"},
               {"GrantTokens", {"t"}},
               {"EncryptionContext", {{"Department", "Finance"}, {"Nested", {{"A", "b"}}}}}};
  constexpr std::string_view kOmit[] = {"GrantTokens"};
  std::string text;
  CHECK(AppendLoggableRequest(text, *encrypt, body, {kOmit, true, IsContext}) == 2);
  CHECK(text == R"({"encryptionContext":{"Department":"Finance"},"keyId":"alias/a"})");
  text.clear();
  CHECK(AppendLoggableRequest(text, *encrypt, body, {{}, true, nullptr}) == 3);
  CHECK(text ==
        R"({"encryptionContext":{"department":"Finance"},"grantTokens":["t"],"keyId":"alias/a"})");
  text.clear();
  CHECK(AppendLoggableRequest(text, *encrypt, json::array(), {kOmit, true, IsContext}) == 0);
  CHECK(text == "{}");
  // Lists of structures: each element's members by the element's shape.
  text.clear();
  CHECK(AppendLoggableRequest(text, *FindOperation("CreateKey"),
                              {{"Tags", {{{"TagKey", "T"}, {"TagValue", "v"}, {"X", 1}}}}},
                              {{}, true, nullptr}) == 1);
  CHECK(text == R"({"tags":[{"tagKey":"T","tagValue":"v"}]})");
}

TEST_CASE("A request member a log may read: modeled, not secret, of its shape's type") {
  const OperationEntry* encrypt = FindOperation("Encrypt");
  json body = {{"KeyId", "alias/a"}, {"Plaintext", "c2VjcmV0"}, {"SourceKeyId", "alias/b"}};
  const json* key = LoggableRequestMember(*encrypt, body, "KeyId");
  REQUIRE(key);
  CHECK(*key == "alias/a");
  CHECK(LoggableRequestMember(*encrypt, body, "Plaintext") == nullptr);    // secret
  CHECK(LoggableRequestMember(*encrypt, body, "SourceKeyId") == nullptr);  // not Encrypt's
  CHECK(LoggableRequestMember(*encrypt, {{"KeyId", {{"a", 1}}}}, "KeyId") == nullptr);
  CHECK(LoggableRequestMember(*FindOperation("ReEncrypt"), body, "SourceKeyId") != nullptr);
}
