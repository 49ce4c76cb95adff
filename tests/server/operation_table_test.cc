// The KMS operation table (server/wire/operation_table.h) against its sources:
// every row is an operation of the botocore model and every model operation
// Rotor implements has one; each flag follows the rule the header states (the
// model's sensitive and blob members, AWS's list of cryptographic operations,
// the Describe/Get/List rule, the IAM action names); lookups are exact; and
// the model operations without a row answer UnsupportedOperationException.
#include "server/wire/operation_table.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/key_sealer.h"
#include "server/wire/kms_model.h"
#include "server/wire/router.h"
#include "storage/memory_key_repository.h"

using namespace rotor;
using namespace rotor::server::wire;
using nlohmann::json;

namespace {

const KmsModel& Model() { return KmsModel::Embedded(); }

std::set<std::string> Names(std::span<const std::string_view> names) {
  return {names.begin(), names.end()};
}

// True when `shape` is sensitive or a blob, or holds such a shape at any depth
// (RecipientInfo holds the AttestationDocument blob). The KMS model has no
// recursive shapes; the depth bound keeps a future one from recursing forever.
bool HoldsSecret(const Shape& shape, int depth = 0) {
  if (shape.IsSecret()) return true;
  if (depth > 32) return false;
  for (const ShapeMember& m : shape.members) {
    if (HoldsSecret(*m.shape, depth + 1)) return true;
  }
  for (const Shape* s : {shape.element, shape.key, shape.value}) {
    if (s && HoldsSecret(*s, depth + 1)) return true;
  }
  return false;
}

// The members of `shape` that are sensitive or blobs, or hold one.
std::set<std::string> SecretMembers(const Shape* shape) {
  std::set<std::string> out;
  if (!shape) return out;
  for (const ShapeMember& m : shape->members) {
    if (HoldsSecret(*m.shape)) out.insert(m.name);
  }
  return out;
}

bool StartsWithAny(std::string_view name, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](std::string_view p) { return name.starts_with(p); });
}

// The model's operations Rotor does not implement yet: custom key stores.
const std::set<std::string> kNotImplemented = {
    "ConnectCustomKeyStore",   "CreateCustomKeyStore",     "DeleteCustomKeyStore",
    "DescribeCustomKeyStores", "DisconnectCustomKeyStore", "UpdateCustomKeyStore"};

}  // namespace

TEST_CASE("Every row is a model operation, once, every other model operation is one not done yet") {
  std::set<std::string> rows;
  for (const OperationEntry& op : AllOperations()) {
    CAPTURE(op.name);
    CHECK(Model().HasOperation(op.name));
    CHECK(rows.insert(std::string(op.name)).second);
    CHECK(op.handler != nullptr);
  }
  std::set<std::string> without_row;
  for (std::string_view name : Model().Operations()) {
    if (!rows.count(std::string(name))) without_row.insert(std::string(name));
  }
  CHECK(without_row == kNotImplemented);
  CHECK(rows.size() + kNotImplemented.size() == Model().Operations().size());
}

TEST_CASE("never_logged is every input member the model marks sensitive or blob, or holding one") {
  for (const OperationEntry& op : AllOperations()) {
    CAPTURE(op.name);
    CHECK(Names(op.never_logged) == SecretMembers(Model().Input(op.name)));
  }
  // The rule as the model has it today, spelt out once.
  CHECK(Names(FindOperation("Encrypt")->never_logged) == std::set<std::string>{"Plaintext"});
  CHECK(Names(FindOperation("Decrypt")->never_logged) ==
        std::set<std::string>{"CiphertextBlob", "Recipient"});  // Recipient holds a blob
  CHECK(Names(FindOperation("ImportKeyMaterial")->never_logged) ==
        std::set<std::string>{"EncryptedKeyMaterial", "ImportToken"});
  CHECK(FindOperation("CreateKey")->never_logged.empty());
}

TEST_CASE("A response is logged only for operations whose output holds no secret") {
  for (const OperationEntry& op : AllOperations()) {
    CAPTURE(op.name);
    CHECK(op.logs_response() == (!op.read_only() && !op.cryptographic()));
    if (op.logs_response()) CHECK(SecretMembers(Model().Output(op.name)).empty());
  }
}

