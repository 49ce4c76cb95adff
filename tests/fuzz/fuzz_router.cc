// Fuzz target: one HTTP request through the Router, in process, over a
// KmsService on the in-memory repository (storage/memory_key_repository.h).
//
// Input layout:
//   byte 0     operation (fuzz_ops.h), or an admin path when >= 0xF0
//   byte 1     flags: 0x01 an Authorization header is the input's next line,
//                     0x02 GET instead of POST, 0x04 target "/x" instead of "/",
//                     0x08 no Content-Type, 0x10 a second X-Amz-Target header
//   rest       the body
// Every input starts from the same state: after a reset, two symmetric keys
// (the first with two material versions) and alias/fuzz -> the first key, created
// with a seeded random source, so their ids and material are the same on every
// run and ciphertexts in the corpus decrypt. ROTOR_FUZZ_PRINT_SEEDS=<dir> writes
// seed inputs made from real requests against that state into <dir>.
//
// The router must answer every input with a well-formed response: any status
// but 500, and a JSON body with "__type" for errors. A 500 means an exception
// other than KmsError escaped a handler: a bug.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/key_inventory.h"
#include "core/key_sealer.h"
#include "core/kms_service.h"
#include "core/random.h"
#include "fuzz/fuzz_ops.h"
#include "server/admin/admin_endpoints.h"
#include "server/front_dispatcher.h"
#include "server/wire/router.h"
#include "storage/memory_key_repository.h"

namespace {

using namespace rotor;
namespace http = server::http;

constexpr std::string_view kAdminPaths[] = {"/_rotor/health",
                                            "/_rotor/clock",
                                            "/_rotor/keys",
                                            "/_rotor/events",
                                            "/_rotor/report",
                                            "/_rotor/reset",
                                            "/moto-api/reset",
                                            "/_rotor/ui",
                                            "/_rotor/keys/",
                                            "/_rotor/ui/app.js",
                                            "/_rotor/report?format=csv",
                                            "/_rotor/",
                                            "/_rotor/clock?x",
                                            "/_rotor/events?limit=5",
                                            "/_rotor/keys?state=Enabled",
                                            "/_rotor/nope"};

struct World {
  World()
      : clock(*core::ParseIso8601("2026-01-01T00:00:00Z")),
        sealer(random.Secret(32), random),
        service(repo, sealer, random, Config()),
        // No virtual clock for the admin endpoints: clock moves answer 409, so
        // time never moves and every input sees the same clock.
        admin(service, inventory, clock, nullptr, nullptr, {"", "fuzz"}),
        router(service, clock, {}),
        front(router, admin) {}

  static core::ServiceConfig Config() {
    core::ServiceConfig c;
    c.jitter = core::JitterModel(1, core::Millis(0));
    return c;
  }

  http::response<http::string_body> Call(std::string_view op, const std::string& body) {
    server::http::HttpRequest req{http::verb::post, "/", 11};
    req.set("X-Amz-Target", "TrentService." + std::string(op));
    req.set("Content-Type", "application/x-amz-json-1.1");
    req.body() = body;
    req.prepare_payload();
    return front.Handle(req, {"127.0.0.1", true});
  }
  nlohmann::json CallJson(std::string_view op, const nlohmann::json& body) {
    auto res = Call(op, body.dump());
    if (res.result_int() != 200) {
      std::fprintf(stderr, "fuzz_router setup: %.*s -> %d %s\n", static_cast<int>(op.size()),
                   op.data(), res.result_int(), res.body().c_str());
      std::abort();
    }
    return nlohmann::json::parse(res.body());
  }

  // The same state before every input.
  void ResetState() {
    random = core::SeededRandom(1);
    service.Reset();
    key1 = CallJson("CreateKey", {{"Description", "fuzz key 1"}})["KeyMetadata"]["KeyId"];
    key2 = CallJson("CreateKey", {{"Description", "fuzz key 2"}})["KeyMetadata"]["KeyId"];
    CallJson("CreateAlias", {{"AliasName", "alias/fuzz"}, {"TargetKeyId", key1}});
    CallJson("RotateKeyOnDemand", {{"KeyId", key1}});
    // Cheap to make (no RSA): an HMAC key and an ECC signing key.
    mac_key = CallJson("CreateKey", {{"KeySpec", "HMAC_256"},
                                     {"KeyUsage", "GENERATE_VERIFY_MAC"}})["KeyMetadata"]["KeyId"];
    sign_key = CallJson("CreateKey", {{"KeySpec", "ECC_NIST_P256"},
                                      {"KeyUsage", "SIGN_VERIFY"}})["KeyMetadata"]["KeyId"];
  }

