// A KmsService on the in-memory repository and a virtual clock, for behaviour tests.
#pragma once

#include <catch2/catch.hpp>

#include "core/advance_time.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "storage/memory_key_repository.h"

namespace rotor::core::testing {

struct ServiceFixture {
  explicit ServiceFixture(ServiceConfig config = DefaultConfig())
      : sealer(random.Secret(32), random), service(repo, sealer, random, config) {}

  static ServiceConfig DefaultConfig() {
    ServiceConfig c;
    c.jitter = JitterModel(42, Millis(0));
    return c;
  }

  RequestContext Ctx(Scope scope = {"111122223333", "us-east-1"}) {
    RequestContext ctx;
    ctx.scope = std::move(scope);
    ctx.now = clock.Now();
    ctx.request_id = "req-" + std::to_string(++requests);
    ctx.access_key_id = "AKID";
    ctx.source_ip = "127.0.0.1";
    ctx.user_agent = "test";
    return ctx;
  }
  // A context for the operation AWS names `operation` (what the router sets
  // from the operation table), for tests of the messages and usage records
  // that name it.
  RequestContext CtxFor(std::string_view operation) {
    RequestContext ctx = Ctx();
    ctx.operation = operation;
    return ctx;
  }
  Key NewKey() { return service.CreateKey(Ctx(), CreateKeyRequest{}); }
  void Advance(Millis d) { AdvanceTime(service, clock.Now() + d, &clock); }
  Bytes EncryptText(const std::string& key_id, const std::string& text,
                    EncryptionContext context = {}) {
    EncryptRequest req;
    req.key_id = key_id;
    req.plaintext = SecretBytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    req.context = std::move(context);
    return service.Encrypt(CtxFor("Encrypt"), req).ciphertext;
  }
  std::string DecryptText(const Bytes& blob, EncryptionContext context = {}) {
    DecryptRequest req;
    req.ciphertext = blob;
    req.context = std::move(context);
    DecryptResult r = service.Decrypt(CtxFor("Decrypt"), req);
    return std::string(r.plaintext.bytes().begin(), r.plaintext.bytes().end());
  }

  SeededRandom random{7};
  VirtualClock clock{*ParseIso8601("2026-01-01T00:00:00Z")};
  storage::MemoryKeyRepository repo;
  KeySealer sealer;
  KmsService service;
  int requests = 0;
};

// The enum value AWS names `name` ("SIGN_VERIFY"), as the wire converts it;
// tests keep AWS's spelling in their tables.
template <typename E>
E Enum(std::string_view name) {
  std::optional<E> value = Parse<E>(name);
  REQUIRE(value);
  return *value;
}

// Runs `fn` and returns the AWS error name it threw ("" if none).
template <typename Fn>
std::string ErrorOf(Fn&& fn) {
  try {
    fn();
  } catch (const KmsError& e) {
    return std::string(e.name());
  }
  return "";
}
template <typename Fn>
std::string MessageOf(Fn&& fn) {
  try {
    fn();
  } catch (const KmsError& e) {
    return e.message();
  }
  return "";
}

}  // namespace rotor::core::testing
