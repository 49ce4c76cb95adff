// The one JSON error writer of every surface (server/http/error_response.h).
#include "server/http/error_response.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/key_sealer.h"
#include "core/kms_service.h"
#include "failing_repository.h"
#include "server/wire/router.h"

using namespace rotor;
using namespace rotor::server;
using nlohmann::json;

TEST_CASE("Errors are written as AWS writes them, with the table's name and status") {
  core::KmsError missing = core::KmsError::KeyDoesNotExist("arn:aws:kms:us-east-1:1:key/k");
  CHECK(json::parse(http::ErrorBody(missing)) ==
        json{{"__type", "NotFoundException"},
             {"message", "Key 'arn:aws:kms:us-east-1:1:key/k' does not exist"}});
  // AWS sends no message at all for some errors.
  CHECK(http::ErrorBody(core::KmsError::InvalidCiphertext()) ==
        R"({"__type":"InvalidCiphertextException"})");
  http::HttpRequest req{http::verb::post, "/", 11};
  http::HttpResponse res = http::ErrorResponse(req, missing, "req-1");
  CHECK(res.result_int() == 400);
  CHECK(res[http::field::content_type] == "application/x-amz-json-1.1");
  CHECK(res["x-amzn-RequestId"] == "req-1");
  http::HttpResponse rest =
      http::ErrorResponse(req, missing, "", http::status::not_found, http::kJsonContentType);
  CHECK(rest.result_int() == 404);
  CHECK(rest[http::field::content_type] == "application/json");
  CHECK(rest.find("x-amzn-RequestId") == rest.end());
  http::HttpResponse too_large = http::ErrorResponse(
      req, core::KmsError(core::ErrorCode::kRequestHeaderFieldsTooLarge, "big"));
  CHECK(too_large.result_int() == 431);
}

TEST_CASE("Internal errors reach the client as a generic message only") {
  core::KmsError internal = core::KmsError::Internal("the key material of arn:... is missing");
  core::KmsError shown = http::ClientError(internal, "Encrypt", "req-2");
  CHECK(shown.code() == core::ErrorCode::kKmsInternal);
  CHECK(shown.message() == http::kInternalErrorMessage);
  std::runtime_error disk(rotor::testing::kInternalText);
  CHECK(http::ClientError(disk, "CreateKey", "req-3").message() == http::kInternalErrorMessage);
  // Client errors pass unchanged.
  core::KmsError disabled = core::KmsError::Disabled("arn");
  CHECK(http::ClientError(disabled, "Encrypt", "").message() == "arn is disabled.");
  CHECK(http::ClientError(disabled, "Encrypt", "").code() == core::ErrorCode::kDisabled);
  // A KMSInternalException made for the client (an injected fault) passes too.
  core::KmsError injected =
      core::KmsError::ForClient(core::ErrorCode::kKmsInternal, "try again, said the rule");
  CHECK(injected.client_facing());
  CHECK_FALSE(internal.client_facing());
  CHECK(http::ClientError(injected, "Encrypt", "").message() == "try again, said the rule");
  CHECK(http::ClientError(injected, "Encrypt", "").code() == core::ErrorCode::kKmsInternal);
}

TEST_CASE("A storage failure under the KMS API is a 500 without the storage's text") {
  rotor::testing::FailingRepository broken;
  core::SeededRandom random{3};
  core::KeySealer sealer(random.Secret(32), random);
  core::KmsService service(broken, sealer, random, core::ServiceConfig{});
  core::VirtualClock clock{*core::ParseIso8601("2026-01-01T00:00:00Z")};
  wire::Router router(service, clock, {});
  http::HttpRequest req{http::verb::post, "/", 11};
  req.set("X-Amz-Target", "TrentService.CreateKey");
  req.body() = "{}";
  req.prepare_payload();
  http::HttpResponse res = router.Handle(req, {"127.0.0.1", true});
  CHECK(res.result_int() == 500);
  CHECK(json::parse(res.body()) ==
        json{{"__type", "KMSInternalException"},
             {"message", "The request failed because of an internal error."}});
}
