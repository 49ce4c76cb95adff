#include "server/wire/router.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "front_fixture.h"
#include "server/wire/sigv4.h"

using namespace rotor;
using nlohmann::json;

namespace {

struct RouterFixture : rotor::testing::FrontFixture {
  json CallJson(const std::string& op, const json& body, const std::string& auth = "") {
    return json::parse(Call(op, body.dump(), auth).body());
  }
};

const std::string kAuth =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/kms/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc";

}  // namespace

TEST_CASE("Responses carry AWS's content type and a request id") {
  RouterFixture f;
  auto res = f.Call("CreateKey", "{}");
  CHECK(res.result_int() == 200);
  CHECK(res[server::http::field::content_type] == "application/x-amz-json-1.1");
  CHECK(res["x-amzn-RequestId"].size() == 36);
  CHECK(json::parse(res.body())["KeyMetadata"]["KeyState"] == "Enabled");
}

TEST_CASE("Protocol errors: unknown operation, bad JSON, wrong member types, deep nesting") {
  RouterFixture f;
  auto unknown = f.Call("DoesNotExist", "{}");
  CHECK(unknown.result_int() == 400);
  CHECK(json::parse(unknown.body())["__type"] == "UnknownOperationException");
  CHECK(json::parse(f.Call("CreateKey", "{not json").body())["__type"] == "SerializationException");
  CHECK(json::parse(f.Call("CreateKey", "[1]").body())["__type"] == "SerializationException");
  CHECK(json::parse(f.Call("CreateKey", R"({"Description": 5})").body())["__type"] ==
        "SerializationException");
  CHECK(
      json::parse(f.Call("GenerateRandom", R"({"NumberOfBytes": 99999999999})").body())["__type"] ==
      "SerializationException");
  CHECK(json::parse(f.Call("GenerateRandom", R"({"NumberOfBytes": 1.5})").body())["__type"] ==
        "SerializationException");
  std::string deep(10000, '[');
  CHECK(json::parse(f.Call("CreateKey", deep).body())["__type"] == "SerializationException");
  CHECK(json::parse(f.Call("Encrypt", R"({"KeyId":"k","Plaintext":"%%%"})").body())["__type"] ==
        "SerializationException");
}