TEST_CASE("Read-only: the Describe, Get and List operations") {
  for (const OperationEntry& op : AllOperations()) {
    CAPTURE(op.name);
    CHECK(op.read_only() == StartsWithAny(op.name, {"Describe", "Get", "List"}));
  }
}

TEST_CASE("Cryptographic: the KMS Developer Guide's list of cryptographic operations") {
  const std::set<std::string> guide = {"Decrypt",
                                       "DeriveSharedSecret",
                                       "Encrypt",
                                       "GenerateDataKey",
                                       "GenerateDataKeyPair",
                                       "GenerateDataKeyPairWithoutPlaintext",
                                       "GenerateDataKeyWithoutPlaintext",
                                       "GenerateMac",
                                       "GenerateRandom",
                                       "ReEncrypt",
                                       "Sign",
                                       "Verify",
                                       "VerifyMac"};
  std::set<std::string> flagged;
  for (const OperationEntry& op : AllOperations()) {
    if (op.cryptographic()) flagged.insert(std::string(op.name));
    CHECK_FALSE((op.cryptographic() && op.read_only()));
  }
  CHECK(flagged == guide);
}

TEST_CASE("Every operation that changes state may block, cryptography stays inline but key pairs") {
  for (const OperationEntry& op : AllOperations()) {
    CAPTURE(op.name);
    if (!op.read_only() && !op.cryptographic()) CHECK(op.blocking());
    if (op.changes_key_state()) {
      CHECK(op.blocking());
      CHECK((op.family == Family::kKeyLifecycle || op.family == Family::kImportedKeyMaterial));
    }
  }
  CHECK(FindOperation("GenerateDataKeyPair")->blocking());
  CHECK(FindOperation("GetParametersForImport")->blocking());
  CHECK_FALSE(FindOperation("Encrypt")->blocking());
  CHECK_FALSE(FindOperation("DescribeKey")->blocking());
}

TEST_CASE("Policy actions are kms:<Operation>, ReEncrypt is authorised from and to") {
  for (const OperationEntry& op : AllOperations()) {
    CAPTURE(op.name);
    if (op.name == "ReEncrypt") continue;
    CHECK(op.policy_actions[0] == "kms:" + std::string(op.name));
    CHECK(op.policy_actions[1].empty());
  }
  const OperationEntry* re = FindOperation("ReEncrypt");
  REQUIRE(re);
  CHECK(re->policy_actions[0] == "kms:ReEncryptFrom");
  CHECK(re->policy_actions[1] == "kms:ReEncryptTo");
}

TEST_CASE("Cross-account use: the operations the API Reference says another account may call") {
  // API Reference, each operation's "Cross-account use: Yes" (strict mode,
  // a key of another account named by its key ARN; core/access_request.h).
  const std::set<std::string> expected = {"DescribeKey",
                                          "Encrypt",
                                          "Decrypt",
                                          "ReEncrypt",
                                          "GenerateDataKey",
                                          "GenerateDataKeyWithoutPlaintext",
                                          "GenerateDataKeyPair",
                                          "GenerateDataKeyPairWithoutPlaintext",
                                          "Sign",
                                          "Verify",
                                          "GetPublicKey",
                                          "DeriveSharedSecret",
                                          "GenerateMac",
                                          "VerifyMac",
                                          "GetKeyRotationStatus",
                                          "CreateGrant",
                                          "ListGrants",
                                          "RetireGrant",
                                          "RevokeGrant"};
  std::set<std::string> got;
  for (const OperationEntry& op : AllOperations()) {
    if (op.cross_account()) got.insert(std::string(op.name));
  }
  CHECK(got == expected);
}

