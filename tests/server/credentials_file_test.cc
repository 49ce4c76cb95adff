#include "server/seed/credentials_file.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/seed.h"

using rotor::server::seed::ParseCredentialsText;

TEST_CASE("A credentials file lists access keys and the principals they sign as") {
  auto keys = ParseCredentialsText(R"(
credentials:
  - access_key_id: AKIAAPPEXAMPLE000001
    secret_access_key: app-secret
    account: "111122223333"
    principal: arn:aws:iam::111122223333:user/app
    identity_policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: kms:Encrypt
          Resource: "*"
  - access_key_id: ASIABATCHEXAMPLE0001
    secret_access_key: batch-secret
    session_token: batch-token
    principal: arn:aws:sts::444455556666:assumed-role/batch/nightly
    principal_id: AROABATCHEXAMPLE:nightly
)",
                                   true, "creds.yaml");
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].access_key_id == "AKIAAPPEXAMPLE000001");
  CHECK(keys[0].secret_access_key == "app-secret");
  CHECK(keys[0].principal.arn == "arn:aws:iam::111122223333:user/app");
  REQUIRE(keys[0].principal.identity_policy);
  auto policy = nlohmann::json::parse(*keys[0].principal.identity_policy);
  CHECK(policy["Statement"][0]["Action"] == "kms:Encrypt");
  CHECK(keys[1].session_token == "batch-token");
  CHECK(keys[1].principal.principal_id == "AROABATCHEXAMPLE:nightly");
  CHECK(keys[1].principal.account == "444455556666");
  CHECK_FALSE(keys[1].principal.identity_policy);

  auto json_keys = ParseCredentialsText(
      R"({"credentials":[{"access_key_id":"A1","secret_access_key":"s","principal":"arn:aws:iam::111122223333:root",
          "identity_policy":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}]})",
      false, "creds.json");
  REQUIRE(json_keys.size() == 1);
  CHECK(json_keys[0].principal.type == rotor::core::PrincipalType::kRoot);
  CHECK(*json_keys[0].principal.identity_policy == R"({"Statement":[],"Version":"2012-10-17"})");
}

TEST_CASE("A credentials file's mistakes are refused, naming the entry") {
  auto refused = [](const std::string& text) {
    try {
      ParseCredentialsText(text, true, "c.yaml");
    } catch (const rotor::core::SeedError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refused("keys: []") == "c.yaml: the top level must be a mapping with a credentials list");
  CHECK(
      refused(
          "credentials:\n  - access_key_id: A\n    principal: arn:aws:iam::111122223333:root\n") ==
      "c.yaml: credentials[0]: secret_access_key is required");
  CHECK(refused("credentials:\n  - access_key_id: A\n    secret_access_key: s\n    principal: "
                "arn:aws:iam::1:root\n")
            .starts_with("c.yaml: credentials[0]: principal arn:aws:iam::1:root is not"));
  CHECK(refused("credentials:\n  - access_key_id: A\n    secret_access_key: s\n    principal: "
                "arn:aws:iam::111122223333:root\n    account: \"999999999999\"\n") ==
        "c.yaml: credentials[0]: account 999999999999 is not the principal's (111122223333)");
  CHECK(refused("credentials:\n  - access_key_id: A\n    secret_access_key: s\n    principal: "
                "arn:aws:iam::111122223333:root\n    colour: red\n") ==
        "c.yaml: credentials[0]: unknown field colour");
  CHECK(refused("credentials:\n  - access_key_id: A\n    secret_access_key: s\n    principal: "
                "arn:aws:iam::111122223333:root\n  - access_key_id: A\n    secret_access_key: t\n"
                "    principal: arn:aws:iam::111122223333:root\n") ==
        "c.yaml: credentials[1]: access_key_id A is listed twice");
  CHECK(refused("credentials:\n  - access_key_id: A\n    secret_access_key: s\n    principal: "
                "arn:aws:iam::111122223333:root\n    identity_policy: \"[1]\"\n") ==
        "c.yaml: credentials[0]: identity_policy must be a JSON object");
}