TEST_CASE("Validation errors use AWS's wording, member names and counts") {
  RouterFixture f;
  CHECK(f.CallJson("GenerateRandom", {{"NumberOfBytes", 0}})["message"] ==
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1");
  CHECK(
      f.CallJson("GenerateRandom", {{"NumberOfBytes", 1025}})["message"] ==
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: "
      "Member must have value less than or equal to 1024");
  CHECK(f.CallJson("GenerateRandom", json::object())["message"] == "NumberOfBytes is required.");
  json bad_usage = f.CallJson("CreateKey", {{"KeyUsage", "RANDOM"}});
  CHECK(bad_usage["__type"] == "ValidationException");
  CHECK(bad_usage["message"] ==
        "1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: "
        "Member must satisfy enum value set: [SIGN_VERIFY, ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC, "
        "KEY_AGREEMENT]");
  json long_tag =
      f.CallJson("CreateKey", {{"Tags", {{{"TagKey", std::string(129, 'k')}, {"TagValue", ""}}}}});
  CHECK(long_tag["message"] ==
        "1 validation error detected: Value '" + std::string(129, 'k') +
            "' at 'tags.1.member.tagKey' failed to satisfy constraint: Member "
            "must have length less than or equal to 128");
  std::string big(4097, 'x');
  json too_big = f.CallJson(
      "Encrypt", {{"KeyId", "alias/x"},
                  {"Plaintext",
                   core::Base64Encode(reinterpret_cast<const uint8_t*>(big.data()), big.size())}});
  CHECK(
      too_big["message"] ==
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must "
      "have length less than or equal to 4096");
  json two = f.CallJson("EnableKeyRotation", {{"KeyId", ""}, {"RotationPeriodInDays", 89}});
  CHECK(
      two["message"] ==
      "2 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member must "
      "have length greater than or equal to 1; Value '89' at 'rotationPeriodInDays' failed to "
      "satisfy constraint: Member must have value greater than or equal to 90");
  json missing = f.CallJson("DescribeKey", json::object());
  CHECK(missing["message"] ==
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member "
        "must not be null");
  json alias = f.CallJson("CreateAlias", {{"AliasName", "alias/has space"}, {"TargetKeyId", "x"}});
  CHECK(alias["message"] ==
        "1 validation error detected: Value 'alias/has space' at 'aliasName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
}

TEST_CASE("Errors without an AWS message carry only __type") {
  RouterFixture f;
  json key = f.CallJson("CreateKey", json::object());
  std::string blob(60, 'A');
  json r = f.CallJson("Decrypt", {{"CiphertextBlob", blob}});
  CHECK(r["__type"] == "InvalidCiphertextException");
  CHECK_FALSE(r.contains("message"));
}

TEST_CASE("The SigV4 credential picks account and region") {
  auto cred = server::wire::ParseAuthorization(kAuth);
  REQUIRE(cred);
  CHECK(cred->access_key_id == "AKIDEXAMPLE");
  CHECK(cred->region == "eu-west-1");
  auto scope = server::wire::ScopeFor(cred, "111122223333", "us-east-1");
  CHECK(scope == core::Scope{"111122223333", "eu-west-1"});
  auto numeric = server::wire::ParseAuthorization(
      "AWS4-HMAC-SHA256 Credential=123456789012/20260101/us-west-2/kms/aws4_request, Signature=x");
  CHECK(server::wire::ScopeFor(numeric, "111122223333", "us-east-1") ==
        core::Scope{"123456789012", "us-west-2"});
  CHECK_FALSE(server::wire::ParseAuthorization(""));
  CHECK_THROWS(server::wire::ParseAuthorization("garbage"));
  CHECK_THROWS(server::wire::ParseAuthorization("AWS4-HMAC-SHA256 Credential=a/b, Signature=x"));
}

TEST_CASE("Keys created in one region are NotFoundException in another") {
  RouterFixture f;
  std::string id = f.CallJson("CreateKey", json::object(), kAuth)["KeyMetadata"]["KeyId"];
  CHECK(f.CallJson("DescribeKey", {{"KeyId", id}}, kAuth)["KeyMetadata"]["Arn"] ==
        "arn:aws:kms:eu-west-1:111122223333:key/" + id);
  json other = f.CallJson("DescribeKey", {{"KeyId", id}});
  CHECK(other["__type"] == "NotFoundException");
  CHECK(other["message"] ==
        "Key 'arn:aws:kms:us-east-1:111122223333:key/" + id + "' does not exist");
}

TEST_CASE("Operations of the model that Rotor lacks say so instead of pretending") {
  RouterFixture f;
  json r = f.CallJson("CreateCustomKeyStore", {{"CustomKeyStoreName", "x"}});
  CHECK(r["__type"] == "UnsupportedOperationException");
}

TEST_CASE("The virtual clock moves forward through the admin endpoint and fires rotations") {
  RouterFixture f;
  std::string id = f.CallJson("CreateKey", json::object())["KeyMetadata"]["KeyId"];
  f.CallJson("EnableKeyRotation", {{"KeyId", id}, {"RotationPeriodInDays", 90}});
  auto res = f.Admin(server::http::verb::post, "/_rotor/clock", R"({"advance":"91d"})");
  REQUIRE(res.result_int() == 200);
  json body = json::parse(res.body());
  REQUIRE(body["fired"].size() == 1);
  CHECK(body["fired"][0]["event"] == "RotateKey");
  CHECK(body["fired"][0]["keyId"] == id);
  CHECK(body["fired"][0]["rotationType"] == "AUTOMATIC");
  REQUIRE(body["fired"][0]["keyMaterialIds"].size() == 1);
  CHECK(body["fired"][0]["detail"] ==
        "AUTOMATIC " + body["fired"][0]["keyMaterialIds"][0].get<std::string>());
  CHECK(f.Admin(server::http::verb::post, "/_rotor/clock", R"({"set":"2025-01-01T00:00:00Z"})")
            .result_int() == 400);
  CHECK(f.Admin(server::http::verb::post, "/_rotor/clock", R"({"advance":"soon"})").result_int() ==
        400);
  CHECK(f.Admin(server::http::verb::post, "/_rotor/clock", R"({"advance":"1d"})", false)
            .result_int() == 403);
  CHECK(f.CallJson("ListKeyRotations", {{"KeyId", id}})["Rotations"].size() == 1);
  CHECK(f.Admin(server::http::verb::post, "/_rotor/reset", "").result_int() == 200);
  CHECK(f.CallJson("DescribeKey", {{"KeyId", id}})["__type"] == "NotFoundException");
}

TEST_CASE("Admin endpoints refuse foreign origins and non-loopback clients without the token") {
  RouterFixture f;
  auto request = [&](const std::string& origin, const std::string& token, bool loopback,
                     server::admin::AdminEndpoints& admin) {
    server::http::HttpRequest req{server::http::verb::post, "/_rotor/clock", 11};
    req.set(server::http::field::host, "127.0.0.1:4599");
    if (!origin.empty()) req.set(server::http::field::origin, origin);
    if (!token.empty()) req.set("X-Rotor-Admin-Token", token);
    req.body() = R"({"advance":"1s"})";
    req.prepare_payload();
    return admin.Handle(req, {"10.1.2.3", loopback}).result_int();
  };
  CHECK(request("", "", true, f.admin) == 200);
  CHECK(request("http://127.0.0.1:4599", "", true, f.admin) == 200);  // the dashboard itself
  CHECK(request("http://evil.example", "", true, f.admin) == 403);
  CHECK(request("", "", false, f.admin) == 403);
  server::admin::AdminEndpoints with_token(f.service, f.inventory, f.clock, &f.clock, nullptr,
                                           {"s3cret", "test"});
  CHECK(request("", "s3cret", false, with_token) == 200);
  CHECK(request("", "wrong!", false, with_token) == 403);
  CHECK(request("", "", true, with_token) == 200);  // loopback needs no token
  server::http::HttpRequest ui{server::http::verb::get, "/_rotor/ui", 11};
  CHECK(with_token.Handle(ui, {"10.1.2.3", false}).result_int() == 200);  // static files are public
}