  core::SeededRandom random{1};
  core::VirtualClock clock;
  storage::MemoryKeyRepository repo;
  core::KeySealer sealer;
  core::KmsService service;
  core::KeyInventory inventory{repo};
  server::admin::AdminEndpoints admin;
  server::wire::Router router;
  server::FrontDispatcher front;
  std::string key1, key2, mac_key, sign_key;
};

World& TheWorld() {
  static World* world = new World();  // never destroyed: no exit-order surprises
  return *world;
}

void WriteSeed(const std::string& dir, const std::string& name, std::string_view op, uint8_t flags,
               const std::string& rest) {
  int index = fuzz::OperationIndex(op);
  if (index < 0) std::abort();
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.put(static_cast<char>(index));
  out.put(static_cast<char>(flags));
  out << rest;
}

// Seeds: one real request per operation family, made against the reset state.
void PrintSeeds(const std::string& dir) {
  World& w = TheWorld();
  w.ResetState();
  using nlohmann::json;
  std::string pt = "aGVsbG8gd29ybGQ=";  // "hello world"
  json enc = w.CallJson(
      "Encrypt",
      {{"KeyId", "alias/fuzz"}, {"Plaintext", pt}, {"EncryptionContext", {{"purpose", "fuzz"}}}});
  std::string blob = enc["CiphertextBlob"];
  json enc2 = w.CallJson("Encrypt", {{"KeyId", w.key2}, {"Plaintext", pt}});
  std::string blob2 = enc2["CiphertextBlob"];
  std::string sig = w.CallJson(
      "Sign",
      {{"KeyId", w.sign_key}, {"Message", pt}, {"SigningAlgorithm", "ECDSA_SHA_256"}})["Signature"];
  std::string mac =
      w.CallJson("GenerateMac",
                 {{"KeyId", w.mac_key}, {"Message", pt}, {"MacAlgorithm", "HMAC_SHA_256"}})["Mac"];
  std::string auth =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kms/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123456789abcdef\n";
  struct Seed {
    const char* name;
    const char* op;
    uint8_t flags;
    json body;
  };
  const Seed seeds[] = {
      {"create_key",
       "CreateKey",
       0,
       {{"Description", "d"},
        {"KeyUsage", "ENCRYPT_DECRYPT"},
        {"Tags", {{{"TagKey", "a"}, {"TagValue", "b"}}}}}},
      {"create_key_hmac",
       "CreateKey",
       0,
       {{"KeySpec", "HMAC_256"}, {"KeyUsage", "GENERATE_VERIFY_MAC"}}},
      {"create_key_rsa", "CreateKey", 0, {{"KeySpec", "RSA_2048"}, {"KeyUsage", "SIGN_VERIFY"}}},
      {"create_key_external", "CreateKey", 0, {{"Origin", "EXTERNAL"}}},
      {"describe_key", "DescribeKey", 0, {{"KeyId", w.key1}}},
      {"describe_key_alias_arn",
       "DescribeKey",
       0,
       {{"KeyId", "arn:aws:kms:us-east-1:111122223333:alias/fuzz"}}},
      {"list_keys", "ListKeys", 0, {{"Limit", 1}}},
      {"list_keys_marker", "ListKeys", 0, {{"Limit", 1}, {"Marker", "bad"}}},
      {"enable_key", "EnableKey", 0, {{"KeyId", w.key2}}},
      {"disable_key", "DisableKey", 0, {{"KeyId", w.key2}}},
      {"update_description", "UpdateKeyDescription", 0, {{"KeyId", w.key1}, {"Description", "x"}}},
      {"schedule_deletion",
       "ScheduleKeyDeletion",
       0,
       {{"KeyId", w.key2}, {"PendingWindowInDays", 7}}},
      {"cancel_deletion", "CancelKeyDeletion", 0, {{"KeyId", w.key2}}},
      {"tag_resource",
       "TagResource",
       0,
       {{"KeyId", w.key1}, {"Tags", {{{"TagKey", "k"}, {"TagValue", "v"}}}}}},
      {"untag_resource", "UntagResource", 0, {{"KeyId", w.key1}, {"TagKeys", {"k"}}}},
      {"list_tags", "ListResourceTags", 0, {{"KeyId", w.key1}}},
      {"get_policy", "GetKeyPolicy", 0, {{"KeyId", w.key1}, {"PolicyName", "default"}}},
      {"put_policy",
       "PutKeyPolicy",
       0,
       {{"KeyId", w.key1},
        {"PolicyName", "default"},
        {"Policy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}}},
      {"list_policies", "ListKeyPolicies", 0, {{"KeyId", w.key1}}},
      {"create_alias", "CreateAlias", 0, {{"AliasName", "alias/two"}, {"TargetKeyId", w.key2}}},
      {"update_alias", "UpdateAlias", 0, {{"AliasName", "alias/fuzz"}, {"TargetKeyId", w.key2}}},
      {"delete_alias", "DeleteAlias", 0, {{"AliasName", "alias/fuzz"}}},
      {"list_aliases", "ListAliases", 0, {{"KeyId", w.key1}}},
      {"encrypt",
       "Encrypt",
       0,
       {{"KeyId", "alias/fuzz"}, {"Plaintext", pt}, {"EncryptionContext", {{"a", "b"}}}}},
      {"encrypt_signed", "Encrypt", 1, {{"KeyId", w.key1}, {"Plaintext", pt}}},
      {"decrypt",
       "Decrypt",
       0,
       {{"CiphertextBlob", blob}, {"EncryptionContext", {{"purpose", "fuzz"}}}}},
      {"decrypt_keyid", "Decrypt", 0, {{"CiphertextBlob", blob2}, {"KeyId", w.key2}}},
      {"decrypt_wrong_context", "Decrypt", 0, {{"CiphertextBlob", blob}}},
      {"reencrypt",
       "ReEncrypt",
       0,
       {{"CiphertextBlob", blob},
        {"SourceEncryptionContext", {{"purpose", "fuzz"}}},
        {"DestinationKeyId", w.key2}}},
      {"generate_data_key", "GenerateDataKey", 0, {{"KeyId", w.key1}, {"KeySpec", "AES_256"}}},
      {"generate_data_key_bytes", "GenerateDataKey", 0, {{"KeyId", w.key1}, {"NumberOfBytes", 64}}},
      {"generate_data_key_wo",
       "GenerateDataKeyWithoutPlaintext",
       0,
       {{"KeyId", w.key1}, {"KeySpec", "AES_128"}}},
      {"generate_random", "GenerateRandom", 0, {{"NumberOfBytes", 32}}},
      {"enable_rotation",
       "EnableKeyRotation",
       0,
       {{"KeyId", w.key1}, {"RotationPeriodInDays", 90}}},
      {"disable_rotation", "DisableKeyRotation", 0, {{"KeyId", w.key1}}},
      {"rotation_status", "GetKeyRotationStatus", 0, {{"KeyId", w.key1}}},
      {"rotate_on_demand", "RotateKeyOnDemand", 0, {{"KeyId", w.key2}}},
      {"list_rotations", "ListKeyRotations", 0, {{"KeyId", w.key1}, {"Limit", 1}}},
      {"last_usage", "GetKeyLastUsage", 0, {{"KeyId", w.key1}}},
      {"sign",
       "Sign",
       0,
       {{"KeyId", w.sign_key}, {"Message", pt}, {"SigningAlgorithm", "ECDSA_SHA_256"}}},
      {"sign_wrong_key",
       "Sign",
       0,
       {{"KeyId", w.key1}, {"Message", pt}, {"SigningAlgorithm", "RSASSA_PSS_SHA_256"}}},
      {"verify",
       "Verify",
       0,
       {{"KeyId", w.sign_key},
        {"Message", pt},
        {"Signature", sig},
        {"SigningAlgorithm", "ECDSA_SHA_256"}}},
      {"generate_mac",
       "GenerateMac",
       0,
       {{"KeyId", w.mac_key}, {"Message", pt}, {"MacAlgorithm", "HMAC_SHA_256"}}},
      {"verify_mac",
       "VerifyMac",
       0,
       {{"KeyId", w.mac_key}, {"Message", pt}, {"Mac", mac}, {"MacAlgorithm", "HMAC_SHA_256"}}},
      {"get_public_key", "GetPublicKey", 0, {{"KeyId", w.sign_key}}},
      {"data_key_pair",
       "GenerateDataKeyPair",
       0,
       {{"KeyId", w.key1}, {"KeyPairSpec", "ECC_NIST_P256"}}},
      {"get_parameters_for_import",
       "GetParametersForImport",
       0,
       {{"KeyId", w.key1},
        {"WrappingAlgorithm", "RSAES_OAEP_SHA_256"},
        {"WrappingKeySpec", "RSA_2048"}}},
  };
  for (const Seed& s : seeds) {
    std::string rest = (s.flags & 1) ? auth + s.body.dump() : s.body.dump();
    WriteSeed(dir, s.name, s.op, s.flags, rest);
  }
  // A few hand-written protocol oddities.
  WriteSeed(dir, "empty_body", "ListKeys", 0, "");
  WriteSeed(dir, "not_object", "CreateKey", 0, "[1,2]");
  WriteSeed(dir, "bad_json", "Encrypt", 0, "{\"KeyId\":");
  WriteSeed(dir, "deep", "CreateKey", 0, std::string(64, '[') + std::string(64, ']'));
  WriteSeed(dir, "big_number", "GenerateRandom", 0, "{\"NumberOfBytes\":1e999}");
  WriteSeed(dir, "bad_utf8", "CreateKey", 0, "{\"Description\":\"\xff\xfe\"}");
  WriteSeed(dir, "escapes", "CreateKey", 0, "{\"Description\":\"\\ud800\\u0000\\\"\"}");
  WriteSeed(dir, "garbage_auth", "ListKeys", 1, "AWS4-HMAC-SHA256 Credential=/, Signature=\n{}");
  WriteSeed(dir, "get_method", "ListKeys", 2, "{}");
  WriteSeed(dir, "wrong_path", "ListKeys", 4, "{}");
  std::fprintf(stderr, "fuzz_router: seeds written to %s (key1 %s, key2 %s)\n", dir.c_str(),
               w.key1.c_str(), w.key2.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("ROTOR_FUZZ_PRINT_SEEDS")) {
    PrintSeeds(dir);
    std::exit(0);
  }
  TheWorld().ResetState();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  World& w = TheWorld();
  w.ResetState();
  uint8_t selector = data[0];
  uint8_t flags = data[1];
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string auth;
  if (flags & 0x01) {
    size_t nl = rest.find('\n');
    auth = std::string(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  bool admin = selector >= 0xF0;
  std::string target =
      admin ? std::string(kAdminPaths[selector - 0xF0]) : ((flags & 0x04) ? "/x" : "/");
  if (admin && (flags & 0x04)) target += std::string(rest.substr(0, rest.find('\n')));
  http::verb verb = (flags & 0x02) ? http::verb::get : http::verb::post;
  server::http::HttpRequest req{verb, target, 11};
  // Beast rejects header values with CR/LF on the wire; a parsed request never has them.
  for (char& c : auth) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  if (!admin) {
    std::string_view op = fuzz::kOperations[selector % fuzz::kOperations.size()];
    req.set("X-Amz-Target", "TrentService." + std::string(op));
    if (flags & 0x10) req.insert("X-Amz-Target", "TrentService.Decrypt");
  }
  if (!(flags & 0x08)) req.set("Content-Type", "application/x-amz-json-1.1");
  if (!auth.empty()) req.set("Authorization", auth);
  req.body() = std::string(rest);
  req.prepare_payload();
  server::http::HttpResponse res = w.front.Handle(req, {"127.0.0.1", true});
  int status = res.result_int();
  static const bool verbose = std::getenv("ROTOR_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "fuzz_router: %d %.300s\n", status, res.body().c_str());
  if (status == 500) {
    std::fprintf(stderr, "fuzz_router: 500 for %s: %s\n", req.target().data(), res.body().c_str());
    std::abort();
  }
  if (status >= 400 && !admin) {
    auto doc = nlohmann::json::parse(res.body(), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("__type")) {
      std::fprintf(stderr, "fuzz_router: error without __type: %s\n", res.body().c_str());
      std::abort();
    }
  }
  return 0;
}