TEST_CASE("Families: written once, rows grouped by family, every family named") {
  std::set<std::string> names;
  std::set<Family> seen;
  Family current = AllOperations().front().family;
  for (const OperationEntry& op : AllOperations()) {
    CAPTURE(op.name);
    if (op.family != current) {
      CHECK(seen.insert(current).second);  // a family never comes back after another
      current = op.family;
    }
  }
  CHECK(seen.insert(current).second);
  CHECK(seen.size() == 9);
  for (Family f : seen) {
    CHECK_FALSE(ToString(f).empty());
    CHECK(names.insert(std::string(ToString(f))).second);
  }
  CHECK(FindOperation("CreateKey")->family == Family::kKeyLifecycle);
  CHECK(FindOperation("RotateKeyOnDemand")->family == Family::kRotation);
  CHECK(FindOperation("ListRetirableGrants")->family == Family::kGrants);
  CHECK(ToString(Family::kRotation) == "Rotation");
  CHECK(ToString(Family::kGrants) == "Grants");
}

TEST_CASE("Service events have one row each") {
  std::set<core::ServiceEventKind> kinds;
  for (const ServiceEventEntry& e : AllServiceEvents()) CHECK(kinds.insert(e.kind).second);
  CHECK(kinds == std::set<core::ServiceEventKind>{
                     core::ServiceEventKind::kRotateKey, core::ServiceEventKind::kDeleteKey,
                     core::ServiceEventKind::kDeleteExpiredKeyMaterial});
  CHECK(core::ToString(core::ServiceEventKind::kDeleteExpiredKeyMaterial) ==
        "DeleteExpiredKeyMaterial");
}

TEST_CASE("Lookups are exact and return the row") {
  for (const OperationEntry& op : AllOperations()) CHECK(FindOperation(op.name) == &op);
  REQUIRE(FindOperation("Encrypt"));
  CHECK(FindOperation("Encrypt")->handler == &operations::Encrypt);
  CHECK(FindOperation("encrypt") == nullptr);
  CHECK(FindOperation("Encrypt ") == nullptr);
  CHECK(FindOperation("TrentService.Encrypt") == nullptr);
  CHECK(FindOperation("") == nullptr);
  CHECK(FindOperation("CreateCustomKeyStore") == nullptr);
  REQUIRE(FindOperation("CreateGrant"));
  CHECK(FindOperation("CreateGrant")->handler == &operations::CreateGrant);
}

TEST_CASE("The router looks a request up once: Find's row is the one Handle runs") {
  core::SeededRandom random{3};
  core::VirtualClock clock{*core::ParseIso8601("2026-01-01T00:00:00Z")};
  storage::MemoryKeyRepository repo;
  core::KeySealer sealer(random.Secret(32), random);
  core::KmsService service(repo, sealer, random, core::ServiceConfig{});
  Router router(service, clock, {});
  auto request = [](const std::string& op) {
    server::http::HttpRequest req{server::http::verb::post, "/", 11};
    req.set("X-Amz-Target", "TrentService." + op);
    req.body() = "{}";
    req.prepare_payload();
    return req;
  };

  server::http::HttpRequest create = request("CreateKey");
  server::http::Route route = router.Find(create);
  CHECK(route.row == FindOperation("CreateKey"));
  CHECK(route.blocking);
  CHECK_FALSE(router.Find(request("ListKeys")).blocking);
  // Handle runs the row it is given: the route found for ListKeys answers
  // a request whose header names CreateKey with ListKeys' answer.
  server::http::HttpResponse listed =
      router.Handle(create, {"127.0.0.1", true}, router.Find(request("ListKeys")));
  CHECK(listed.result_int() == 200);
  CHECK(json::parse(listed.body()).contains("Keys"));

  // Model operations without a row, and names outside the model.
  for (const std::string& name : kNotImplemented) {
    CAPTURE(name);
    server::http::HttpRequest req = request(name);
    CHECK(router.Find(req).row == nullptr);
    server::http::HttpResponse res = router.Handle(req, {"127.0.0.1", true});
    CHECK(res.result_int() == 400);
    CHECK(json::parse(res.body()) == json{{"__type", "UnsupportedOperationException"},
                                          {"message", "Rotor does not implement " + name + "."}});
  }
  server::http::HttpResponse unknown = router.Handle(request("encrypt"), {"127.0.0.1", true});
  CHECK(json::parse(unknown.body())["__type"] == "UnknownOperationException");
}
